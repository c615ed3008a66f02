/**
 * Exact GELU over float32 as WebAssembly SIMD, four lanes at a time:
 *   gelu_val(x, y, n4):         y = x * Phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2   (no graph)
 *   gelu_fwd(x, y, d, n4):      y as above and d = GELU'(x) = Phi(x) + x * exp(-x^2 / 2) / sqrt(2 pi)
 *   gelu_bwd(g, d, out, n4):    out = g * d
 * The forward computes the derivative while x is in registers, so the backward is one multiply and
 * stages two operands instead of three (it recomputed the density from x before). erf is the same
 * rational approximation as the JS erf32 (kernels/unary.ts: clamp to [-4, 4], odd degree-13
 * numerator over a degree-10 denominator in x^2); exp is Cephes expf (simd_exp.ts). With Relaxed
 * SIMD the polynomials use fused multiply-adds (a quarter less time; a few ulp apart from the
 * mul + add build, which hosts without it get). A JS loop per element cost ~15 ns here; the GELU
 * of a transformer's feed-forward was a tenth of its training step. NaN propagates (wasm min/max
 * propagate it). Pointers are bytes; n4 counts groups of four floats.
 */
import { I32, V128, buildModule, op, uleb, type WasmFunction } from "./assembler";
import { kernelsOnMemory } from "./on_memory";
import { instantiateOwnMemory } from "./own_memory";
import { expNonPositiveF32x4, f32x4Pmax, f32x4Pmin } from "./simd_exp";

const ERF_P = [-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02];
const ERF_Q = [-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03, -1.42647390514189e-02];

// SIMD instructions the shared op table lacks.
const f32x4Ge = [0xfd, ...uleb(0x46)];
const v128And = [0xfd, ...uleb(0x4e)];


const g = op.localGet, s = op.localSet;
const splat = (v: number) => [...op.f32Const(v), ...op.f32x4Splat];
/** acc * x + c for each next coefficient c: one fused multiply-add each with `fma`. */
const horner = (coeffs: number[], x: number, fma: boolean) => [
  ...splat(coeffs[0]),
  ...coeffs.slice(1).flatMap((c) => (fma ? [...g(x), ...splat(c), ...op.f32x4RelaxedMadd] : [...g(x), ...op.f32x4Mul, ...splat(c), ...op.f32x4Add])),
];
const advance = (p: number, bytes: number) => [...g(p), ...op.i32Const(bytes), ...op.i32Add, ...s(p)];

/** Leaves erf(v) on the stack, with v in local `v` and scratch locals `t`, `q` (v128). */
function erf(v: number, t: number, q: number, fma: boolean): number[] {
  return [
    ...g(v), ...splat(4), ...f32x4Pmin, ...splat(-4), ...f32x4Pmax, ...s(t), // t = clamp(v)
    ...g(t), ...g(t), ...op.f32x4Mul, ...s(q), // q = t^2
    ...g(t), ...horner(ERF_P, q, fma), ...op.f32x4Mul, // t * P(t^2)
    ...horner(ERF_Q, q, fma), ...op.f32x4Div,
  ];
}

function loopOver(n4: number, body: number[]): number[] {
  return op.block([...g(n4), ...op.i32Eqz, ...op.brIf(0), ...op.loop([...body, ...g(n4), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(n4), ...op.brIf(0)])]);
}

/**
 * Phi(x) of the v128 at byte `off` from local X into local CDF (x itself into local XV when given),
 * >= 0 so x = -inf gives GELU = -inf * 0 = NaN. (1 + erf) / 2 is one fused multiply-add with `fma`:
 * erf / 2 is exact, so the fused and the separate forms round the same sum once, the same bits.
 */
