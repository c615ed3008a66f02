/**
 * matmul's operand packing as WebAssembly, on the GEMM's own memory: the operands are copied in
 * once (a memcpy of the span a strided view covers), and the whole panels are written by
 * WebAssembly loops instead of JS ones (a JS typed-array load + store is several ns here; packing
 * in JS cost as much as the multiply itself for the K = 64 products of a small transformer).
 *
 *   pack4 / pack8   (dst, src, sLane, sStep, panels, kc): panel q, step p, lane w is the float at
 *                   src + (q W + w) sLane + p sStep; written in panel order (W floats per step).
 *   copy4 / copy8   the same when sLane is 4 bytes (lanes contiguous: a transposed A, a row-major
 *                   B): one or two v128 copies per step, the panels that share a 64-byte line of
 *                   each step (four of copy4, two of copy8) side by side (copyFunction).
 *   tpack4 / tpack8 the same when sStep is 4 bytes (steps contiguous: a row-major A, a transposed B,
 *                   as in x @ W^T): four steps at a time, one v128 load per lane and a 4 x 4
 *                   transpose by shuffles per four lanes (then the kc mod 4 last steps one float at a
 *                   time); about a third of pack4 / pack8's instructions, which load and store every
 *                   float on its own.
 *   copyRows        (dst, src, rows, n, srcRow, dstRow): n floats of each of `rows` rows from
 *                   src + i srcRow to dst + i dstRow (v128 copies, then the n mod 4 last floats):
 *                   a batched product's C rows into their strided place (attention's heads).
 * The last, partial panel (fewer than W lanes) is left to the caller. Pointers and strides are bytes.
 */
import { I32, V128, op, uleb, type WasmFunction } from "./assembler";
import { kernelsOnMemory } from "./on_memory";

const f32Store = (offset: number) => [0x38, 2, ...uleb(offset)];
const g = op.localGet, s = op.localSet, c = op.i32Const;
const addTo = (l: number, n: number[]) => [...g(l), ...n, ...op.i32Add, ...s(l)];

const DST = 0, SRC = 1, S_LANE = 2, S_STEP = 3, PANELS = 4, KC = 5;
const Q = 6, P = 7, PTR = 8, COL = 9, OFF = 10; // OFF + w - 1: w * sLane for w = 1..W-1

/** pack4 / pack8: any strides, each float loaded and stored on its own. */
function packFunction(W: number): WasmFunction {
  const body: number[] = [];
  for (let w = 1; w < W; w++) body.push(...g(S_LANE), ...c(w), ...op.i32Mul, ...s(OFF + w - 1));
  const step: number[] = [];
  for (let w = 0; w < W; w++) {
    step.push(...g(DST), ...g(PTR));
    if (w > 0) step.push(...g(OFF + w - 1), ...op.i32Add);
    step.push(...op.f32Load(0), ...f32Store(4 * w));
  }
  body.push(
    ...g(SRC), ...s(COL),
    ...c(0), ...s(Q),
    ...op.block([
      ...g(PANELS), ...op.i32Eqz, ...op.brIf(0),
      ...g(KC), ...op.i32Eqz, ...op.brIf(0),
      ...op.loop([
        ...g(COL), ...s(PTR),
        ...g(KC), ...s(P),
        ...op.loop([
          ...step,
          ...addTo(DST, c(4 * W)),
          ...addTo(PTR, g(S_STEP)),
          ...g(P), ...c(1), ...op.i32Sub, ...op.localTee(P), ...op.brIf(0),
        ]),
        ...addTo(COL, [...g(S_LANE), ...c(W), ...op.i32Mul]),
        ...g(Q), ...c(1), ...op.i32Add, ...op.localTee(Q), ...g(PANELS), ...op.i32LtU, ...op.brIf(0),
      ]),
    ]),
  );
  return { name: `pack${W}`, params: [I32, I32, I32, I32, I32, I32], results: [], locals: new Array<number>(4 + W - 1).fill(I32), body };
}

/** Panels of W lanes per 64-byte line of a step, which copyFunction writes side by side. */
const linePanels = (W: number) => 64 / (4 * W);

