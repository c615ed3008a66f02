/**
 * Ordering ops along one dim: sort, argsort, topk, plus the row helper they share (the dim is
 * moved last so each row is a contiguous run). Equal values come out in torch 1.13's order (std_order.ts),
 * or in input order with stable=true; NaN counts as the largest value (PyTorch's order), and backward
 * scatters the gradient back through the indices.
 */
import { record } from "../autograd/function";
import { int64, refuseBool } from "../dtype";
import { RuntimeError } from "../errors";
import { normalizeDim } from "../shape";
import type { MinMaxResult, Tensor } from "../tensor";
import { ascending, descending, stdSort, topkQueue, type Queue } from "./std_order";
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

/** Arranges one row's queue (its values and their positions) so that its first k entries are the result. */
type Arrange = (queue: Queue) => void;

/** sort(stable=True): equal values keep their order (Array.prototype.sort is stable), NaN last ascending. */
const stableOrder = (descendingOrder: boolean): Arrange => (q) => {
  const v = q.values;
  const order = Array.from(q.indices);
  order.sort((i, j) => (descendingOrder ? compareAsc(v[j], v[i]) : compareAsc(v[i], v[j])));
  q.indices.set(order);
};

/** sort(stable=False), torch's default: std::sort's order of equal values (std_order.ts). */
const torchOrder = (descendingOrder: boolean): Arrange => (q) => stdSort(q, 0, q.values.length, descendingOrder ? descending : ascending);

/** Values and indices of the first `k` positions of each row as `arrange` leaves them. */
function sortedPrefix(x: Tensor, d: number, k: number, arrange: Arrange, node: string): MinMaxResult {
  const rows = rowsAlong(x, d);
  const movedShape = x.dim() === 0 ? [1] : x.shape.slice();
  if (x.dim() > 0) [movedShape[d], movedShape[movedShape.length - 1]] = [movedShape[movedShape.length - 1], movedShape[d]];
  movedShape[movedShape.length - 1] = k;
  const vals = empty(movedShape, x.dtype);
  const idx = empty(movedShape, int64);
  const queue: Queue = { values: new Float64Array(rows.len), indices: new Int32Array(rows.len) };
  for (let r = 0; r < rows.count; r++) {
    const start = r * rows.len;
    for (let i = 0; i < rows.len; i++) {
      queue.values[i] = rows.data[start + i];
      queue.indices[i] = i;
    }
    arrange(queue);
    for (let j = 0; j < k; j++) {
      const at = queue.indices[j];
      vals._data[r * k + j] = rows.data[start + at];
      idx._data[r * k + j] = at;
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

/** sort(dim=-1, descending=false, stable=false) -> { values, indices }; equal values in torch's order, or kept in order when stable. */
export function sort(x: Tensor, dim = -1, descendingOrder = false, stable = false): MinMaxResult {
  const d = checkDim(x, dim);
  const arrange = stable ? stableOrder(descendingOrder) : torchOrder(descendingOrder);
  return sortedPrefix(x, d, x.dim() === 0 ? 1 : x.shape[d], arrange, "SortBackward0");
}

export function argsort(x: Tensor, dim = -1, descendingOrder = false, stable = false): Tensor {
  return sort(x.detach(), dim, descendingOrder, stable).indices;
}

export interface TopkOptions {
  k?: number;
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** The k largest (or smallest) entries along dim -> { values, indices }, in torch's order (sorted unless sorted=false). */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): MinMaxResult {
  const d = checkDim(x, dim);
  const size = x.dim() === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k)) throw new RuntimeError(`topk(): k must be an integer, got ${k}`);
  // torch 1.13's words, for a negative k too (top-k samplers meet it when k exceeds the vocabulary)
  if (k < 0 || k > size) throw new RuntimeError("selected index k out of range");
  refuseBool(x.dtype, "topk_cpu");
  return sortedPrefix(x, d, k, (q) => topkQueue(q, k, largest, sorted), "TopkBackward0");
}