function phi(x: number, v: number, t: number, q: number, cdf: number, fma: boolean, off = 0, xv = -1): number[] {
  return [
    ...g(x), ...op.v128Load(off), ...(xv >= 0 ? op.localTee(xv) : []), ...splat(Math.SQRT1_2), ...op.f32x4Mul, ...s(v),
    ...erf(v, t, q, fma), ...(fma ? [...splat(0.5), ...splat(0.5), ...op.f32x4RelaxedMadd] : [...splat(0.5), ...op.f32x4Mul, ...splat(0.5), ...op.f32x4Add]),
    ...splat(0), ...f32x4Pmax, ...s(cdf),
  ];
}

/** y = x * Phi(x) only (no graph will need the derivative). */
function geluValues(fma: boolean): WasmFunction {
  const X = 0, Y = 1, N4 = 2, V = 3, T = 4, Q = 5, CDF = 6;
  const body = [
    ...phi(X, V, T, Q, CDF, fma),
    ...g(Y), ...g(X), ...op.v128Load(0), ...g(CDF), ...op.f32x4Mul, ...op.v128Store(0),
    ...advance(X, 16), ...advance(Y, 16),
  ];
  return { name: "gelu_val", params: [I32, I32, I32], results: [], locals: [V128, V128, V128, V128], body: loopOver(N4, body) };
}

/**
 * y = x * Phi(x) and d = Phi(x) + x * pdf(x), two groups of four floats per iteration (then the
 * odd one): TurboFan keeps few of the kernel's ~20 constants in registers and reloads the rest from
 * the stack at each use, which two groups' uses share (4 % less time on [1024, 256], same bits).
 */
function geluForward(fma: boolean): WasmFunction {
  const X = 0, Y = 1, D = 2, N4 = 3, PAIRS = 4;
  /** The group at byte `off` from X, Y and D, with nine v128 locals from `l`. */
  const group = (off: number, l: number) => {
    const V = l, T = l + 1, Q = l + 2, CDF = l + 3, KF = l + 4, R = l + 5, KI = l + 6, MASK = l + 7, XV = l + 8;
    return [
      ...phi(X, V, T, Q, CDF, fma, off, XV),
      ...g(Y), ...g(XV), ...g(CDF), ...op.f32x4Mul, ...op.v128Store(off),
      ...g(XV), ...g(XV), ...op.f32x4Mul, ...splat(-0.5), ...op.f32x4Mul, ...s(T),
      // d = cdf + v * pdf, pdf = exp(t) / sqrt(2 pi) forced to exactly 0 below t = -103 (so
      // x = +-inf gives inf * 0 = NaN, as the float64 formula and PyTorch do).
      ...g(D),
      ...g(CDF),
      ...g(T), ...splat(-103), ...f32x4Ge, ...s(MASK),
      // exp(t) for t = -x^2 / 2 <= 0 (or NaN): the form for x <= 0.
      ...g(XV), ...expNonPositiveF32x4(T, KF, R, KI, fma), ...g(MASK), ...v128And, ...op.f32x4Mul, ...splat(0.3989422804014327), ...op.f32x4Mul,
      ...op.f32x4Add, ...op.v128Store(off),
    ];
  };
  const two = [...group(0, 5), ...group(16, 14), ...advance(X, 32), ...advance(Y, 32), ...advance(D, 32)];
  const one = [...group(0, 5), ...advance(X, 16), ...advance(Y, 16), ...advance(D, 16)];
  return {
    name: "gelu_fwd", params: [I32, I32, I32, I32], results: [], locals: [I32, ...new Array<number>(18).fill(V128)],
    body: [
      ...g(N4), ...op.i32Const(1), ...op.i32ShrU, ...s(PAIRS), ...loopOver(PAIRS, two),
      ...g(N4), ...op.i32Const(1), ...op.i32And, ...s(N4), ...loopOver(N4, one),
    ],
  };
}

/** out = g * d. */
function geluBackward(): WasmFunction {
  const G = 0, D = 1, OUT = 2, N4 = 3;
  const body = [
    ...g(OUT), ...g(G), ...op.v128Load(0), ...g(D), ...op.v128Load(0), ...op.f32x4Mul, ...op.v128Store(0),
    ...advance(G, 16), ...advance(D, 16), ...advance(OUT, 16),
  ];
  return { name: "gelu_bwd", params: [I32, I32, I32, I32], results: [], locals: [], body: loopOver(N4, body) };
}

