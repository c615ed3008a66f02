/**
 * cross_entropy's row passes over float32 logits (nn/functional/loss.ts) as WebAssembly, on a
 * memory of their own:
 *   ce_fwd(x, maxes, sums, M, C):  per row of C logits, m = its max (NaN skipped), x - m in place,
 *       then exp over every whole group of four floats of the M C (SIMD: simd_exp.ts, the exp
 *       kernel's bits); the caller exps the last M C % 4 floats with the exp kernel's tail.
 *   ce_sums(ex, sums, M, C):       per row, the float64 sum of its exps, left to right.
 *   ce_bwd(ex, r, coef, inv, y, M, C): per row, r = a * inv * ex (float64 products, rounded once)
 *       and r[y] = a * (ex[y] * inv - 1), a = coef[i]; a row with y < 0 (ignored) is zeroed.
 * The same arithmetic in the same order as loss.ts's JS loops (logSumExpRows and
 * softmaxMinusOneHotRow), so the same bits: the max and the shift are exact or one float32
 * rounding either way, the exps are the exp kernel's, the row sums are float64 in the same order
 * (four rows' sums at once, one chain each). The max runs by lanes: only the sign of a zero max
 * may differ from the JS loop's, which changes no result.
 * Why: those loops cost ~1 ms of a small GPT's training step (1024 rows of 65 classes, ~9 ns a
 * logit in JS), about 3 % of it.
 * Pointers are bytes; M rows of C floats, maxes float32, sums / coef / inv float64, y int32.
 */
import { F32, I32, V128, buildModule, interleave, op, uleb, type Statements, type WasmFunction } from "./assembler";
import { instantiateOwnMemory } from "./own_memory";
import { prebuiltModuleBytes } from "./prebuilt";
import { expInPlaceStatements, expNonPositiveF32x4, f32x4Pmax } from "./simd_exp";

const F64 = 0x7c;
const f32Load = [0x2a, 2, 0];
const f32Store = [0x38, 2, 0];
const f64Load = [0x2b, 3, 0];
const f64Store = [0x39, 3, 0];
const i32Load = [0x28, 2, 0];
const f32Gt = [0x5e];
const f32Sub = [0x93];
const f64Add = [0xa0];
const f64Sub = [0xa1];
const f64Mul = [0xa2];
const f64PromoteF32 = [0xbb];
const f32DemoteF64 = [0xb6];
const f64Const = (v: number) => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
const i32LtS = [0x48];
const f32x4ExtractLane = (lane: number) => [0xfd, ...uleb(0x1f), lane];
const select = [0x1b];
const ifElse = (then: number[], otherwise: number[]) => [0x04, 0x40, ...then, 0x05, ...otherwise, 0x0b];

const g = op.localGet, s = op.localSet;
const add = (local: number, bytes: number[]) => [...g(local), ...bytes, ...op.i32Add, ...s(local)];

/** for (n = count; n > 0; n--) body (count a local, clobbered). */
const times = (count: number, body: number[]) => op.block([
  ...g(count), ...op.i32Eqz, ...op.brIf(0),
  ...op.loop([...body, ...g(count), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(count), ...op.brIf(0)]),
]);

