/**
 * The row passes of fused attention (nn/functional/attention_core.ts) as WebAssembly SIMD, four
 * float32 lanes at a time, in place over rows of S scores (S a multiple of 4):
 *   attn_softmax_fwd(p, rows, S, L, i, causal, scale):
 *       x = scale * s (the product in float64, rounded once), m = max(x) over the row's first `end`
 *       entries (end = min(S, i + 1) under the causal cut, else S; i = the row's query position,
 *       counted mod L from the first row), p = exp(x - m) / sum(exp(x - m)) there and 0 past it.
 *   attn_softmax_bwd(ds, p, rows, S, L, i, causal, scale):
 *       ds = scale * p * (ds - sum(ds * p)) over the first `end` entries, 0 past them.
 * Why: the same passes in JS cost a tenth of a small GPT's training step, and the separate exp call
 * ran over the masked half too (exp(-inf) takes the slow underflow path of the x64 multiplier).
 * The row sums (sum of exps, sum of ds * p) and the normalising products are float64 (f64x2
 * lanes), as the JS loops they replace: float32 sums moved a fixture gradient by 2-5e-5. Only the
 * order of the float64 additions differs (two lanes of even/odd positions), ~1e-16 relative.
 * exp is simd_exp.ts's Cephes expf (the bits of the exp kernel the JS path calls), in its form
 * for x <= 0 (x - m is). Where a group's two halves go through float64 apart, each half is loaded
 * (v128.load64_zero) and stored (v128.store64_lane) by itself: on x64 a shuffle to split or join a
 * v128's halves competes with the float64 conversions for one port, a load or store does not
 * (the backward pass ran about a fifth faster, the forward a few per cent). The forward's
 * dependency chains are kept short, as its rows are latency-bound (one row's work fills the
 * core's reorder window): the running max is a pseudo-max with NaNs noted apart, the group
 * holding the cut is done in vector lanes under a mask (no scalar tail loops, whose varying trip
 * counts mispredicted), and the sum of the exps is a pass of its own after the exp pass (in the
 * exp loop its accumulators were spilled, each group waiting on the last one's store). Same bits;
 * 4096 causal rows of 64: 0.46 -> 0.32 ms, 0.29 ms where scale is a float32 value (x = scale * s
 * is then one float32 multiply, the same bits as the float64 product rounded once).
 * Pointers are bytes; S, L, i count floats / rows.
 */
import { F32, I32, V128, buildModule, interleave, op, uleb, type Statements, type WasmFunction } from "./assembler";
import { kernelsOnMemory } from "./on_memory";
import { instantiateOwnMemory } from "./own_memory";
import { expInPlaceStatements, expNonPositiveF32x4, f32x4Pmax } from "./simd_exp";

const F64 = 0x7c;
const simd = (code: number) => [0xfd, ...uleb(code)];
const i8x16Shuffle = (lanes: number[]) => [...simd(0x0d), ...lanes];
const f32x4ExtractLane = (lane: number) => [...simd(0x1f), lane];
const f64x2ExtractLane = (lane: number) => [...simd(0x21), lane];
const f64x2Splat = simd(0x14);
const f32x4DemoteF64x2Zero = simd(0x5e);
const f64x2PromoteLowF32x4 = simd(0x5f);
const f64x2Add = simd(0xf0);
const f64x2Sub = simd(0xf1);
const f64x2Mul = simd(0xf2);
/** v128.load64_zero: two floats at offset `off` into the low half (the high half zero): a load, where a shuffle would take the x64 shuffle port. */
const load64Zero = (off: number) => [...simd(0x5d), 3, ...uleb(off)];
/** v128.store64_lane, lane 0: the low two floats stored at offset `off`. */
const store64Low = (off: number) => [...simd(0x5b), 3, ...uleb(off), 0];
const f32Load = [0x2a, 2, 0];
const f32Store = [0x38, 2, 0];
const f32Eq = [0x5b];
const f32DemoteF64 = [0xb6];
const f64PromoteF32 = [0xbb];
const f64Add = [0xa0];
const f64Sub = [0xa1];
const f64Mul = [0xa2];
const f64Div = [0xa3];
const f64Const = (v: number) => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
const i32And = [0x71];
const i32ShrU = [0x76];
const i32x4GtS = simd(0x3b);
const v128And = simd(0x4e);
const v128Or = simd(0x50);
/** v128.bitselect(a, b, mask): a's bits where mask is set, b's elsewhere. */
const v128Bitselect = simd(0x52);
const v128AnyTrue = simd(0x53);
const f32x4Ne = simd(0x42);
/** A v128's float lanes (2, 3, 0, 1), and (1, 0, 3, 2). */
const swapHalves = i8x16Shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
const swapPairs = i8x16Shuffle([4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11]);
/** v128.const i32x4 (0, 1, 2, 3). */
const LANE_INDEX = [...simd(0x0c), ...new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer)];
const i32Eq = [0x46];
const i32GeU = [0x4f];
const select = [0x1b];
const f64Eq = [0x61];
/** if (cond) then else, leaving a value of type `type` (or nothing). */
const ifElse = (cond: number[], then: number[], other: number[], type = 0x40) => [...cond, 0x04, type, ...then, 0x05, ...other, 0x0b];

