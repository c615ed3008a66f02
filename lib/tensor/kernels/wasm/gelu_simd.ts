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
 * of a transformer's feed-forward was a tenth of its training step. Three groups of four floats run
 * side by side (groupsLoop below). NaN propagates (wasm min/max propagate it). Pointers are bytes;
 * n4 counts groups of four floats.
 */
import { I32, V128, buildModule, interleave, op, relaxedSimdValidates, uleb, type Statements, type WasmFunction } from "./assembler";
import { kernelsOnMemory } from "./on_memory";
import { instantiateOwnMemory } from "./own_memory";
import { expNonPositiveStatements, f32x4Pmax, f32x4Pmin } from "./simd_exp";

const ERF_P = [-2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05, -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02];
const ERF_Q = [-1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03, -1.42647390514189e-02];

// SIMD instructions the shared op table lacks.
const f32x4Ge = [0xfd, ...uleb(0x46)];
const v128And = [0xfd, ...uleb(0x4e)];
const i32DivU = [0x6e];
const i32RemU = [0x70];


const g = op.localGet, s = op.localSet;
const splat = (v: number) => [...op.f32Const(v), ...op.f32x4Splat];
const advance = (p: number, bytes: number) => [...g(p), ...op.i32Const(bytes), ...op.i32Add, ...s(p)];

function loopOver(n4: number, body: number[]): number[] {
  return op.block([...g(n4), ...op.i32Eqz, ...op.brIf(0), ...op.loop([...body, ...g(n4), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(n4), ...op.brIf(0)])]);
}

/** Horner's rule into local acc: acc = c0, then acc = acc * x + c for each next coefficient (one fused multiply-add with `fma`), a statement per step. */
const hornerStatements = (coeffs: number[], acc: number, x: number, fma: boolean): Statements => [
  [...splat(coeffs[0]), ...s(acc)],
  ...coeffs.slice(1).map((c) => (fma ? [...g(acc), ...g(x), ...splat(c), ...op.f32x4RelaxedMadd, ...s(acc)] : [...g(acc), ...g(x), ...op.f32x4Mul, ...splat(c), ...op.f32x4Add, ...s(acc)])),
];

/** V128 locals each group of geluForward uses (geluValues: the first PHI_LOCALS). */
const FWD_LOCALS = 11;
const PHI_LOCALS = 6;

/**
 * x of the group at byte `off` from X into local l and Phi(x) into local l + 5, with locals l..l+5:
 * erf is the rational P(t^2) t / Q(t^2) of t = v clamped to [-4, 4], v = x / sqrt 2; Phi >= 0 so
 * x = -inf gives GELU = -inf * 0 = NaN. (1 + erf) / 2 is one fused multiply-add with `fma`: erf / 2
 * is exact, so the fused and the separate forms round the same sum once, the same bits.
 */
function phiStatements(X: number, off: number, l: number, fma: boolean): Statements {
  const XV = l, V = l + 1, T = l + 2, Q = l + 3, A = l + 4, CDF = l + 5;
  return [
    [...g(X), ...op.v128Load(off), ...s(XV)],
    [...g(XV), ...splat(Math.SQRT1_2), ...op.f32x4Mul, ...s(V)],
    [...g(V), ...splat(4), ...f32x4Pmin, ...splat(-4), ...f32x4Pmax, ...s(T)],
    [...g(T), ...g(T), ...op.f32x4Mul, ...s(Q)],
    ...hornerStatements(ERF_P, A, Q, fma),
    [...g(T), ...g(A), ...op.f32x4Mul, ...s(T)], // t P(t^2)
    ...hornerStatements(ERF_Q, A, Q, fma),
    [...g(T), ...g(A), ...op.f32x4Div, ...s(V)], // erf
    [...g(V), ...(fma ? [...splat(0.5), ...splat(0.5), ...op.f32x4RelaxedMadd] : [...splat(0.5), ...op.f32x4Mul, ...splat(0.5), ...op.f32x4Add]), ...splat(0), ...f32x4Pmax, ...s(CDF)],
  ];
}

/** y = x * Phi(x) of the group at byte `off` from X and Y, with PHI_LOCALS v128 locals from `l`. */
const geluValueGroup = (X: number, Y: number, off: number, l: number, fma: boolean): Statements => [
  ...phiStatements(X, off, l, fma),
  [...g(Y), ...g(l), ...g(l + 5), ...op.f32x4Mul, ...op.v128Store(off)],
];

/**
 * geluValueGroup, then d = Phi(x) + x * pdf(x) into D at `off`, with FWD_LOCALS v128 locals from `l`:
 * pdf = exp(t) / sqrt(2 pi) with t = -x^2 / 2 (expNonPositiveStatements: its kernel's bits),
 * forced to exactly 0 below t = -103 (so x = +-inf gives inf * 0 = NaN, as the float64 formula
 * and PyTorch do).
 */