/**
 * copy4 / copy8 (lanes contiguous), a line of each step at a time: the linePanels(W)
 * panels whose lanes share a 64-byte line of the step are written side by side, one pointer each,
 * so each line is read once. Packed a panel at a time, a step's line was read once per panel, and
 * between two of those reads the panel's other kc - 1 steps went past: with steps a power of two
 * apart (the rows of dY in dW = dY^T X, of P^T in attention's dV) they fall into a few cache sets,
 * so the line came from L2 again each time. The panels left over (panels mod linePanels) go one at
 * a time. Same floats in the same places. The old and the new function on one memory, medians of
 * 4000 alternated calls: dW's A (256 lanes, kc 256, rows 1 KB apart) 15.2 -> 5.5 µs, 192 lanes 8.6
 * -> 3.8, 64 lanes 3.0 -> 1.4; copy8 of a 64- or 256-wide B 1.8-1.9 -> 1.3 µs. Two lines at a time
 * (8 and 4 panels) measured slower than one (11.0 µs for the first): eight write streams kc * 16
 * bytes apart share an L1 set.
 */
function copyFunction(W: number): WasmFunction {
  const G = linePanels(W);
  // Locals after the params as packFunction's (Q panels done, P steps left, PTR the step's line,
  // COL the group's first lane), then D1..D(G-1): panel g's destination (panel 0's is DST).
  const D = (gr: number) => (gr === 0 ? DST : COL + gr);
  const vectors = W / 4;
  const groupStep: number[] = [];
  for (let gr = 0; gr < G; gr++) {
    for (let v = 0; v < vectors; v++) groupStep.push(...g(D(gr)), ...g(PTR), ...op.v128Load(16 * (gr * vectors + v)), ...op.v128Store(16 * v));
  }
  for (let gr = 0; gr < G; gr++) groupStep.push(...addTo(D(gr), c(4 * W)));
  const oneStep: number[] = [];
  for (let v = 0; v < vectors; v++) oneStep.push(...g(DST), ...g(PTR), ...op.v128Load(16 * v), ...op.v128Store(16 * v));
  oneStep.push(...addTo(DST, c(4 * W)));
  const stepsOf = (body: number[]) => [
    ...g(COL), ...s(PTR),
    ...g(KC), ...s(P),
    ...op.loop([...body, ...addTo(PTR, g(S_STEP)), ...g(P), ...c(1), ...op.i32Sub, ...op.localTee(P), ...op.brIf(0)]),
  ];
  // Panel g of a group starts g panels (kc * W floats each) after DST.
  const placeGroup: number[] = [];
  for (let gr = 1; gr < G; gr++) placeGroup.push(...g(DST), ...g(KC), ...c(4 * W * gr), ...op.i32Mul, ...op.i32Add, ...s(D(gr)));
  const body = [
    ...g(SRC), ...s(COL),
    ...c(0), ...s(Q),
    ...op.block([
      ...g(KC), ...op.i32Eqz, ...op.brIf(0),
      // Whole groups: while panels - q >= G.
      ...op.block([
        ...op.loop([
          ...g(PANELS), ...g(Q), ...op.i32Sub, ...c(G), ...op.i32LtU, ...op.brIf(1),
          ...placeGroup,
          ...stepsOf(groupStep),
          // The last panel's pointer ends where the next group starts.
          ...g(D(G - 1)), ...s(DST),
          ...addTo(COL, c(4 * W * G)),
          ...addTo(Q, c(G)),
          ...op.br(0),
        ]),
      ]),
      // The rest, one panel at a time.
      ...op.block([
        ...op.loop([
          ...g(Q), ...g(PANELS), ...op.i32LtU, ...op.i32Eqz, ...op.brIf(1),
          ...stepsOf(oneStep),
          ...addTo(COL, c(4 * W)),
          ...addTo(Q, c(1)),
          ...op.br(0),
        ]),
      ]),
    ]),
  ];
  return { name: `copy${W}`, params: [I32, I32, I32, I32, I32, I32], results: [], locals: new Array<number>(4 + G - 1).fill(I32), body };
}