const g = op.localGet, s = op.localSet;
/** The lower halves of two v128s (two demoted f64x2 results) as one f32x4. */
const joinLows = i8x16Shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);

/** for (j = from; j < to; j += step) body, with j and to locals (bytes). */
const forBytes = (j: number, from: number[], to: number, step: number, body: number[]) => [
  ...from, ...s(j),
  ...op.block([
    ...g(j), ...g(to), ...i32GeU, ...op.brIf(0),
    ...op.loop([...body, ...g(j), ...op.i32Const(step), ...op.i32Add, ...op.localTee(j), ...g(to), ...op.i32LtU, ...op.brIf(0)]),
  ]),
];

/** for (r = rows; r > 0; r--) body. */
const overRows = (rows: number, body: number[]) => op.block([
  ...g(rows), ...op.i32Eqz, ...op.brIf(0),
  ...op.loop([...body, ...g(rows), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(rows), ...op.brIf(0)]),
]);

/** end = causal && i + 1 < S ? i + 1 : S (floats), and its byte bounds: whole groups, end, end rounded up to a group. */
function rowBounds(S: number, i: number, causal: number, end: number, fullB: number, endB: number, roundB: number): number[] {
  return [
    ...g(i), ...op.i32Const(1), ...op.i32Add, ...g(S),
    ...g(causal), ...g(i), ...op.i32Const(1), ...op.i32Add, ...g(S), ...op.i32LtU, ...i32And,
    ...select, ...s(end),
    ...g(end), ...op.i32Const(-4), ...i32And, ...op.i32Const(2), ...op.i32Shl, ...s(fullB),
    ...g(end), ...op.i32Const(2), ...op.i32Shl, ...s(endB),
    ...g(end), ...op.i32Const(3), ...op.i32Add, ...op.i32Const(-4), ...i32And, ...op.i32Const(2), ...op.i32Shl, ...s(roundB),
  ];
}

/** i = i + 1 == L ? 0 : i + 1. */
const nextQuery = (i: number, L: number) => [
  ...op.i32Const(0), ...g(i), ...op.i32Const(1), ...op.i32Add, ...op.localTee(i),
  ...g(i), ...g(L), ...i32Eq, ...select, ...s(i),
];

/** Sum of the two f64x2 locals' four lanes: (a0 + a1) + (b0 + b1). */
const sumLanes = (a: number, b: number) => [
  ...g(a), ...f64x2ExtractLane(0), ...g(a), ...f64x2ExtractLane(1), ...f64Add,
  ...g(b), ...f64x2ExtractLane(0), ...g(b), ...f64x2ExtractLane(1), ...f64Add, ...f64Add,
];

/** Zeroes [from, to) bytes of the row at base: floats up to the next group, then whole groups. */
const zeroTail = (base: number, j: number, endB: number, roundB: number, sB: number) => [
  ...forBytes(j, g(endB), roundB, 4, [...g(base), ...g(j), ...op.i32Add, ...op.f32Const(0), ...f32Store]),
  ...forBytes(j, g(roundB), sB, 16, [...g(base), ...g(j), ...op.i32Add, ...op.v128Zero, ...op.v128Store(0)]),
];

