/**
 * Ordering ops along one dim: sort, argsort, topk, plus the row helper they share (the dim is
 * moved last so each row is a contiguous run). Sorting is stable, NaN counts as the largest
 * value (PyTorch's order), and backward scatters the gradient back through the indices.
 */
import { record } from "../autograd/function";
import { int64 } from "../dtype";
import { RuntimeError } from "../errors";
import { normalizeDim } from "../shape";
import type { MinMaxResult, Tensor } from "../tensor";
import { contiguousData, empty, valuesAndIndices } from "./util";

/** x with `dim` moved last, as contiguous rows of length `len`. */
export interface Rows {
  data: ArrayLike<number>;
  count: number;
  len: number;
  /** Turns row-major results shaped like the moved input (last dim `outLen`) back to x's layout. */
  restore(out: Tensor): Tensor;
}

export function rowsAlong(x: Tensor, dim: number): Rows {
  const nd = Math.max(x.dim(), 1);
  const src = x.dim() === 0 ? x.reshape([1]) : x;
  const moved = dim === nd - 1 ? src : src.transpose(dim, nd - 1);
  const len = src.shape[dim];
  const count = len === 0 ? 0 : moved.numel() / len;
  return {
    data: contiguousData(moved.detach()),
    count,
    len,
    restore: (out) => {
      const back = dim === nd - 1 ? out : out.transpose(dim, nd - 1).contiguous();
      return x.dim() === 0 ? back.reshape([]) : back;
    },
  };
}

/** Ascending order with NaN last; the caller flips it for descending. */
function compareAsc(a: number, b: number): number {
  const an = a !== a;
  const bn = b !== b;
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first k positions of one row in stable sorted order. Rows without NaN compare as plain
 * numbers; a small k takes a bounded insertion pass (O(len * k)) instead of a full sort.
 */
function orderRow(data: ArrayLike<number>, start: number, len: number, k: number, descending: boolean, vals: Float64Array): number[] {
  let hasNaN = false;
  for (let i = 0; i < len; i++) {
    const v = data[start + i];
    vals[i] = v;
    if (v !== v) hasNaN = true;
  }
  const sign = descending ? -1 : 1;
  if (!hasNaN && k * 8 < len) return smallestK(vals, len, k, sign);
  const pos = Array.from({ length: len }, (_, i) => i);
  if (hasNaN) pos.sort((i, j) => (descending ? compareAsc(vals[j], vals[i]) : compareAsc(vals[i], vals[j])));
  else pos.sort((i, j) => (vals[i] === vals[j] ? 0 : sign * (vals[i] < vals[j] ? -1 : 1)));
  return k < len ? pos.slice(0, k) : pos;
}

/** The k first positions by sign * value; ties keep the earlier position first (stable). */
function smallestK(vals: Float64Array, len: number, k: number, sign: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < len; i++) {
    const key = sign * vals[i];
    if (best.length === k && key >= sign * vals[best[k - 1]]) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && sign * vals[best[at - 1]] > key) at--;
    if (best.length === k) best.pop();
    best.splice(at, 0, i);
  }
  return best;
}

/** Values and indices of the first `k` positions of each row in sorted order. */
function sortedPrefix(x: Tensor, d: number, k: number, descending: boolean, node: string): MinMaxResult {
  const rows = rowsAlong(x, d);
  const movedShape = x.dim() === 0 ? [1] : x.shape.slice();
  if (x.dim() > 0) [movedShape[d], movedShape[movedShape.length - 1]] = [movedShape[movedShape.length - 1], movedShape[d]];
  movedShape[movedShape.length - 1] = k;
  const vals = empty(movedShape, x.dtype);
  const idx = empty(movedShape, int64);
  const scratch = new Float64Array(rows.len);
  for (let r = 0; r < rows.count; r++) {
    const order = orderRow(rows.data, r * rows.len, rows.len, k, descending, scratch);
    for (let j = 0; j < k; j++) {
      vals._data[r * k + j] = rows.data[r * rows.len + order[j]];
      idx._data[r * k + j] = order[j];
    }
  }
  const indices = rows.restore(idx);
  const values = record(
    rows.restore(vals), node, [x],
    (g) => {
      if (x.dim() === 0) return [g];
      return [empty(x.shape, g.dtype).scatter_add(d, indices, g)];
    },
    [indices],
  );
  return valuesAndIndices(values, indices, node.replace("Backward0", "").toLowerCase()); // sort, topk
}

function checkDim(x: Tensor, dim: number): number {
  return x.dim() === 0 ? normalizeDim(dim, 1) : normalizeDim(dim, x.dim());
}

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}

/** sort(dim=-1, descending=false, stable=false) -> { values, indices }; always stable here. */
export function sort(x: Tensor, dim = -1, descending = false): MinMaxResult {
  const d = checkDim(x, dim);
  return sortedPrefix(x, d, x.dim() === 0 ? 1 : x.shape[d], descending, "SortBackward0");
}

export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  return sort(x.detach(), dim, descending).indices;
}

export interface TopkOptions {
  k?: number;
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** The k largest (or smallest) entries along dim, in sorted order -> { values, indices }. */
export function topk(x: Tensor, k: number, dim = -1, largest = true): MinMaxResult {
  const d = checkDim(x, dim);
  const size = x.dim() === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k)) throw new RuntimeError(`topk(): k must be an integer, got ${k}`);
  // torch 1.13's words, for a negative k too (top-k samplers meet it when k exceeds the vocabulary)
  if (k < 0 || k > size) throw new RuntimeError("selected index k out of range");
  return sortedPrefix(x, d, k, largest, "TopkBackward0");
}
