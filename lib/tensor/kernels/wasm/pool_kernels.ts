/**
 * Float32 loops of a CNN step that are too slow as TypeScript over generic storage (every one
 * is a few loads per element; in JS they ran at ~30 ns per output): the 2x2 max pool with its
 * indices, the max pool's backward scatter, and the convolution's bias gradient. They run on the
 * GEMM's WebAssembly memory (ops/pool.ts and ops/conv.ts copy their operands in and out), so the
 * plain-TypeScript backend (no GEMM) keeps the TypeScript loops.
 *
 *   max_2x2(x, y, idx, planes, inPlane, W, OH, OW, groups)
 *       y[pl, oh, ow] = max of the 2x2 window at (2 oh, 2 ow) of plane pl (inPlane bytes each,
 *       rows of W floats); idx = its flat index within the plane, as a float; groups =
 *       ceil(OW / 4). Ties keep the first (row-major) value and a NaN wins, as PyTorch.
 *   max_scatter(gx, go, idx, planes, inPlane, outPlane)   gx[pl, idx[pl, o]] += go[pl, o]
 *   bias_grad(go, gb, N, Cout, L)   gb[co] = sum over n, l of go[n, co, l], summed in float64 in
 *       four partial sums by l % 4, in the same order as the TypeScript loop (so both backends
 *       give the same bits); L a multiple of 4.
 *   relu_inplace(x, n4)   x = relu(x) on 4 * n4 floats, on the bit patterns as the elementwise
 *       kernels (a set sign bit gives +0): the fused conv -> ReLU -> pool (ops/conv_relu_pool.ts).
 *   relu_mask(g, y, n4)   g = y's bits nonzero ? g : +0 on 4 * n4 floats in place: ReLU's backward
 *       (elementwise_simd.ts's relu_grad) on a pooled gradient before its scatter.
 * Pointers and table entries are in bytes; counts in elements.
 */
import { I32, V128, op, uleb, type WasmFunction } from "./assembler";
import { kernelsOnMemory } from "./on_memory";
import { addTo, f32Add, f32Store, fn, whileLt } from "./conv_pack";
import { ensureScratch } from "./resident";

const i32TruncF32S = [0xa8];
const f32DemoteF64 = [0xb6];
const f64Add = [0xa0];

const g = op.localGet, s = op.localSet, c = op.i32Const;

// SIMD encodings the shared op table lacks.
const simd = (code: number) => [0xfd, ...uleb(code)];
const f32x4Gt = simd(0x44);
const f32x4Ne = simd(0x42);
const v128Or = simd(0x50);
const v128Bitselect = simd(0x52);
const f32x4ConvertI32x4S = simd(0xfa);
const shuffle = (lanes: number[]) => [...simd(0x0d), ...lanes];
const v128Const = (ints: number[]) => [...simd(0x0c), ...new Uint8Array(new Int32Array(ints).buffer)];
/** Floats 0, 2, 4, 6 and 1, 3, 5, 7 of the 8 in two vectors. */
const EVEN = shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);
const ODD = shuffle([4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]);

/**
 * 2x2 windows at stride 2 without padding, four outputs per step: two rows of 8 inputs are
 * split into even and odd columns, and the four candidates are compared lane-wise with
 * bitselect (no branches: on random data the scalar compare chain mispredicted most of its
 * branches and cost ~30 ns per output). Rows are done in whole groups of four; the last group's
 * extra lanes read past the row (the caller pads the input) and are overwritten by the next row
 * or land in the caller's padding after y and idx.
 */