function softmaxForward(): WasmFunction {
  const P = 0, ROWS = 1, S = 2, L = 3, I = 4, CAUSAL = 5, SCALE = 6;
  const END = 7, FULLB = 8, ENDB = 9, ROUNDB = 10, SB = 11, J = 12;
  const VM = 13, X = 14, KF = 15, R = 16, KI = 17, MASK = 18, ACC0 = 19, ACC1 = 20, VF = 21, NF = 22;
  const M = 23, EXACT = 25, VS = 26; // 24: free
  const FULL32 = 27, X2 = 28, KF2 = 29, R2 = 30, KI2 = 31, E1 = 32, E2 = 33;
  const at = [...g(P), ...g(J), ...op.i32Add];
  /** The four floats at j: e = exp(x - m) (ANDed with the lane mask `mask` leaves, if any), stored. */
  const expGroup = (x: number[], mask: number[]) => [
    ...x, ...g(VM), ...op.f32x4Sub, ...s(X),
    ...at, ...expNonPositiveF32x4(X, KF, R, KI), ...mask, ...op.v128Store(0), // x - m <= 0 (or NaN)
  ];
  /** expGroup's work on the whole group at j + off as statements, exp into local e. */
  const expStatements = (off: number, x: number, kf: number, r: number, ki: number, e: number): Statements =>
    expInPlaceStatements(at, off, [...g(VM), ...op.f32x4Sub], x, kf, r, ki, e);
  /**
   * x = scale * s of the group at j, rounded once to float32, stored in place and left in X: a
   * float64 product where scale is not a float32 value, else a float32 product, the same bits (two
   * float32 values' product is exact in float64, so both round the exact product once) in one
   * instruction where the float64 form takes seven (the GPT bench's scale 1 / sqrt(16) is one).
   */
  const productF32 = [...at, ...op.v128Load(0), ...g(VS), ...op.f32x4Mul];
  const productF64 = [
    ...at, ...load64Zero(0), ...f64x2PromoteLowF32x4, ...g(VF), ...f64x2Mul, ...f32x4DemoteF64x2Zero,
    ...at, ...load64Zero(8), ...f64x2PromoteLowF32x4, ...g(VF), ...f64x2Mul, ...f32x4DemoteF64x2Zero,
    ...joinLows,
  ];
  const scaleGroup = [...at, ...ifElse(g(EXACT), productF32, productF64, V128), ...op.localTee(X), ...op.v128Store(0)];
  /** The cut group's lanes before the cut (l < end - fullB) into MASK. */
  const cutMask = [...g(ENDB), ...g(FULLB), ...op.i32Sub, ...op.i32Const(2), ...i32ShrU, ...op.i32x4Splat, ...LANE_INDEX, ...i32x4GtS, ...s(MASK)];
  /** The whole groups' x and running max, with the product chosen once per row rather than per group. */
  const pass1 = (exact: boolean) => forBytes(J, op.i32Const(0), FULLB, 16, [
    ...at, ...(exact ? productF32 : productF64), ...op.localTee(X), ...op.v128Store(0),
    ...g(VM), ...g(X), ...f32x4Pmax, ...s(VM),
    ...g(NF), ...g(X), ...g(X), ...f32x4Ne, ...v128Or, ...s(NF),
  ]);
  const ifCut = (body: number[]) => op.block([...g(ENDB), ...g(FULLB), ...op.i32Sub, ...op.i32Eqz, ...op.brIf(0), ...g(FULLB), ...s(J), ...body]);
  const row = [
    ...rowBounds(S, I, CAUSAL, END, FULLB, ENDB, ROUNDB),
    // x = scale * s and the row's max m over the first `end` entries. The running max is a
    // pseudo-max (one maxps, where f32x4.max's NaN and signed-zero handling took eight dependent
    // instructions a group, the pass's critical path), with any NaN noted apart (NF) and made m at
    // the end: the same m as f32x4.max's but for a zero's sign, which x - m never shows (x - (+-0)
    // is x, or +-0 for x = +-0, whose exp is 1 either way). The group holding the cut is scaled
    // whole (its lanes past the cut are overwritten below) with those lanes out of the max.
    ...g(SCALE), ...f64x2Splat, ...s(VF),
    ...op.f32Const(-Infinity), ...op.f32x4Splat, ...s(VM),
    ...op.v128Zero, ...s(NF),
    ...ifElse(g(EXACT), pass1(true), pass1(false)),
    ...ifCut([
      ...cutMask,
      ...scaleGroup,
      ...g(VM), ...g(X), ...op.f32Const(-Infinity), ...op.f32x4Splat, ...g(MASK), ...v128Bitselect, ...f32x4Pmax, ...s(VM),
      ...g(NF), ...g(X), ...g(X), ...f32x4Ne, ...g(MASK), ...v128And, ...v128Or, ...s(NF),
    ]),
    // The lanes' max in the vector (two shuffles), then m = NaN if any x was.
    ...g(VM), ...g(VM), ...g(VM), ...swapHalves, ...f32x4Pmax, ...s(VM),
    ...g(VM), ...g(VM), ...g(VM), ...swapPairs, ...f32x4Pmax, ...f32x4ExtractLane(0), ...s(M),
    ...op.f32Const(NaN), ...g(M), ...g(NF), ...v128AnyTrue, ...select, ...s(M),
    // A fully masked row: exp(-inf) = 0 everywhere, and 0 / 0 = NaN below (as the JS loop).
    ...op.f32Const(0), ...g(M), ...g(M), ...op.f32Const(-Infinity), ...f32Eq, ...select, ...s(M),
    // e = exp(x - m) in place, two groups at a time with their statements interleaved (exp is a
    // long dependency chain: one group at a time, the core waited on it), then the odd one.
    ...g(M), ...op.f32x4Splat, ...s(VM),
    ...g(FULLB), ...op.i32Const(-32), ...i32And, ...s(FULL32),
    ...forBytes(J, op.i32Const(0), FULL32, 32, interleave([expStatements(0, X, KF, R, KI, E1), expStatements(16, X2, KF2, R2, KI2, E2)])),
    ...op.block([...g(FULL32), ...g(FULLB), ...i32Eq, ...op.brIf(0), ...g(FULL32), ...s(J), ...expGroup([...at, ...op.v128Load(0)], [])]),
    // The group holding the cut: lanes past it take m (exp(0), not the exp of whatever x they
    // hold, which may be positive or -inf, the x64 multiplier's slow underflow path) and their exps
    // are masked to 0.
    ...ifCut(expGroup([...at, ...op.v128Load(0), ...g(VM), ...g(MASK), ...v128Bitselect], [...g(MASK), ...v128And])),
    // Their sum in float64 (even and odd positions in two f64x2 lanes each), in a pass of its own:
    // summed in the exp loop, the accumulators were spilled (the exp's constants take most of the
    // sixteen vector registers) and each group waited for the last one's store and reload.
    ...op.v128Zero, ...s(ACC0), ...op.v128Zero, ...s(ACC1),
    ...forBytes(J, op.i32Const(0), ROUNDB, 16, [
      ...g(ACC0), ...at, ...load64Zero(0), ...f64x2PromoteLowF32x4, ...f64x2Add, ...s(ACC0),
      ...g(ACC1), ...at, ...load64Zero(8), ...f64x2PromoteLowF32x4, ...f64x2Add, ...s(ACC1),
    ]),
    // p = e * (1 / sum), the product in float64.
    ...f64Const(1), ...sumLanes(ACC0, ACC1), ...f64Div, ...f64x2Splat, ...s(VF),
    // Two floats at a time (load64_zero and store64_lane: loads and stores, where splitting and
    // joining a v128's halves took two shuffles, a quarter of this pass's time).
    ...forBytes(J, op.i32Const(0), ROUNDB, 16, [
      ...at, ...at, ...load64Zero(0), ...f64x2PromoteLowF32x4, ...g(VF), ...f64x2Mul, ...f32x4DemoteF64x2Zero, ...store64Low(0),
      ...at, ...at, ...load64Zero(8), ...f64x2PromoteLowF32x4, ...g(VF), ...f64x2Mul, ...f32x4DemoteF64x2Zero, ...store64Low(8),
    ]),
    // 0 past the cut: the cut group's lanes masked (0 * (1 / sum) is 0 there, but NaN in a NaN
    // row), then whole groups.
    ...ifCut([...at, ...at, ...op.v128Load(0), ...g(MASK), ...v128And, ...op.v128Store(0)]),
    ...forBytes(J, g(ROUNDB), SB, 16, [...at, ...op.v128Zero, ...op.v128Store(0)]),
    ...g(P), ...g(SB), ...op.i32Add, ...s(P),
    ...nextQuery(I, L),
  ];
  return {
    name: "attn_softmax_fwd",
    params: [I32, I32, I32, I32, I32, I32, F64],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128, V128, V128, V128, F32, F32, I32, V128, I32, V128, V128, V128, V128, V128, V128],
    body: [
      ...g(S), ...op.i32Const(2), ...op.i32Shl, ...s(SB),
      // Whether scale is a float32 value, and its float32 splat.
      ...g(SCALE), ...f32DemoteF64, ...f64PromoteF32, ...g(SCALE), ...f64Eq, ...s(EXACT),
      ...g(SCALE), ...f32DemoteF64, ...op.f32x4Splat, ...s(VS),
      ...overRows(ROWS, row),
    ],
  };
}

