/**
 * index_reduce(input, dim, index, source, reduce, include_self=True), PyTorch 1.13's (beta) op:
 * a copy of input where each slice source[..., i, ...] along dim is combined ("prod" | "mean" |
 * "amax" | "amin") into out[..., index[i], ...]. It is scatter_reduce with the 1-D index spread
 * over source's shape (index[i] at every position whose dim coordinate is i), so values, the
 * include_self rule, integer mean's floor division and the gradients (prod exact with zeros,
 * amax/amin shared among ties) are scatter_reduce's, which match 1.13's index_reduce_backward.
 */
import { parseArgs, type PyArgs } from "../args";
import { int32, int64 } from "../dtype";
import { IndexError, RuntimeError, TypeError_ } from "../errors";
import { fmtShape, normalizeDim } from "../shape";
import { Tensor } from "../tensor";
import { cppTypeName } from "./bitwise";
import { scatter_reduce } from "./scatter_reduce";

export type IndexReduceMode = "prod" | "mean" | "amax" | "amin";
const MODES: readonly string[] = ["prod", "mean", "amax", "amin"];

export interface IndexReduceOptions {
  reduce?: IndexReduceMode;
  include_self?: boolean;
}

/** The arguments after source: `(reduce, { include_self })`, include_self keyword-only as in PyTorch. */
export type IndexReduceArgs = PyArgs<[reduce: IndexReduceMode], IndexReduceOptions>;

export function parseIndexReduce(fn: string, args: readonly unknown[]): { reduce: IndexReduceMode; include_self: boolean } {
  const a = parseArgs<IndexReduceOptions>(fn, ["reduce", "include_self"], args);
  if (a.reduce === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'reduce'`);
  return { reduce: a.reduce, include_self: a.include_self ?? true };
}

export function index_reduce(x: Tensor, dim: number, index: Tensor, source: Tensor, reduce: IndexReduceMode, include_self = true): Tensor {
  if (!MODES.includes(reduce)) throw new RuntimeError(`index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got ${String(reduce)}.`);
  if (!(index instanceof Tensor)) throw new TypeError_("index_reduce(): argument 'index' must be a Tensor");
  if (!(source instanceof Tensor)) throw new TypeError_("index_reduce(): argument 'source' must be a Tensor");
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  if (index.dim() > 1) {
    throw new IndexError(`index_reduce_(): Index is supposed to be a vector, but got dim: ${index.dim()} with type: ${cppTypeName(index.dtype)} and size: ${fmtShape(index.shape)}`);
  }
  if (index.dtype !== int64 && index.dtype !== int32) throw new RuntimeError(`index_reduce_(): Expected dtype int32/int64 for index but got: ${cppTypeName(index.dtype)}`);
  if (source.dtype !== x.dtype) {
    throw new RuntimeError(`index_reduce_(): self (${cppTypeName(x.dtype)}) and source (${cppTypeName(source.dtype)}) must have the same scalar type`);
  }
  const xShape = x.dim() === 0 ? [1] : x.shape;
  const sShape = source.dim() === 0 ? [1] : source.shape;
  const n = index.numel();
  if (sShape.length !== xShape.length) {
    throw new RuntimeError(`index_reduce_(): source ${fmtShape(source.shape)} must have as many dimensions as self ${fmtShape(x.shape)}`);
  }
  if (sShape[d] !== n) {
    throw new RuntimeError(`index_reduce_(): Number of indices (${n}) should be equal to source.size(dim): (${sShape[d]}), for dim: ${d}`);
  }
  if (sShape.some((s, i) => i !== d && s !== xShape[i])) {
    throw new RuntimeError(`index_reduce_(): source ${fmtShape(source.shape)} must match self ${fmtShape(x.shape)} apart from dimension ${d}`);
  }
  const flatIndex = index.reshape(-1);
  for (const v of flatIndex.tolist() as number[]) {
    // PyTorch 1.13 refuses negative indices here too (unlike index_select).
    if (!(v >= 0 && v < xShape[d])) throw new IndexError("index out of range in self");
  }
  const view = xShape.map((_, i) => (i === d ? n : 1));
  const spread = flatIndex.reshape(view).expand(sShape);
  const xs = x.dim() === 0 ? x.reshape(1) : x;
  const src = source.dim() === 0 ? source.reshape(1) : source;
  const out = scatter_reduce(xs, d, spread, src, reduce, include_self, "index_reduce");
  return x.dim() === 0 ? out.reshape([]) : out;
}
