/** max / min (values and indices), amax / amin, argmax / argmin. */
import { checkKeywordsAliased, isOptions } from "../args";
import { record } from "../autograd/function";
import { refuseBool, int64 } from "../dtype";
import { IndexError, RuntimeError, TypeError_ } from "../errors";
import { ReduceOp } from "../kernels/reduce";
import { kernels } from "../kernels/registry";
import { normalizeDim, numelOf } from "../shape";
import type { DimArg, MinMaxResult, Tensor } from "../tensor";
import { parseReduceArgs, reducedShape } from "./reduce";
import { arange } from "./creation";
import { contiguousData, empty, valuesAndIndices } from "./util";

function checkNonEmpty(x: Tensor, op: string): void {
  if (x.numel() === 0) {
    // torch 1.13: argmax / argmin raise IndexError with the first sentence only
    if (op.startsWith("arg")) throw new IndexError(`${op}(): Expected reduction dim to be specified for input.numel() == 0.`);
    throw new RuntimeError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
}

/** values and long indices along one dim, no autograd. */
function extremeAlong(x: Tensor, dim: number, isMax: boolean, keepdim: boolean, op: string): { values: Tensor; indices: Tensor } {
  const xd = contiguousData(x);
  const outer = numelOf(x.shape.slice(0, dim));
  const inner = numelOf(x.shape.slice(dim + 1));
  const shape = reducedShape(x.shape, [dim], keepdim);
  const values = empty(shape, x.dtype);
  const indices = empty(shape, int64);
  if (x.shape[dim] === 0) throw new IndexError(`${op}(): Expected reduction dim ${dim} to have non-zero size.`);
  kernels.reduce(isMax ? ReduceOp.max : ReduceOp.min, xd, outer, x.shape[dim], inner, values._data, indices._data);
  return { values, indices };
}

/** All-reduce extreme: gradient split evenly among tied extremes (PyTorch's rule). */
function extremeAll(x: Tensor, isMax: boolean, dims: number[] | null, keepdim: boolean, node: string, op: string): Tensor {
  let values: Tensor;
  if (!dims) {
    checkNonEmpty(x, op);
    values = extremeAlong(x.reshape([-1]), 0, isMax, false, op).values.reshape(keepdim ? x.shape.map(() => 1) : []);
  } else {
    let cur = x;
    for (let i = dims.length - 1; i >= 0; i--) cur = extremeAlong(cur, dims[i], isMax, true, op).values;
    values = cur.reshape(reducedShape(x.shape, dims, keepdim));
  }
  return record(
    values, node, [x],
    (g) => {
      const keepShape = reducedShape(x.shape, dims, true);
      const mask = x.eq(values.reshape(keepShape)).to(g.dtype);
      const count = mask.sum(dims ?? undefined, true);
      return [mask.div(count).mul(g.reshape(keepShape))];
    },
    [x, values],
    true,
  );
}

/** keepdim given positionally or as PyTorch's keyword after a positional dim: x.max(1, { keepdim: true }). */
export type KeepdimArg = boolean | { keepdim?: boolean; keepdims?: boolean };
/** max / min's dim by keyword: dim= or NumPy's axis=, keepdim= or keepdims= (torch 1.13's aliases). */
export type DimKeywords = { dim: number; keepdim?: boolean; keepdims?: boolean } | { axis: number; keepdim?: boolean; keepdims?: boolean };
/** argmax / argmin's: dim= or axis=, keepdim= or keepdims=. */
export type ArgDimKeywords = { dim?: number; axis?: number; keepdim?: boolean; keepdims?: boolean };
function keepdimOf(fn: string, keepdim: KeepdimArg): boolean {
  if (!isOptions(keepdim)) return keepdim;
  return checkKeywordsAliased(fn, keepdim, ["keepdim"]).keepdim ?? false;
}

function minmax(x: Tensor, isMax: boolean, dim?: number | DimKeywords, keepdimArg: KeepdimArg = false): Tensor | MinMaxResult {
  let keepdim = keepdimOf(isMax ? "max" : "min", keepdimArg);
  if (dim === undefined) return extremeAll(x, isMax, null, false, isMax ? "MaxBackward1" : "MinBackward1", isMax ? "max" : "min");
  if (typeof dim === "object") {
    const o = checkKeywordsAliased(isMax ? "max" : "min", dim, ["dim", "keepdim"]) as { dim: number; keepdim?: boolean };
    keepdim = o.keepdim ?? false;
    dim = o.dim;
  }
  const d = normalizeDim(dim, x.dim());
  const src = x.dim() === 0 ? x.reshape([1]) : x;
  const { values, indices } = extremeAlong(src, d, isMax, keepdim || x.dim() === 0, isMax ? "max" : "min");
  const vals = x.dim() === 0 ? values.reshape([]) : values;
  const idx = x.dim() === 0 ? indices.reshape([]) : indices;
  record(
    vals, isMax ? "MaxBackward0" : "MinBackward0", [x],
    (g) => {
      const gk = keepdim || x.dim() === 0 ? g.reshape(reducedShape(src.shape, [d], true)) : g.unsqueeze(d);
      const ik = keepdim || x.dim() === 0 ? idx.reshape(reducedShape(src.shape, [d], true)) : idx.unsqueeze(d);
      const z = empty(src.shape, g.dtype);
      return [z.scatter(d, ik, gk).reshape(x.shape.slice())];
    },
    [idx],
    (g) => {
      // create_graph: g placed at the arg-extreme through a constant one-hot mask (recorded ops).
      const gk = keepdim || x.dim() === 0 ? g.reshape(reducedShape(src.shape, [d], true)) : g.unsqueeze(d);
      const ik = keepdim || x.dim() === 0 ? idx.reshape(reducedShape(src.shape, [d], true)) : idx.unsqueeze(d);
      const along = src.shape.map((s, i) => (i === d ? s : 1));
      const onehot = arange(src.shape[d]).reshape(along).eq(ik).to(g.dtype);
      return [gk.mul(onehot).reshape(x.shape.slice())];
    },
  );
  return valuesAndIndices(vals, idx, isMax ? "max" : "min");
}

/**
 * x.max(0.5) / x.min(0.5, true): a non-integer number where the dim goes is torch 1.13's overload TypeError (the
 * method's overload list, with its "didn't match" hints), not a dim-range error. JavaScript cannot tell 1.0 from 1.
 */
function checkMethodDim(fn: string, dim: unknown, keepdim: unknown): void {
  if (typeof dim !== "number" || Number.isInteger(dim)) return;
  const hint = (types: string) => `      didn't match because some of the arguments have invalid types: (${types})\n`;
  const withKeepdim = typeof keepdim === "boolean";
  const body = withKeepdim
    ? ` * ()\n * (Tensor other)\n * (int dim, bool keepdim)\n${hint("!float!, bool")} * (name dim, bool keepdim)\n${hint("!float!, bool")}`
    : ` * ()\n${hint("!float!")} * (Tensor other)\n${hint("!float!")} * (int dim, bool keepdim)\n * (name dim, bool keepdim)\n`;
  throw new TypeError_(`${fn}() received an invalid combination of arguments - got (float${withKeepdim ? ", bool" : ""}), but expected one of:\n${body}`);
}

export function max(x: Tensor, dim?: number | DimKeywords, keepdim?: KeepdimArg): Tensor | MinMaxResult {
  checkMethodDim("max", dim, keepdim);
  return minmax(x, true, dim, keepdim ?? false) as Tensor & MinMaxResult;
}

export function min(x: Tensor, dim?: number | DimKeywords, keepdim?: KeepdimArg): Tensor | MinMaxResult {
  checkMethodDim("min", dim, keepdim);
  return minmax(x, false, dim, keepdim ?? false) as Tensor & MinMaxResult;
}

export function amax(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  const { dims } = parseReduceArgs(x, dim);
  return extremeAll(x, true, dims, keepdim, "AmaxBackward0", "amax");
}

export function amin(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  const { dims } = parseReduceArgs(x, dim);
  return extremeAll(x, false, dims, keepdim, "AminBackward0", "amin");
}

function argExtreme(x: Tensor, isMax: boolean, dim?: number | null | ArgDimKeywords, keepdimArg: KeepdimArg = false): Tensor {
  refuseBool(x.dtype, isMax ? "argmax_cpu" : "argmin_cpu");
  let keepdim = keepdimOf(isMax ? "argmax" : "argmin", keepdimArg);
  if (dim !== null && typeof dim === "object") {
    dim = checkKeywordsAliased(isMax ? "argmax" : "argmin", dim, ["dim", "keepdim"]);
    keepdim = dim.keepdim ?? false;
    dim = dim.dim;
  }
  if (dim === undefined || dim === null) {
    checkNonEmpty(x, isMax ? "argmax" : "argmin");
    const idx = extremeAlong(x.reshape([-1]), 0, isMax, false, isMax ? "argmax" : "argmin").indices;
    return keepdim ? idx.reshape(x.shape.map(() => 1)) : idx;
  }
  const d = normalizeDim(dim, x.dim());
  const src = x.dim() === 0 ? x.reshape([1]) : x;
  const idx = extremeAlong(src, d, isMax, keepdim, isMax ? "argmax" : "argmin").indices;
  return x.dim() === 0 ? idx.reshape([]) : idx;
}

export function argmax(x: Tensor, dim?: number | null | ArgDimKeywords, keepdim: KeepdimArg = false): Tensor {
  return argExtreme(x, true, dim, keepdim);
}

export function argmin(x: Tensor, dim?: number | null | ArgDimKeywords, keepdim: KeepdimArg = false): Tensor {
  return argExtreme(x, false, dim, keepdim);
}

