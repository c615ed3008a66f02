/**
 * Sparse gradients without a sparse layout. torch 1.13's nn.Embedding / nn.EmbeddingBag with sparse=True give
 * the weight a sparse COO gradient that holds only the looked-up rows. The engine stores dense tensors only, so
 * such a gradient is a dense tensor (zeros outside those rows, the same values) marked here with the rows it
 * holds. What a learner sees of the sparse layout follows from the mark, as in torch: `grad.is_sparse` is true;
 * accumulating keeps it sparse only while every part is sparse (sparse + dense is dense); zero_grad() leaves a
 * sparse gradient with no rows; Adam and the other dense-only optimizers refuse it with torch's messages,
 * SGD / Adagrad take it (the same values as the dense update: the other rows' gradients are zero), and SparseAdam
 * updates only the marked rows (its lazy moments).
 */
import type { Tensor } from "../tensor";

/** The sorted row indices each sparse gradient holds. */
const rowsOf = new WeakMap<Tensor, readonly number[]>();

/** Marks g as a sparse gradient holding these rows of its first dimension; returns g. */
export function markSparseGrad(g: Tensor, rows: Iterable<number>): Tensor {
  rowsOf.set(g, [...new Set(rows)].sort((a, b) => a - b));
  return g;
}

/** The rows a sparse gradient holds, or undefined for a dense tensor. */
export function sparseGradRows(g: Tensor | null | undefined): readonly number[] | undefined {
  return g ? rowsOf.get(g) : undefined;
}

export function isSparseGrad(g: Tensor | null | undefined): boolean {
  return g !== null && g !== undefined && rowsOf.has(g);
}

/** A dense tensor again (the values are unchanged). */
export function unmarkSparseGrad(g: Tensor): void {
  rowsOf.delete(g);
}

/**
 * After `sum = a + b` (or a += b in place, sum === a): the sum is sparse, holding both sets of rows, when both
 * parts are sparse, and dense otherwise, as torch's sparse + dense.
 */
export function sumSparseGrads(sum: Tensor, a: Tensor, b: Tensor): void {
  const ra = rowsOf.get(a);
  const rb = rowsOf.get(b);
  if (ra && rb) markSparseGrad(sum, [...ra, ...rb]);
  else rowsOf.delete(sum);
}