function forward(): WasmFunction {
  const X = 0, MAXES = 1, M = 2, C = 3;
  const ROW = 4, I = 5, J = 6, P = 7, N4 = 8, C4 = 9, CT = 10;
  const MAX = 11, LANE = 12; // f32
  const V = 13, KF = 14, R = 15, KI = 16, VM = 17; // v128
  const PAIRS = 18, V2 = 19, KF2 = 20, R2 = 21, KI2 = 22, E1 = 23, E2 = 24; // i32, then v128
  /** MAX = v > MAX ? v : MAX for the f32 on the stack (the JS loop's step: a NaN never is greater). */
  const maxStep = [...s(LANE), ...g(LANE), ...g(MAX), ...g(LANE), ...g(MAX), ...f32Gt, ...select, ...s(MAX)];
  const row = [
    // m = max over the row: four running maxima by lane (pmax(m, v) = m < v ? v : m, the JS
    // step), then the lanes and the last C % 4 floats in order. Only the sign of a zero max can
    // differ from the JS loop's, which changes no result (x - (+-0), and m + log(s), are the same).
    ...op.f32Const(-Infinity), ...op.f32x4Splat, ...s(VM),
    ...g(ROW), ...s(P), ...g(C4), ...s(J),
    ...times(J, [...g(VM), ...g(P), ...op.v128Load(0), ...f32x4Pmax, ...s(VM), ...add(P, op.i32Const(16))]),
    ...g(VM), ...f32x4ExtractLane(0), ...s(MAX),
    ...[1, 2, 3].flatMap((l) => [...g(VM), ...f32x4ExtractLane(l), ...maxStep]),
    ...g(CT), ...s(J),
    ...times(J, [...g(P), ...f32Load, ...maxStep, ...add(P, op.i32Const(4))]),
    ...g(MAXES), ...g(MAX), ...f32Store, ...add(MAXES, op.i32Const(4)),
    // x - m in place (float32: the JS double difference rounded once is the same value).
    ...g(MAX), ...op.f32x4Splat, ...s(VM),
    ...g(ROW), ...s(P), ...g(C4), ...s(J),
    ...times(J, [...g(P), ...g(P), ...op.v128Load(0), ...g(VM), ...op.f32x4Sub, ...op.v128Store(0), ...add(P, op.i32Const(16))]),
    ...g(CT), ...s(J),
    ...times(J, [...g(P), ...g(P), ...f32Load, ...g(MAX), ...f32Sub, ...f32Store, ...add(P, op.i32Const(4))]),
    ...add(ROW, [...g(C), ...op.i32Const(2), ...op.i32Shl]),
  ];
  /** exp of the group at P + off into local e, stored back: the single-group loop's operations. */
  const expStatements = (off: number, v: number, kf: number, r: number, ki: number, e: number): Statements =>
    expInPlaceStatements(g(P), off, [], v, kf, r, ki, e);
  // Two groups at a time with their statements interleaved (exp is a long dependency chain the
  // core overlaps across groups), then the odd one.
  const exp = [
    ...g(X), ...s(P),
    ...g(N4), ...op.i32Const(1), ...op.i32ShrU, ...s(PAIRS),
    ...times(PAIRS, [...interleave([expStatements(0, V, KF, R, KI, E1), expStatements(16, V2, KF2, R2, KI2, E2)]), ...add(P, op.i32Const(32))]),
    ...g(N4), ...op.i32Const(1), ...op.i32And, ...s(N4),
    ...times(N4, [
      ...g(P), ...op.v128Load(0), ...s(V),
      ...g(P), ...expNonPositiveF32x4(V, KF, R, KI), ...op.v128Store(0), // x - m <= 0 (or NaN)
      ...add(P, op.i32Const(16)),
    ]),
  ];
  return {
    name: "ce_fwd",
    params: [I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, F32, F32, V128, V128, V128, V128, V128, I32, V128, V128, V128, V128, V128, V128],
    body: [
      ...g(C), ...op.i32Const(2), ...op.i32ShrU, ...s(C4), ...g(C), ...op.i32Const(3), ...op.i32And, ...s(CT),
      ...g(X), ...s(ROW), ...g(M), ...s(I),
      ...times(I, row),
      // Whole groups of four of the M C floats.
      ...g(M), ...g(C), ...op.i32Mul, ...op.i32Const(2), ...op.i32ShrU, ...s(N4),
      ...exp,
    ],
  };
}

function sums(): WasmFunction {
  const EX = 0, SUMS = 1, M = 2, C = 3, J = 4, Q = 5, RB = 6, P = 7;
  const S0 = 8; // f64 x 4
  /** S[k] += ex at P + k rows. */
  const addRow = (k: number) => [...g(S0 + k), ...g(P), ...(k ? [...op.i32Const(k), ...g(RB), ...op.i32Mul, ...op.i32Add] : []), ...f32Load, ...f64PromoteF32, ...f64Add, ...s(S0 + k)];
  const store = (k: number) => [...g(SUMS), ...g(S0 + k), ...f64Store, ...add(SUMS, op.i32Const(8))];
  /** `rows` rows from EX at once, each summed left to right in its own chain (4 chains hide the add's latency). */
  const rowsAtOnce = (rows: number) => [
    ...Array.from({ length: rows }, (_, k) => [...f64Const(0), ...s(S0 + k)]).flat(),
    ...g(EX), ...s(P), ...g(C), ...s(J),
    ...times(J, [...Array.from({ length: rows }, (_, k) => addRow(k)).flat(), ...add(P, op.i32Const(4))]),
    ...Array.from({ length: rows }, (_, k) => store(k)).flat(),
    ...add(EX, [...op.i32Const(rows), ...g(RB), ...op.i32Mul]),
  ];
  return {
    name: "ce_sums", params: [I32, I32, I32, I32], results: [], locals: [I32, I32, I32, I32, F64, F64, F64, F64],
    body: [
      ...g(C), ...op.i32Const(2), ...op.i32Shl, ...s(RB),
      ...g(M), ...op.i32Const(2), ...op.i32ShrU, ...s(Q),
      ...times(Q, rowsAtOnce(4)),
      ...g(M), ...op.i32Const(3), ...op.i32And, ...s(Q),
      ...times(Q, rowsAtOnce(1)),
    ],
  };
}

