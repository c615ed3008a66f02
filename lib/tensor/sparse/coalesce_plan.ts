/**
 * Where each entry of a COO index list goes when duplicates are summed: torch 1.13's coalesce order (ascending
 * row-major order of the sparse indices). Index bookkeeping only, in plain arrays: the values move through dense,
 * recorded ops (index_add / index_select) in the callers, so autograd comes from the dense engine.
 */
import { int64 } from "../dtype";
import { tensor } from "../ops/creation";
import type { Tensor } from "../tensor";

export interface CoalescePlan {
  /** The unique indices, sorted: int64 [sparse_dim, n]. */
  indices: Tensor;
  /** For each entry, the position of its unique index: int64 [nnz]. */
  group: Tensor;
  /** For each unique index, its first entry: int64 [n]. */
  first: Tensor;
}

/** The columns of an int64 [sparse_dim, nnz] index tensor, as plain arrays (one per entry). */
export function indexColumns(indices: Tensor): number[][] {
  const rows = indices.tolist() as number[][];
  const nnz = indices.shape[1];
  return Array.from({ length: nnz }, (_, k) => rows.map((r) => r[k]));
}

/** -1, 0 or 1: the row-major order of two index tuples. */
export function compareIndex(a: readonly number[], b: readonly number[]): number {
  for (let d = 0; d < a.length; d++) if (a[d] !== b[d]) return a[d] < b[d] ? -1 : 1;
  return 0;
}

/** An int64 [sparse_dim, n] tensor from index tuples. */
export function indicesTensor(cols: readonly (readonly number[])[], sparseDim: number): Tensor {
  const rows = Array.from({ length: sparseDim }, (_, d) => cols.map((c) => c[d]));
  return tensor(rows, { dtype: int64 }).reshape(sparseDim, cols.length);
}

export function coalescePlan(indices: Tensor): CoalescePlan {
  const sparseDim = indices.shape[0];
  const cols = indexColumns(indices);
  const order = cols.map((_, k) => k).sort((a, b) => compareIndex(cols[a], cols[b]) || a - b);
  const unique: number[][] = [];
  const first: number[] = [];
  const group = new Array<number>(cols.length);
  for (const k of order) {
    if (unique.length === 0 || compareIndex(unique[unique.length - 1], cols[k]) !== 0) {
      unique.push(cols[k]);
      first.push(k);
    }
    group[k] = unique.length - 1;
  }
  return { indices: indicesTensor(unique, sparseDim), group: tensor(group, { dtype: int64 }), first: tensor(first, { dtype: int64 }) };
}