function geluForwardGroup(X: number, Y: number, D: number, off: number, l: number, fma: boolean): Statements {
  const XV = l, T = l + 2, CDF = l + 5, MASK = l + 6, KI = l + 7, KF = l + 8, R = l + 9, E = l + 10;
  return [
    ...geluValueGroup(X, Y, off, l, fma),
    [...g(XV), ...g(XV), ...op.f32x4Mul, ...splat(-0.5), ...op.f32x4Mul, ...s(T)],
    [...g(T), ...splat(-103), ...f32x4Ge, ...s(MASK)],
    ...expNonPositiveStatements(T, KF, R, KI, E, fma),
    [...g(D), ...g(CDF), ...g(XV), ...g(E), ...g(MASK), ...v128And, ...op.f32x4Mul, ...splat(0.3989422804014327), ...op.f32x4Mul, ...op.f32x4Add, ...op.v128Store(off)],
  ];
}

/**
 * The groups of four floats at X (and Y, D) `groups` at a time with their statements
 * interleaved, then one at a time; `group(off, firstLocal)` builds one group's statements, each
 * group using `perGroup` v128 locals after the params. Each group's erf (and exp) is a long chain of
 * dependent operations: one group at a time, the core's scheduler filled with one chain's waiting
 * instructions; side by side it overlaps them. Same bits: each lane runs the same operations.
 * Measured on [1024, 256] (bench/gelu_kernel_ab.ts): gelu_fwd x0.66 of one group at a time, gelu_val
 * x0.73-0.83; two groups x0.74-0.79, four x0.74-0.83 (the locals then spill).
 */
function groupsLoop(name: string, groups: number, pointers: number, perGroup: number, group: (off: number, l: number) => Statements): WasmFunction {
  const N4 = pointers, ITER = pointers + 1, L0 = pointers + 2;
  const advanceAll = (bytes: number) => Array.from({ length: pointers }, (_, p) => advance(p, bytes)).flat();
  const many = [...interleave(Array.from({ length: groups }, (_, i) => group(16 * i, L0 + i * perGroup))), ...advanceAll(16 * groups)];
  const one = [...interleave([group(0, L0)]), ...advanceAll(16)];
  return {
    name, params: new Array<number>(pointers + 1).fill(I32), results: [], locals: [I32, ...new Array<number>(groups * perGroup).fill(V128)],
    body: [
      ...g(N4), ...op.i32Const(groups), ...i32DivU, ...s(ITER), ...loopOver(ITER, many),
      ...g(N4), ...op.i32Const(groups), ...i32RemU, ...s(N4), ...loopOver(N4, one),
    ],
  };
}

/** Groups per iteration: 3 beat 2 and 4 here, with fused multiply-adds and without (bench/gelu_kernel_ab.ts). */
const GELU_GROUPS = 3;

/** y = x * Phi(x) only (no graph will need the derivative). */
const geluValues = (fma: boolean, groups: number): WasmFunction => groupsLoop("gelu_val", groups, 2, PHI_LOCALS, (off, l) => geluValueGroup(0, 1, off, l, fma));

/** y = x * Phi(x) and d = GELU'(x) = Phi(x) + x * pdf(x). */
const geluForward = (fma: boolean, groups: number): WasmFunction => groupsLoop("gelu_fwd", groups, 3, FWD_LOCALS, (off, l) => geluForwardGroup(0, 1, 2, off, l, fma));

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
export const geluFunctions = (fma: boolean, groups = GELU_GROUPS): WasmFunction[] => [geluValues(fma, groups), geluForward(fma, groups), geluBackward()];

export const geluModuleBytes = (fma = false): Uint8Array<ArrayBuffer> => buildModule(geluFunctions(fma));

/** The three kernels (pointers in bytes, n4 groups of four floats), as exported. */
export interface GeluKernels {
  gelu_val(x: number, y: number, n4: number): void;
  gelu_fwd(x: number, y: number, d: number, n4: number): void;
  gelu_bwd(gr: number, d: number, out: number, n4: number): void;
}

const geluKernelsOn = kernelsOnMemory<GeluKernels>(() => geluFunctions(relaxedSimdValidates()));

/**
 * The kernels on another module's memory (the GEMM's, for the fused feed-forward block), built as
 * createGeluSimd builds its own (fused multiply-adds where Relaxed SIMD validates), so the same bits.
 */
export const geluOn = (memory: WebAssembly.Memory): GeluKernels | null => geluKernelsOn(memory);

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
  const wasm = instantiateOwnMemory<Exports>(() => geluModuleBytes(relaxedSimdValidates()));
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
