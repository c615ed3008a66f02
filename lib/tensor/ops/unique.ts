/**
 * Counting and deduplication: unique (over elements or over slices along a dim, with the
 * inverse map and counts) and bincount (with weights and minlength). No gradients: the
 * outputs are values picked or counted, like PyTorch's (non-differentiable) versions.
 */
import { bool, cppTypeName, float64, int64 } from "../dtype";
import { RuntimeError } from "../errors";
import { normalizeDim } from "../shape";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

export interface UniqueOptions {
  sorted?: boolean;
  return_inverse?: boolean;
  return_counts?: boolean;
  dim?: number | null;
}

/** Lexicographic order of two equal-length runs (NaN last, as in sort). */
function compareRuns(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, len: number): number {
  for (let k = 0; k < len; k++) {
    const x = a[ai + k];
    const y = b[bi + k];
    if (x === y) continue;
    const xn = x !== x;
    const yn = y !== y;
    if (xn || yn) {
      if (xn && yn) continue;
      return xn ? 1 : -1;
    }
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Sorted unique elements (or slices along dim). With return_inverse / return_counts the result
 * is an array like PyTorch's tuple: [values, inverse?, counts?]. Output is always sorted
 * (sorted=false allows any order in PyTorch, and sorted is one of them).
 */
export function unique(x: Tensor, opts: UniqueOptions = {}): Tensor | Tensor[] {
  const dim = opts.dim ?? null;
  // Rows to deduplicate: each element, or each slice along dim (moved first, flattened).
  const d = dim === null ? -1 : normalizeDim(dim, x.dim());
  const perm = d < 0 ? [] : [d, ...x.shape.map((_, i) => i).filter((i) => i !== d)];
  const moved = d < 0 ? x.reshape([-1, 1]) : x.permute(perm);
  const count = moved.shape[0];
  const len = count === 0 ? 0 : moved.numel() / count;
  const data = contiguousData(moved.detach());
  const order = Array.from({ length: count }, (_, i) => i).sort((i, j) => compareRuns(data, i * len, data, j * len, len) || i - j);
  const inverse = empty(dim === null ? x.shape : [count], int64);
  const counts: number[] = [];
  const firsts: number[] = [];
  for (const i of order) {
    const last = firsts[firsts.length - 1];
    if (firsts.length === 0 || compareRuns(data, i * len, data, last * len, len) !== 0) {
      firsts.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse._data[i] = firsts.length - 1;
  }
  const rows = empty([firsts.length, ...moved.shape.slice(1)], x.dtype);
  firsts.forEach((f, r) => {
    for (let k = 0; k < len; k++) rows._data[r * len + k] = data[f * len + k];
  });
  const inv = perm.map((_, i) => perm.indexOf(i));
  const values = d < 0 ? rows.reshape([-1]) : rows.permute(inv).contiguous();
  if (!opts.return_inverse && !opts.return_counts) return values;
  const out = [values];
  if (opts.return_inverse) out.push(inverse);
  if (opts.return_counts) {
    const c = empty([counts.length], int64);
    c._data.set(counts);
    out.push(c);
  }
  return out;
}

export interface BincountOptions {
  weights?: Tensor | null;
  minlength?: number;
}

/** Counts of each value 0..max(input) in a 1-D non-negative integer tensor (weighted sums with weights). */
export function bincount(input: Tensor, weights?: Tensor | null, minlength = 0): Tensor {
  // torch 1.13's order: the dtype dispatch (floats and bool have no kernel), then the 1-d check, then minlength
  if (input.dtype.is_floating_point || input.dtype === bool) throw new RuntimeError(`"bincount_cpu" not implemented for '${cppTypeName(input.dtype)}'`);
  if (input.dim() !== 1) throw new RuntimeError("bincount only supports 1-d non-negative integral inputs.");
  if (!Number.isInteger(minlength) || minlength < 0) throw new RuntimeError("minlength should be >= 0");
  const d = contiguousData(input);
  let max = -1;
  for (let i = 0; i < d.length; i++) {
    if (d[i] < 0) throw new RuntimeError("bincount only supports 1-d non-negative integral inputs.");
    if (d[i] > max) max = d[i];
  }
  if (weights && (weights.dim() !== 1 || weights.shape[0] !== input.shape[0])) {
    throw new RuntimeError("weights should be 1-d and have the same length as input");
  }
  const n = Math.max(max + 1, minlength);
  const out = empty([n], weights ? (weights.dtype.is_floating_point ? weights.dtype : float64) : int64);
  const w = weights ? contiguousData(weights) : null;
  for (let i = 0; i < d.length; i++) out._data[d[i]] += w ? w[i] : 1;
  return out;
}