/** The three kernels' functions, with fused multiply-adds or without (the thread pool builds them into its row module too). */
export const geluFunctions = (fma: boolean): WasmFunction[] => [geluValues(fma), geluForward(fma), geluBackward()];

export const geluModuleBytes = (fma = false): Uint8Array<ArrayBuffer> => buildModule(geluFunctions(fma));

/** The three kernels (pointers in bytes, n4 groups of four floats), as exported. */
export interface GeluKernels {
  gelu_val(x: number, y: number, n4: number): void;
  gelu_fwd(x: number, y: number, d: number, n4: number): void;
  gelu_bwd(gr: number, d: number, out: number, n4: number): void;
}

const geluFmaOn = kernelsOnMemory<GeluKernels>(() => geluFunctions(true));
const geluPlainOn = kernelsOnMemory<GeluKernels>(() => geluFunctions(false));

/**
 * The kernels on another module's memory (the GEMM's, for the fused feed-forward block), built as
 * createGeluSimd builds its own (fused multiply-adds where Relaxed SIMD validates), so the same bits.
 */
export const geluOn = (memory: WebAssembly.Memory): GeluKernels | null => geluFmaOn(memory) ?? geluPlainOn(memory);

/** Floats per chunk staged in module memory (the module's memory stays at a few MB). */
const CHUNK = 1 << 16;

export interface GeluSimd {
  /** y = GELU(x) for n floats (n a multiple of 4 is not required: the caller does the tail). */
  values(n: number, x: Float32Array, y: Float32Array): void;
  /** y = GELU(x) and d = GELU'(x). */
  forward(n: number, x: Float32Array, y: Float32Array, d: Float32Array): void;
  /** out = g * d. */
  backward(n: number, gr: Float32Array, d: Float32Array, out: Float32Array): void;
}

/** The SIMD GELU on its own memory, or null without WebAssembly SIMD. Handles the first 4 * floor(n / 4) floats. */
export function createGeluSimd(): GeluSimd | null {
  type Exports = GeluKernels;
  // Fused multiply-adds where Relaxed SIMD validates, else mul + add.
  const wasm = instantiateOwnMemory<Exports>(() => geluModuleBytes(true)) ?? instantiateOwnMemory<Exports>(() => geluModuleBytes(false));
  if (!wasm) return null;
  const { gelu_val: val, gelu_fwd: fwd, gelu_bwd: bwd } = wasm.exports;
  // Three chunk slots, sized once (the memory never grows again, so the view stays valid).
  const h = wasm.heap(3 * CHUNK);
  const [R0, R1, R2] = [0, CHUNK, 2 * CHUNK];
  return {
    values(n, x, y) {
      for (let at = 0; at + 4 <= n; at += CHUNK) {
        const len = Math.min(CHUNK, n - at) & ~3;
        h.set(x.subarray(at, at + len), R0);
        val(R0 * 4, R1 * 4, len >> 2);
        y.set(h.subarray(R1, R1 + len), at);
      }
    },
    forward(n, x, y, d) {
      for (let at = 0; at + 4 <= n; at += CHUNK) {
        const len = Math.min(CHUNK, n - at) & ~3;
        h.set(x.subarray(at, at + len), R0);
        fwd(R0 * 4, R1 * 4, R2 * 4, len >> 2);
        y.set(h.subarray(R1, R1 + len), at);
        d.set(h.subarray(R2, R2 + len), at);
      }
    },
    backward(n, gr, d, out) {
      for (let at = 0; at + 4 <= n; at += CHUNK) {
        const len = Math.min(CHUNK, n - at) & ~3;
        h.set(gr.subarray(at, at + len), R0);
        h.set(d.subarray(at, at + len), R1);
        bwd(R0 * 4, R1 * 4, R2 * 4, len >> 2);
        out.set(h.subarray(R2, R2 + len), at);
      }
    },
  };
}
