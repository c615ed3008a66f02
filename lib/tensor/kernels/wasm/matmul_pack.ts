/**
 * matmul's operand packing as WebAssembly, on the GEMM's own memory: the operands are copied in
 * once (a memcpy of the span a strided view covers), and the whole panels are written by
 * WebAssembly loops instead of JS ones (a JS typed-array load + store is several ns here; packing
 * in JS cost as much as the multiply itself for the K = 64 products of a small transformer).
 *
 *   pack4 / pack8   (dst, src, sLane, sStep, panels, kc): panel q, step p, lane w is the float at
 *                   src + (q W + w) sLane + p sStep; written in panel order (W floats per step).
 *   copy4 / copy8   the same when sLane is 4 bytes (lanes contiguous: a transposed A, a row-major
 *                   B): one or two v128 copies per step.
 * The last, partial panel (fewer than W lanes) is left to the caller. Pointers and strides are bytes.
 */
import { I32, op, uleb, type WasmFunction } from "./assembler";
import { kernelsOnMemory } from "./on_memory";

const f32Store = (offset: number) => [0x38, 2, ...uleb(offset)];
const g = op.localGet, s = op.localSet, c = op.i32Const;
const addTo = (l: number, n: number[]) => [...g(l), ...n, ...op.i32Add, ...s(l)];

const DST = 0, SRC = 1, S_LANE = 2, S_STEP = 3, PANELS = 4, KC = 5;
const Q = 6, P = 7, PTR = 8, COL = 9, OFF = 10; // OFF + w - 1: w * sLane for w = 1..W-1

function packFunction(W: number, contiguous: boolean): WasmFunction {
  const body: number[] = [];
  if (!contiguous) for (let w = 1; w < W; w++) body.push(...g(S_LANE), ...c(w), ...op.i32Mul, ...s(OFF + w - 1));
  const step: number[] = [];
  if (contiguous) {
    for (let v = 0; v < W / 4; v++) step.push(...g(DST), ...g(PTR), ...op.v128Load(16 * v), ...op.v128Store(16 * v));
  } else {
    for (let w = 0; w < W; w++) {
      step.push(...g(DST), ...g(PTR));
      if (w > 0) step.push(...g(OFF + w - 1), ...op.i32Add);
      step.push(...op.f32Load(0), ...f32Store(4 * w));
    }
  }
  const panelStride = contiguous ? [...c(4 * W)] : [...g(S_LANE), ...c(W), ...op.i32Mul];
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
        ...addTo(COL, panelStride),
        ...g(Q), ...c(1), ...op.i32Add, ...op.localTee(Q), ...g(PANELS), ...op.i32LtU, ...op.brIf(0),
      ]),
    ]),
  );
  return {
    name: `${contiguous ? "copy" : "pack"}${W}`,
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: new Array<number>(4 + W - 1).fill(I32),
    body,
  };
}

export const matmulPackFunctions = (): WasmFunction[] => [packFunction(4, false), packFunction(8, false), packFunction(4, true), packFunction(8, true)];

type PackFn = (dst: number, src: number, sLane: number, sStep: number, panels: number, kc: number) => void;
export interface MatmulPack {
  pack4: PackFn;
  pack8: PackFn;
  copy4: PackFn;
  copy8: PackFn;
}

/** The packing functions on `memory` (a GEMM driver's), or null when they cannot be instantiated. */
export const matmulPackFor = kernelsOnMemory<MatmulPack>(matmulPackFunctions);