function backward(): WasmFunction {
  const EX = 0, R = 1, COEF = 2, INV = 3, Y = 4, M = 5, C = 6;
  const J = 7, YI = 8, PE = 9, PR = 10, A = 11, IV = 12, AS = 13;
  const rowBytes = [...g(C), ...op.i32Const(2), ...op.i32Shl];
  const row = [
    ...g(Y), ...i32Load, ...s(YI),
    ...g(EX), ...s(PE), ...g(R), ...s(PR), ...g(C), ...s(J),
    ...g(YI), ...op.i32Const(0), ...i32LtS,
    ...ifElse(
      times(J, [...g(PR), ...op.f32Const(0), ...f32Store, ...add(PR, op.i32Const(4))]),
      [
        ...g(COEF), ...f64Load, ...s(A), ...g(INV), ...f64Load, ...s(IV),
        ...g(A), ...g(IV), ...f64Mul, ...s(AS),
        ...times(J, [
          ...g(PR), ...g(AS), ...g(PE), ...f32Load, ...f64PromoteF32, ...f64Mul, ...f32DemoteF64, ...f32Store,
          ...add(PE, op.i32Const(4)), ...add(PR, op.i32Const(4)),
        ]),
        // r[y] = a * (ex[y] * inv - 1)
        ...g(R), ...g(YI), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add,
        ...g(A), ...g(EX), ...g(YI), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...f32Load, ...f64PromoteF32, ...g(IV), ...f64Mul,
        ...f64Const(1), ...f64Sub, ...f64Mul, ...f32DemoteF64, ...f32Store,
      ],
    ),
    ...add(EX, rowBytes), ...add(R, rowBytes),
    ...add(COEF, op.i32Const(8)), ...add(INV, op.i32Const(8)), ...add(Y, op.i32Const(4)),
  ];
  return { name: "ce_bwd", params: [I32, I32, I32, I32, I32, I32, I32], results: [], locals: [I32, I32, I32, I32, F64, F64, F64], body: times(M, row) };
}

export const crossEntropyModuleBytes = (): Uint8Array<ArrayBuffer> => buildModule([forward(), sums(), backward()]);

export interface CrossEntropySimd {
  /**
   * For M rows of C float32 logits x: ex = exp(x - rowmax) (the last M C % 4 by `expTail`, the exp
   * kernel's own tail), maxes[i] = the row's max, sums[i] = the float64 sum of its exps.
   */
  forward(M: number, C: number, x: Float32Array, ex: Float32Array, maxes: Float64Array, sums: Float64Array, expTail: (n: number, x: Float32Array, out: Float32Array) => void): void;
  /** r = coef[i] * (ex * inv[i] - onehot(y[i])) per row, as above; rows with y[i] < 0 zeroed. */
  backward(M: number, C: number, ex: Float32Array, coef: Float64Array, inv: Float64Array, y: Int32Array, r: Float32Array): void;
}

/** The row passes on their own memory (grown to each call's rows), or null without WebAssembly SIMD. */
export function createCrossEntropySimd(): CrossEntropySimd | null {
  const wasm = instantiateOwnMemory<{ ce_fwd(...a: number[]): void; ce_sums(...a: number[]): void; ce_bwd(...a: number[]): void }>(() => prebuiltModuleBytes("cross_entropy", crossEntropyModuleBytes));
  if (!wasm) return null;
  const { ce_fwd: fwd, ce_sums: rowSums, ce_bwd: bwd } = wasm.exports;
  return {
    forward(M, C, x, ex, maxes, sums, expTail) {
      const n = M * C;
      // Floats: x / ex [n], maxes [M], sums (float64) [2 M] at an 8-byte boundary.
      const MX = n, SM = n + M + ((n + M) & 1);
      const h = wasm.heap(SM + 2 * M);
      h.set(x.subarray(0, n), 0);
      fwd(0, MX * 4, M, C);
      const done = n & ~3;
      if (done < n) expTail(n - done, h.subarray(done, n), h.subarray(done, n));
      rowSums(0, SM * 4, M, C);
      ex.set(h.subarray(0, n));
      for (let i = 0; i < M; i++) maxes[i] = h[MX + i];
      sums.set(new Float64Array(h.buffer, SM * 4, M));
    },
    backward(M, C, ex, coef, inv, y, r) {
      const n = M * C;
      // Floats: ex [n], r [n], coef and inv (float64) [2 M] each, y (int32) [M].
      const R = n, CF = (2 * n + 1) & ~1, IV = CF + 2 * M, Y = IV + 2 * M;
      const h = wasm.heap(Y + M);
      h.set(ex.subarray(0, n), 0);
      new Float64Array(h.buffer, CF * 4, M).set(coef);
      new Float64Array(h.buffer, IV * 4, M).set(inv);
      new Int32Array(h.buffer, Y * 4, M).set(y);
      bwd(0, R * 4, CF * 4, IV * 4, Y * 4, M, C);
      r.set(h.subarray(R, R + n));
    },
  };
}