function max2x2(): WasmFunction {
  const locals = {
    pl: I32, xb: I32, oh: I32, q: I32, r0: I32, r1: I32, yq: I32, iq: I32, yp: I32, ip: I32, rowIdx: I32,
    e0: V128, o0: V128, e1: V128, o1: V128, best: V128, bi: V128, m: V128, wv: V128, w1: V128, one: V128,
  };
  return fn("max_2x2", ["x", "y", "idx", "planes", "inPlane", "W", "OH", "OW", "groups"], locals, (v) => {
    const split = (addr: number, even: number, odd: number) => [
      ...g(addr), ...op.v128Load(0), ...g(addr), ...op.v128Load(16), ...EVEN, ...s(even),
      ...g(addr), ...op.v128Load(0), ...g(addr), ...op.v128Load(16), ...ODD, ...s(odd),
    ];
    const candidate = (val: number, delta: number) => [
      ...g(val), ...g(v.best), ...f32x4Gt, ...g(val), ...g(val), ...f32x4Ne, ...v128Or, ...s(v.m),
      ...g(val), ...g(v.best), ...g(v.m), ...v128Bitselect, ...s(v.best),
      ...g(delta), ...g(v.bi), ...g(v.m), ...v128Bitselect, ...s(v.bi),
    ];
    return [
      ...g(v.W), ...op.i32x4Splat, ...s(v.wv),
      ...g(v.W), ...c(1), ...op.i32Add, ...op.i32x4Splat, ...s(v.w1),
      ...c(1), ...op.i32x4Splat, ...s(v.one),
      ...g(v.y), ...s(v.yp), ...g(v.idx), ...s(v.ip),
      ...c(0), ...s(v.pl),
      ...whileLt(v.pl, v.planes, c(1), [
        ...g(v.x), ...g(v.pl), ...g(v.inPlane), ...op.i32Mul, ...op.i32Add, ...s(v.xb),
        ...c(0), ...s(v.oh),
        ...whileLt(v.oh, v.OH, c(1), [
          // rowIdx = 2 * oh * W: the flat index of the window row in the plane
          ...g(v.oh), ...c(2), ...op.i32Mul, ...g(v.W), ...op.i32Mul, ...s(v.rowIdx),
          ...g(v.xb), ...g(v.rowIdx), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.r0),
          ...g(v.r0), ...g(v.W), ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.r1),
          ...g(v.yp), ...s(v.yq), ...g(v.ip), ...s(v.iq),
          ...c(0), ...s(v.q),
          ...whileLt(v.q, v.groups, c(1), [
            ...split(v.r0, v.e0, v.o0),
            ...split(v.r1, v.e1, v.o1),
            ...g(v.e0), ...s(v.best),
            ...op.v128Zero, ...s(v.bi),
            ...candidate(v.o0, v.one),
            ...candidate(v.e1, v.wv),
            ...candidate(v.o1, v.w1),
            ...g(v.yq), ...g(v.best), ...op.v128Store(0),
            // idx = rowIdx + 2 * (4q + lane) + bi
            ...g(v.iq),
            ...g(v.bi), ...g(v.rowIdx), ...g(v.q), ...c(8), ...op.i32Mul, ...op.i32Add, ...op.i32x4Splat, ...op.i32x4Add,
            ...v128Const([0, 2, 4, 6]), ...op.i32x4Add, ...f32x4ConvertI32x4S, ...op.v128Store(0),
            ...addTo(v.r0, c(32)), ...addTo(v.r1, c(32)), ...addTo(v.yq, c(16)), ...addTo(v.iq, c(16)),
          ]),
          ...addTo(v.yp, [...g(v.OW), ...c(4), ...op.i32Mul]),
          ...addTo(v.ip, [...g(v.OW), ...c(4), ...op.i32Mul]),
        ]),
      ]),
    ];
  });
}

function maxScatter(): WasmFunction {
  const locals = { pl: I32, gb: I32, gp: I32, ip: I32, gend: I32, ob: I32, at: I32 };
  return fn("max_scatter", ["gx", "go", "idx", "planes", "inPlane", "outPlane"], locals, (v) => [
    ...g(v.outPlane), ...c(4), ...op.i32Mul, ...s(v.ob),
    ...g(v.go), ...s(v.gp), ...g(v.idx), ...s(v.ip),
    ...c(0), ...s(v.pl),
    ...whileLt(v.pl, v.planes, c(1), [
      ...g(v.gx), ...g(v.pl), ...g(v.inPlane), ...op.i32Mul, ...op.i32Add, ...s(v.gb),
      ...g(v.gp), ...g(v.ob), ...op.i32Add, ...s(v.gend),
      ...whileLt(v.gp, v.gend, c(4), [
        // address = gb + 4 * idx
        ...g(v.gb), ...g(v.ip), ...op.f32Load(0), ...i32TruncF32S, ...c(4), ...op.i32Mul, ...op.i32Add, ...s(v.at),
        ...g(v.at), ...g(v.at), ...op.f32Load(0), ...g(v.gp), ...op.f32Load(0), ...f32Add, ...f32Store(),
        ...addTo(v.ip, c(4)),
      ]),
    ]),
  ]);
}

const f64x2PromoteLowF32x4 = simd(0x5f);
const f64x2Add = simd(0xf0);
const f64x2ExtractLane = (lane: number) => [...simd(0x21), lane];
/** Floats 2, 3 of a vector moved to lanes 0, 1 (for promoting the high half). */
const HIGH_HALF = shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);

/**
 * Four float64 partial sums per channel, one per lane of a float32 vector (position l % 4 of a
 * row), as two f64x2 accumulators: four independent add chains instead of one (a single float64
 * chain is bound by the add latency, ~4 cycles per element). Rows must be whole groups of four
 * (L % 4 === 0; ops/conv.ts checks). The lanes are combined as (s0 + s2) + (s1 + s3), the order
 * ops/conv.ts's TypeScript loop uses.
 */