// tpack locals after the params: Q, P (groups of 4 steps, then single steps), PTR, COL, D (the
// step's destination), then W - 1 lane offsets, then 8 v128 (4 loaded lanes, 4 half-transposed).
const T_Q = 6, T_P = 7, T_PTR = 8, T_COL = 9, T_D = 10, T_OFF = 11;

/** i8x16.shuffle bytes taking f32 lanes `lanes` (0-3 first operand, 4-7 second). */
const f32Lanes = (lanes: number[]) => lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);

function transposePackFunction(W: number): WasmFunction {
  const R = T_OFF + W - 1, T = R + 4; // v128 locals
  const laneAt = (w: number) => (w === 0 ? g(T_PTR) : [...g(T_PTR), ...g(T_OFF + w - 1), ...op.i32Add]);
  // Four steps of one panel: per group of 4 lanes, rows r_i = 4 consecutive steps of lane i, then
  // t = interleaved pairs, out_j = step j's 4 lanes, stored at D + j * W floats + the group's place.
  const four: number[] = [];
  for (let gr = 0; gr < W / 4; gr++) {
    for (let i = 0; i < 4; i++) four.push(...laneAt(4 * gr + i), ...op.v128Load(0), ...s(R + i));
    four.push(
      ...g(R), ...g(R + 1), ...op.i8x16Shuffle(f32Lanes([0, 4, 1, 5])), ...s(T),
      ...g(R), ...g(R + 1), ...op.i8x16Shuffle(f32Lanes([2, 6, 3, 7])), ...s(T + 1),
      ...g(R + 2), ...g(R + 3), ...op.i8x16Shuffle(f32Lanes([0, 4, 1, 5])), ...s(T + 2),
      ...g(R + 2), ...g(R + 3), ...op.i8x16Shuffle(f32Lanes([2, 6, 3, 7])), ...s(T + 3),
    );
    const outs: [number, number, number[]][] = [[T, T + 2, [0, 1, 4, 5]], [T, T + 2, [2, 3, 6, 7]], [T + 1, T + 3, [0, 1, 4, 5]], [T + 1, T + 3, [2, 3, 6, 7]]];
    outs.forEach(([x, y, lanes], j) => four.push(...g(T_D), ...g(x), ...g(y), ...op.i8x16Shuffle(f32Lanes(lanes)), ...op.v128Store(16 * gr + 4 * W * j)));
  }
  const one: number[] = [];
  for (let w = 0; w < W; w++) one.push(...g(T_D), ...laneAt(w), ...op.f32Load(0), ...f32Store(4 * w));
  const body: number[] = [];
  for (let w = 1; w < W; w++) body.push(...g(S_LANE), ...c(w), ...op.i32Mul, ...s(T_OFF + w - 1));
  body.push(
    ...g(SRC), ...s(T_COL),
    ...g(DST), ...s(T_D),
    ...c(0), ...s(T_Q),
    ...op.block([
      ...g(PANELS), ...op.i32Eqz, ...op.brIf(0),
      ...g(KC), ...op.i32Eqz, ...op.brIf(0),
      ...op.loop([
        ...g(T_COL), ...s(T_PTR),
        ...g(KC), ...c(2), ...op.i32ShrU, ...s(T_P),
        ...op.block([
          ...g(T_P), ...op.i32Eqz, ...op.brIf(0),
          ...op.loop([
            ...four,
            ...g(T_D), ...c(16 * W), ...op.i32Add, ...s(T_D),
            ...g(T_PTR), ...c(16), ...op.i32Add, ...s(T_PTR),
            ...g(T_P), ...c(1), ...op.i32Sub, ...op.localTee(T_P), ...op.brIf(0),
          ]),
        ]),
        ...g(KC), ...c(3), ...op.i32And, ...s(T_P),
        ...op.block([
          ...g(T_P), ...op.i32Eqz, ...op.brIf(0),
          ...op.loop([
            ...one,
            ...g(T_D), ...c(4 * W), ...op.i32Add, ...s(T_D),
            ...g(T_PTR), ...c(4), ...op.i32Add, ...s(T_PTR),
            ...g(T_P), ...c(1), ...op.i32Sub, ...op.localTee(T_P), ...op.brIf(0),
          ]),
        ]),
        ...g(T_COL), ...g(S_LANE), ...c(W), ...op.i32Mul, ...op.i32Add, ...s(T_COL),
        ...g(T_Q), ...c(1), ...op.i32Add, ...op.localTee(T_Q), ...g(PANELS), ...op.i32LtU, ...op.brIf(0),
      ]),
    ]),
  );
  return {
    name: `tpack${W}`,
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [...new Array<number>(R - T_Q).fill(I32), ...new Array<number>(8).fill(V128)],
    body,
  };
}

