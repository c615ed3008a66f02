/**
 * F.embedding's row copies and its backward's scatter-add over float32 rows as WebAssembly, on a
 * memory of their own (nn/functional/embedding.ts uses them on the WebAssembly backend):
 *   emb_gather(pidx, pw, py, n, rowBytes):  y row i = w row idx[i]
 *   emb_scatter(pidx, pg, pr, n, rowBytes): r row idx[i] += g row i, in order of i, for idx[i] >= 0
 *       (the caller writes -1 for padding_idx, whose row never trains)
 * Rows are D floats with D a multiple of four (rowBytes = 4 D); indices are int32.
 * The same bits as the JS loops: a gather is a copy, and the scatter adds each gradient row into
 * its weight row in the same order of i with float32 additions (a float64 sum rounded once to
 * float32, the JS loop's, is the same number).
 * Why: a small GPT's token lookup (1024 rows of 64) cost ~0.2-0.4 ms a training step in its
 * backward's JS loop (~3 ns a float here) and ~0.1 ms in the forward's 1024 row copies.
 */
import type { Storage } from "../../dtype";
import { I32, buildModule, op, type WasmFunction } from "./assembler";
import { instantiateOwnMemory } from "./own_memory";

const i32Load = [0x28, 2, 0];
const i32LtS = [0x48];
const g = op.localGet, s = op.localSet;
const add = (local: number, bytes: number[]) => [...g(local), ...bytes, ...op.i32Add, ...s(local)];

/** for (n = count; n > 0; n--) body (count a local, clobbered). */
const times = (count: number, body: number[]) => op.block([
  ...g(count), ...op.i32Eqz, ...op.brIf(0),
  ...op.loop([...body, ...g(count), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(count), ...op.brIf(0)]),
]);

/**
 * The loop over n rows shared by both functions: ROW = idx[i] * rowBytes (or skipped when
 * negative, with `skipNegative`), then `row` over the rowBytes / 16 vectors with P (the i-th row of
 * the dense side) and Q (the indexed row) advancing by 16.
 */
function rowLoop(name: string, vector: (P: number, Q: number) => number[], skipNegative: boolean): WasmFunction {
  const PIDX = 0, PDENSE = 1, PIND = 2, N = 3, RB = 4;
  const ROW = 5, K = 6, P = 7, Q = 8;
  const row = [...g(PDENSE), ...s(P), ...g(PIND), ...g(ROW), ...g(RB), ...op.i32Mul, ...op.i32Add, ...s(Q),
    ...g(RB), ...op.i32Const(4), ...op.i32ShrU, ...s(K),
    ...times(K, [...vector(P, Q), ...add(P, op.i32Const(16)), ...add(Q, op.i32Const(16))])];
  return {
    name,
    params: [I32, I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32],
    body: times(N, [
      ...g(PIDX), ...i32Load, ...s(ROW),
      ...(skipNegative ? op.block([...g(ROW), ...op.i32Const(0), ...i32LtS, ...op.brIf(0), ...row]) : row),
      ...add(PIDX, op.i32Const(4)), ...add(PDENSE, g(RB)),
    ]),
  };
}

/** y row i (dense, P) = w row idx[i] (Q). */
const gather = () => rowLoop("emb_gather", (P, Q) => [...g(P), ...g(Q), ...op.v128Load(0), ...op.v128Store(0)], false);
/** r row idx[i] (Q) += g row i (dense, P). */
const scatter = () => rowLoop("emb_scatter", (P, Q) => [...g(Q), ...g(Q), ...op.v128Load(0), ...g(P), ...op.v128Load(0), ...op.f32x4Add, ...op.v128Store(0)], true);

export const embeddingModuleBytes = (): Uint8Array<ArrayBuffer> => buildModule([gather(), scatter()], 1);

/** Rows of the dense side staged per call: 256 KB of float32 whatever D. */
const STAGE_FLOATS = 65536;
/** A weight larger than this many floats (4 MB) stays on the JS loops: the memory never shrinks. */
export const MAX_TABLE_FLOATS = 1 << 20;

export interface EmbeddingSimd {
  /** y (n rows of D from yOff) = w's rows idx[0..n) (w contiguous, num rows of D from wOff). */
  gather(w: Float32Array, wOff: number, num: number, D: number, idx: Storage, n: number, y: Float32Array, yOff: number): void;
  /** r (num rows of D, overwritten) = the sum over i of g row i into row idx[i], rows idx[i] === padding skipped. */
  scatterAdd(g: Float32Array, gOff: number, idx: Storage, n: number, padding: number | null, r: Float32Array, num: number, D: number): void;
}

/** The kernels, or null without WebAssembly SIMD. The caller checks D % 4 === 0 and num * D <= MAX_TABLE_FLOATS. */
export function createEmbeddingSimd(): EmbeddingSimd | null {
  const wasm = instantiateOwnMemory<{ emb_gather: (...a: number[]) => void; emb_scatter: (...a: number[]) => void }>(embeddingModuleBytes);
  if (!wasm) return null;
  const { emb_gather, emb_scatter } = wasm.exports;

  /**
   * Memory: the table (num D floats) at 0, then a stage of rows of the dense side and their
   * indices as int32 (padding written as -1). Returns the float32 view and the stage's rows.
   */
  const layout = (num: number, D: number, n: number) => {
    const rows = Math.max(1, Math.min(n, Math.floor(STAGE_FLOATS / D)));
    const table = num * D;
    const heap = wasm.heap(table + rows * D + rows);
    return { heap, ints: new Int32Array(heap.buffer), rows, stageAt: table, idxAt: table + rows * D };
  };

  return {
    gather(w, wOff, num, D, idx, n, y, yOff) {
      const { heap, ints, rows, stageAt, idxAt } = layout(num, D, n);
      heap.set(w.subarray(wOff, wOff + num * D), 0);
      for (let i0 = 0; i0 < n; i0 += rows) {
        const k = Math.min(rows, n - i0);
        for (let i = 0; i < k; i++) ints[idxAt + i] = idx[i0 + i];
        emb_gather(idxAt * 4, stageAt * 4, 0, k, D * 4);
        y.set(heap.subarray(stageAt, stageAt + k * D), yOff + i0 * D);
      }
    },
    scatterAdd(gr, gOff, idx, n, padding, r, num, D) {
      const { heap, ints, rows, stageAt, idxAt } = layout(num, D, n);
      heap.fill(0, 0, num * D);
      for (let i0 = 0; i0 < n; i0 += rows) {
        const k = Math.min(rows, n - i0);
        for (let i = 0; i < k; i++) {
          const row = idx[i0 + i];
          ints[idxAt + i] = row === padding ? -1 : row;
        }
        heap.set(gr.subarray(gOff + i0 * D, gOff + (i0 + k) * D), stageAt);
        emb_scatter(idxAt * 4, stageAt * 4, 0, k, D * 4);
      }
      r.set(heap.subarray(0, num * D));
    },
  };
}