function biasGrad(): WasmFunction {
  const locals = { co: I32, n: I32, p: I32, end: I32, lb: I32, v: V128, lo: V128, hi: V128 };
  return fn("bias_grad", ["go", "gb", "N", "Cout", "L"], locals, (v) => [
    ...g(v.L), ...c(4), ...op.i32Mul, ...s(v.lb),
    ...c(0), ...s(v.co),
    ...whileLt(v.co, v.Cout, c(1), [
      ...op.v128Zero, ...s(v.lo), ...op.v128Zero, ...s(v.hi),
      ...c(0), ...s(v.n),
      ...whileLt(v.n, v.N, c(1), [
        // p = go + ((n * Cout + co) * L) * 4
        ...g(v.go), ...g(v.n), ...g(v.Cout), ...op.i32Mul, ...g(v.co), ...op.i32Add, ...g(v.lb), ...op.i32Mul, ...op.i32Add, ...s(v.p),
        ...g(v.p), ...g(v.lb), ...op.i32Add, ...s(v.end),
        ...whileLt(v.p, v.end, c(16), [
          ...g(v.p), ...op.v128Load(0), ...s(v.v),
          ...g(v.lo), ...g(v.v), ...f64x2PromoteLowF32x4, ...f64x2Add, ...s(v.lo),
          ...g(v.hi), ...g(v.v), ...g(v.v), ...HIGH_HALF, ...f64x2PromoteLowF32x4, ...f64x2Add, ...s(v.hi),
        ]),
      ]),
      // (s0 + s2) + (s1 + s3)
      ...g(v.lo), ...g(v.hi), ...f64x2Add, ...s(v.v),
      ...g(v.gb), ...g(v.co), ...c(4), ...op.i32Mul, ...op.i32Add,
      ...g(v.v), ...f64x2ExtractLane(0), ...g(v.v), ...f64x2ExtractLane(1), ...f64Add, ...f32DemoteF64, ...f32Store(),
    ]),
  ]);
}

const v128AndNot = simd(0x4f);

/** relu_inplace(x, n4): x & ~(x >> 31) lane-wise, as elementwise_simd.ts's relu (the same bits). */
function reluInplace(): WasmFunction {
  const locals = { end: I32, v: V128 };
  return fn("relu_inplace", ["x", "n4"], locals, (v) => [
    ...g(v.x), ...g(v.n4), ...c(16), ...op.i32Mul, ...op.i32Add, ...s(v.end),
    ...whileLt(v.x, v.end, c(16), [
      ...g(v.x), ...g(v.x), ...op.v128Load(0), ...op.localTee(v.v), ...g(v.v), ...c(31), ...op.i32x4ShrS, ...v128AndNot, ...op.v128Store(0),
    ]),
  ]);
}

const i32x4Ne = simd(0x38);
const v128And = simd(0x4e);

/** relu_mask(g, y, n4): g & (y != 0) lane-wise on the integer bits. */
function reluMask(): WasmFunction {
  const locals = { end: I32 };
  return fn("relu_mask", ["g", "y", "n4"], locals, (v) => [
    ...g(v.g), ...g(v.n4), ...c(16), ...op.i32Mul, ...op.i32Add, ...s(v.end),
    ...whileLt(v.g, v.end, c(16), [
      ...g(v.g), ...g(v.g), ...op.v128Load(0), ...g(v.y), ...op.v128Load(0), ...op.v128Zero, ...i32x4Ne, ...v128And, ...op.v128Store(0),
      ...addTo(v.y, c(16)),
    ]),
  ]);
}

export interface PoolKernels {
  max_2x2(x: number, y: number, idx: number, planes: number, inPlane: number, W: number, OH: number, OW: number, groups: number): void;
  max_scatter(gx: number, go: number, idx: number, planes: number, inPlane: number, outPlane: number): void;
  bias_grad(go: number, gb: number, N: number, Cout: number, L: number): void;
  relu_inplace(x: number, n4: number): void;
  relu_mask(g: number, y: number, n4: number): void;
}

const poolFunctions = (): WasmFunction[] => [max2x2(), maxScatter(), biasGrad(), reluInplace(), reluMask()];

/** The kernels instantiated on `memory` (once per memory), or null where the host cannot run them. */
export const poolKernelsOn = kernelsOnMemory<PoolKernels>(poolFunctions);

/**
 * Views of `memory` at least `bytes` long (grown when needed): scratch for one kernel call. The
 * caller owns the whole memory between GEMM calls.
 */
export function scratchViews(memory: WebAssembly.Memory, bytes: number): { f: Float32Array } {
  ensureScratch(memory, bytes);
  return { f: new Float32Array(memory.buffer) };
}

