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
import { contiguousData, empty } from "./util";

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

/** Stable order of one row's positions (Array.prototype.sort is stable). */
function orderRow(data: ArrayLike<number>, start: number, len: number, descending: boolean): number[] {
  const pos = Array.from({ length: len }, (_, i) => i);
  pos.sort((i, j) => (descending ? compareAsc(data[start + j], data[start + i]) : compareAsc(data[start + i], data[start + j])));
  return pos;
}

/** Values and indices of the first `k` positions of each row in sorted order. */
function sortedPrefix(x: Tensor, d: number, k: number, descending: boolean, node: string): MinMaxResult {
  const rows = rowsAlong(x, d);
  const movedShape = x.dim() === 0 ? [1] : x.shape.slice();
  if (x.dim() > 0) [movedShape[d], movedShape[movedShape.length - 1]] = [movedShape[movedShape.length - 1], movedShape[d]];
  movedShape[movedShape.length - 1] = k;
  const vals = empty(movedShape, x.dtype);
  const idx = empty(movedShape, int64);
  for (let r = 0; r < rows.count; r++) {
    const order = orderRow(rows.data, r * rows.len, rows.len, descending);
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
  return { values, indices };
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
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new RuntimeError(`topk(): selected index k out of range (k=${k}, dimension ${d} has size ${size})`);
  }
  return sortedPrefix(x, d, k, largest, "TopkBackward0");
}