function softmaxBackward(): WasmFunction {
  const DS = 0, P = 1, ROWS = 2, S = 3, L = 4, I = 5, CAUSAL = 6, SCALE = 7;
  const END = 8, FULLB = 9, ENDB = 10, ROUNDB = 11, SB = 12, J = 13;
  const ACC0 = 16, ACC1 = 17, VDOT = 18, VSC = 19; // 14, 15: free
  const DOT = 20;
  const atD = [...g(DS), ...g(J), ...op.i32Add];
  const atP = [...g(P), ...g(J), ...op.i32Add];
  // Two floats at a time where a group's halves are used apart (load64_zero, store64_lane: loads
  // and stores, where splitting and joining a v128's halves took shuffles on x64's shuffle port).
  /** ds * p of the two floats at byte offset `off` of the group, in float64. */
  const dsTimesP = (off: number) => [...atD, ...load64Zero(off), ...f64x2PromoteLowF32x4, ...atP, ...load64Zero(off), ...f64x2PromoteLowF32x4, ...f64x2Mul];
  /** ds = scale * p * (ds - dot) for the two floats at byte offset `off` of the group, in float64. */
  const grad = (off: number) => [
    ...atD,
    ...g(VSC), ...atP, ...load64Zero(off), ...f64x2PromoteLowF32x4, ...f64x2Mul,
    ...atD, ...load64Zero(off), ...f64x2PromoteLowF32x4, ...g(VDOT), ...f64x2Sub,
    ...f64x2Mul, ...f32x4DemoteF64x2Zero, ...store64Low(off),
  ];
  const row = [
    ...rowBounds(S, I, CAUSAL, END, FULLB, ENDB, ROUNDB),
    // dot = sum(ds * p) over the row's first `end` entries, in float64.
    ...op.v128Zero, ...s(ACC0), ...op.v128Zero, ...s(ACC1),
    ...forBytes(J, op.i32Const(0), FULLB, 16, [
      ...g(ACC0), ...dsTimesP(0), ...f64x2Add, ...s(ACC0),
      ...g(ACC1), ...dsTimesP(8), ...f64x2Add, ...s(ACC1),
    ]),
    ...sumLanes(ACC0, ACC1), ...s(DOT),
    ...forBytes(J, g(FULLB), ENDB, 4, [
      ...g(DOT), ...atD, ...f32Load, ...f64PromoteF32, ...atP, ...f32Load, ...f64PromoteF32, ...f64Mul, ...f64Add, ...s(DOT),
    ]),
    ...g(DOT), ...f64x2Splat, ...s(VDOT),
    ...forBytes(J, op.i32Const(0), FULLB, 16, [...grad(0), ...grad(8)]),
    ...forBytes(J, g(FULLB), ENDB, 4, [
      ...atD,
      ...g(SCALE), ...atP, ...f32Load, ...f64PromoteF32, ...f64Mul,
      ...atD, ...f32Load, ...f64PromoteF32, ...g(DOT), ...f64Sub, ...f64Mul, ...f32DemoteF64, ...f32Store,
    ]),
    // p = 0 past the causal cut.
    ...zeroTail(DS, J, ENDB, ROUNDB, SB),
    ...g(DS), ...g(SB), ...op.i32Add, ...s(DS),
    ...g(P), ...g(SB), ...op.i32Add, ...s(P),
    ...nextQuery(I, L),
  ];
  return {
    name: "attn_softmax_bwd",
    params: [I32, I32, I32, I32, I32, I32, I32, F64],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, F64],
    body: [...g(SCALE), ...f64x2Splat, ...s(VSC), ...g(S), ...op.i32Const(2), ...op.i32Shl, ...s(SB), ...overRows(ROWS, row)],
  };
}

