/**
 * Exact GELU over float32 as WebAssembly SIMD, four lanes at a time:
 *   gelu_fwd(x, y, cdf, n4):       cdf = Phi(x) = (1 + erf(x / sqrt 2)) / 2, y = x * cdf
 *   gelu_bwd(g, x, cdf, out, n4):  out = g * (cdf + x * exp(-x^2 / 2) / sqrt(2 pi))
 * erf is the same rational approximation as the JS erf32 (kernels/unary.ts: clamp to [-4, 4],
 * odd degree-13 numerator over a degree-10 denominator in x^2); exp is Cephes expf (range reduction
 * by ln 2, degree-5 polynomial, 2^k applied as two normal powers of two so tiny results go to 0 and
 * exp(-inf) = 0 exactly). A JS loop per element cost ~15 ns here; the GELU of a transformer's
 * feed-forward was a tenth of its training step. NaN propagates (wasm min/max propagate it).
 * Pointers are bytes; n4 counts groups of four floats.
 */
import { I32, V128, buildModule, op, uleb, type WasmFunction } from "./assembler";
import { instantiateOwnMemory } from "./own_memory";
import { expF32x4 } from "./simd_exp";

const ERF_P = [-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02];
const ERF_Q = [-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03, -1.42647390514189e-02];

// SIMD instructions the shared op table lacks.
const f32x4Ge = [0xfd, ...uleb(0x46)];
const v128And = [0xfd, ...uleb(0x4e)];

const g = op.localGet, s = op.localSet;
const splat = (v: number) => [...op.f32Const(v), ...op.f32x4Splat];
const horner = (coeffs: number[], x: number) => [...splat(coeffs[0]), ...coeffs.slice(1).flatMap((c) => [...g(x), ...op.f32x4Mul, ...splat(c), ...op.f32x4Add])];
const advance = (p: number, bytes: number) => [...g(p), ...op.i32Const(bytes), ...op.i32Add, ...s(p)];

/** Leaves erf(v) on the stack, with v in local `v` and scratch locals `t`, `q` (v128). */
function erf(v: number, t: number, q: number): number[] {
  return [
    ...g(v), ...splat(4), ...op.f32x4Min, ...splat(-4), ...op.f32x4Max, ...s(t), // t = clamp(v)
    ...g(t), ...g(t), ...op.f32x4Mul, ...s(q), // q = t^2
    ...g(t), ...horner(ERF_P, q), ...op.f32x4Mul, // t * P(t^2)
    ...horner(ERF_Q, q), ...op.f32x4Div,
  ];
}

function loopOver(n4: number, body: number[]): number[] {
  return op.block([...g(n4), ...op.i32Eqz, ...op.brIf(0), ...op.loop([...body, ...g(n4), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(n4), ...op.brIf(0)])]);
}

function geluForward(): WasmFunction {
  const X = 0, Y = 1, C = 2, N4 = 3, V = 4, T = 5, Q = 6, CDF = 7;
  const body = [
    ...g(X), ...op.v128Load(0), ...s(V),
    ...g(V), ...splat(Math.SQRT1_2), ...op.f32x4Mul, ...s(V),
    ...erf(V, T, Q), ...splat(0.5), ...op.f32x4Mul, ...splat(0.5), ...op.f32x4Add, ...splat(0), ...op.f32x4Max, ...s(CDF), // >= 0: x = -inf gives NaN
    ...g(C), ...g(CDF), ...op.v128Store(0),
    ...g(Y), ...g(X), ...op.v128Load(0), ...g(CDF), ...op.f32x4Mul, ...op.v128Store(0),
    ...advance(X, 16), ...advance(Y, 16), ...advance(C, 16),
  ];
  return { name: "gelu_fwd", params: [I32, I32, I32, I32], results: [], locals: [V128, V128, V128, V128], body: loopOver(N4, body) };
}

function geluBackward(): WasmFunction {
  const G = 0, X = 1, C = 2, OUT = 3, N4 = 4, V = 5, T = 6, KF = 7, R = 8, KI = 9, K1 = 10, MASK = 11;
  const body = [
    ...g(X), ...op.v128Load(0), ...s(V),
    ...g(V), ...g(V), ...op.f32x4Mul, ...splat(-0.5), ...op.f32x4Mul, ...s(T),
    // out = g * (cdf + v * pdf), pdf = exp(t) / sqrt(2 pi) forced to exactly 0 below t = -103 (so
    // x = +-inf gives inf * 0 = NaN, as the float64 formula and PyTorch do).
    ...g(OUT),
    ...g(G), ...op.v128Load(0),
    ...g(C), ...op.v128Load(0),
    ...g(T), ...splat(-103), ...f32x4Ge, ...s(MASK),
    ...g(V), ...expF32x4(T, KF, R, KI, K1), ...g(MASK), ...v128And, ...op.f32x4Mul, ...splat(0.3989422804014327), ...op.f32x4Mul,
    ...op.f32x4Add, ...op.f32x4Mul, ...op.v128Store(0),
    ...advance(G, 16), ...advance(X, 16), ...advance(C, 16), ...advance(OUT, 16),
  ];
  return { name: "gelu_bwd", params: [I32, I32, I32, I32, I32], results: [], locals: new Array<number>(7).fill(V128), body: loopOver(N4, body) };
}

export const geluModuleBytes = (): Uint8Array<ArrayBuffer> => buildModule([geluForward(), geluBackward()]);

/** Floats per chunk staged in module memory (the module's memory stays at a few MB). */
const CHUNK = 1 << 16;

export interface GeluSimd {
  /** y = GELU(x), cdf = Phi(x), for n floats (n a multiple of 4 is not required: the caller does the tail). */
  forward(n: number, x: Float32Array, y: Float32Array, cdf: Float32Array): void;
  backward(n: number, gr: Float32Array, x: Float32Array, cdf: Float32Array, out: Float32Array): void;
}

/** The SIMD GELU on its own memory, or null without WebAssembly SIMD. Handles the first 4 * floor(n / 4) floats. */
export function createGeluSimd(): GeluSimd | null {
  type Exports = { gelu_fwd(x: number, y: number, c: number, n4: number): void; gelu_bwd(gr: number, x: number, c: number, out: number, n4: number): void };
  const wasm = instantiateOwnMemory<Exports>(geluModuleBytes);
  if (!wasm) return null;
  const { gelu_fwd: fwd, gelu_bwd: bwd } = wasm.exports;
  // Four chunk slots, sized once (the memory never grows again, so the view stays valid).
  const h = wasm.heap(4 * CHUNK);
  const [R0, R1, R2, R3] = [0, CHUNK, 2 * CHUNK, 3 * CHUNK];
  return {
    forward(n, x, y, cdf) {
      for (let at = 0; at + 4 <= n; at += CHUNK) {
        const len = Math.min(CHUNK, n - at) & ~3;
        h.set(x.subarray(at, at + len), R0);
        fwd(R0 * 4, R1 * 4, R2 * 4, len >> 2);
        y.set(h.subarray(R1, R1 + len), at);
        cdf.set(h.subarray(R2, R2 + len), at);
      }
    },
    backward(n, gr, x, cdf, out) {
      for (let at = 0; at + 4 <= n; at += CHUNK) {
        const len = Math.min(CHUNK, n - at) & ~3;
        h.set(gr.subarray(at, at + len), R0);
        h.set(x.subarray(at, at + len), R1);
        h.set(cdf.subarray(at, at + len), R2);
        bwd(R0 * 4, R1 * 4, R2 * 4, R3 * 4, len >> 2);
        out.set(h.subarray(R3, R3 + len), at);
      }
    },
  };
}