function copyRowsFunction(): WasmFunction {
  const D = 0, S = 1, ROWS = 2, N = 3, S_ROW = 4, D_ROW = 5, I = 6, J = 7, VEC = 8; // VEC: n rounded down to 4, bytes
  const copyFrom = (vector: boolean) => [
    ...g(D), ...g(J), ...op.i32Add,
    ...g(S), ...g(J), ...op.i32Add, ...(vector ? op.v128Load(0) : op.f32Load(0)),
    ...(vector ? op.v128Store(0) : f32Store(0)),
    ...addTo(J, c(vector ? 16 : 4)),
  ];
  return {
    name: "copyRows",
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32],
    body: [
      ...g(N), ...c(-4), ...op.i32And, ...c(4), ...op.i32Mul, ...s(VEC),
      ...g(N), ...c(4), ...op.i32Mul, ...s(N), // bytes from here on
      ...c(0), ...s(I),
      ...op.block([
        ...g(ROWS), ...op.i32Eqz, ...op.brIf(0),
        ...op.loop([
          ...c(0), ...s(J),
          ...op.block([...op.loop([...g(J), ...g(VEC), ...op.i32LtU, ...op.i32Eqz, ...op.brIf(1), ...copyFrom(true), ...op.br(0)])]),
          ...op.block([...op.loop([...g(J), ...g(N), ...op.i32LtU, ...op.i32Eqz, ...op.brIf(1), ...copyFrom(false), ...op.br(0)])]),
          ...addTo(D, g(D_ROW)), ...addTo(S, g(S_ROW)),
          ...g(I), ...c(1), ...op.i32Add, ...op.localTee(I), ...g(ROWS), ...op.i32LtU, ...op.brIf(0),
        ]),
      ]),
    ],
  };
}

/**
 * The packers' names in module order, known without assembling them: gemm_batch.ts's function
 * indices are read at load, where assembling the functions only to name them cost ~10 ms per
 * fresh grading isolate. matmulPackFunctions checks its functions against it.
 */
export const MATMUL_PACK_NAMES: readonly string[] = ["pack4", "pack8", "copy4", "copy8", "tpack4", "tpack8", "copyRows"];

export const matmulPackFunctions = (): WasmFunction[] => {
  const functions = [
    packFunction(4), packFunction(8), copyFunction(4), copyFunction(8), transposePackFunction(4), transposePackFunction(8),
    copyRowsFunction(),
  ];
  if (functions.length !== MATMUL_PACK_NAMES.length || functions.some((f, i) => f.name !== MATMUL_PACK_NAMES[i])) {
    throw new Error(`matmul_pack: MATMUL_PACK_NAMES (${MATMUL_PACK_NAMES.join(", ")}) does not list the packers in order`);
  }
  return functions;
};

type PackFn = (dst: number, src: number, sLane: number, sStep: number, panels: number, kc: number) => void;
export interface MatmulPack {
  pack4: PackFn;
  pack8: PackFn;
  copy4: PackFn;
  copy8: PackFn;
  /** pack4 / pack8 for sStep = 4 bytes (the argument is ignored). */
  tpack4: PackFn;
  tpack8: PackFn;
  copyRows: (dst: number, src: number, rows: number, n: number, srcRow: number, dstRow: number) => void;
}

/** The packing functions on `memory` (a GEMM driver's), or null when they cannot be instantiated. */
export const matmulPackFor = kernelsOnMemory<MatmulPack>(matmulPackFunctions, "matmul_pack");