/** The two row passes' functions (the thread pool builds them into its row module too: the same code on every thread). */
export const attentionFunctions = (): WasmFunction[] => [softmaxForward(), softmaxBackward()];

export const attentionModuleBytes = (): Uint8Array<ArrayBuffer> => buildModule(attentionFunctions());

/** The two row passes as exported (pointers in bytes; i = the first row's query position; causal 0 / 1). */
export interface AttentionRowKernels {
  attn_softmax_fwd(p: number, rows: number, S: number, L: number, i: number, causal: number, scale: number): void;
  attn_softmax_bwd(ds: number, p: number, rows: number, S: number, L: number, i: number, causal: number, scale: number): void;
}

/**
 * The row passes on a GEMM driver's memory, for scores that stay there between attention's
 * products (gemm_session.ts): no staging, all rows in one call. Null where they cannot run.
 */
export const attentionRowsOn = kernelsOnMemory<AttentionRowKernels>(attentionFunctions);

/** Floats per operand staged in module memory at a time (whole rows; two operands stay in L2). */
const CHUNK = 1 << 14;

export interface AttentionSimd {
  /**
   * The forward row pass in place over `rows` rows of S floats (S % 4 === 0, S > 0); row r is
   * query position r % L. p holds the raw scores Q K^T (or, with a mask, scores already scaled and
   * masked by the caller: then scale = 1).
   */
  softmaxForward(p: Float32Array, rows: number, S: number, L: number, causal: boolean, scale: number): void;
  /** The backward row pass in place on ds (dO V^T in, dS out), p the forward's probabilities. */
  softmaxBackward(ds: Float32Array, p: Float32Array, rows: number, S: number, L: number, causal: boolean, scale: number): void;
}

/** The SIMD row passes on their own memory, or null without WebAssembly SIMD. */
export function createAttentionSimd(): AttentionSimd | null {
  const wasm = instantiateOwnMemory<AttentionRowKernels>(attentionModuleBytes);
  if (!wasm) return null;
  const { attn_softmax_fwd: fwd, attn_softmax_bwd: bwd } = wasm.exports;
  /** Rows per chunk (at least one, however long) and the heap holding `operands` chunks of them. */
  const chunkOf = (S: number, operands: number) => {
    const rows = Math.max(1, Math.floor(CHUNK / S));
    return { rows, heap: wasm.heap(operands * rows * S) };
  };
  return {
    softmaxForward(p, rows, S, L, causal, scale) {
      const { rows: per, heap } = chunkOf(S, 1);
      for (let r0 = 0; r0 < rows; r0 += per) {
        const n = Math.min(per, rows - r0) * S;
        heap.set(p.subarray(r0 * S, r0 * S + n), 0);
        fwd(0, n / S, S, L, r0 % L, causal ? 1 : 0, scale);
        p.set(heap.subarray(0, n), r0 * S);
      }
    },
    softmaxBackward(ds, p, rows, S, L, causal, scale) {
      const { rows: per, heap } = chunkOf(S, 2);
      const second = per * S;
      for (let r0 = 0; r0 < rows; r0 += per) {
        const n = Math.min(per, rows - r0) * S;
        heap.set(ds.subarray(r0 * S, r0 * S + n), 0);
        heap.set(p.subarray(r0 * S, r0 * S + n), second);
        bwd(0, second * 4, n / S, S, L, r0 % L, causal ? 1 : 0, scale);
        ds.set(heap.subarray(0, n), r0 * S);
      }
    },
  };
}
