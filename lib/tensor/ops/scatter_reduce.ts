/**
 * scatter_reduce(input, dim, index, src, reduce, include_self=True), PyTorch 1.13's rule: a copy
 * of input where each src[..., i, ...] is combined ("sum" | "prod" | "mean" | "amax" | "amin")
 * into out[..., index[..., i, ...], ...] along dim. With include_self=false the positions that
 * receive values forget input's value first; the others keep it. "mean" divides by the number of
 * values combined (input's included), with floor division for integer tensors.
 *
 * The gradient is PyTorch's: sum passes g through, mean divides it by that count, prod multiplies
 * it by the product of the other values (exact when some are zero), amax/amin share it evenly
 * among the values equal to the result (input's value counted among the ties even when
 * include_self=false, as 1.13 does). It is computed directly, so it cannot be differentiated again.
 */
import { parseArgs, type PyArgs } from "../args";
import { record } from "../autograd/function";
import { int64 } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { contiguousStrides, fmtShape, normalizeDim, numelOf } from "../shape";
import { Tensor } from "../tensor";
import { warnOnce } from "../warnings";
import { contiguousData, empty } from "./util";

export type ScatterReduceMode = "sum" | "prod" | "mean" | "amax" | "amin";
const MODES: readonly string[] = ["sum", "prod", "mean", "amax", "amin"];

export interface ScatterReduceOptions {
  reduce?: ScatterReduceMode;
  include_self?: boolean;
}

/** The arguments after src: `(reduce, { include_self })`, include_self keyword-only as in PyTorch. */
export type ScatterReduceArgs = PyArgs<[reduce: ScatterReduceMode], ScatterReduceOptions>;

export function parseScatterReduce(fn: string, args: readonly unknown[]): { reduce: ScatterReduceMode; include_self: boolean } {
  const a = parseArgs<ScatterReduceOptions>(fn, ["reduce", "include_self"], args);
  if (a.reduce === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'reduce'`);
  return { reduce: a.reduce, include_self: a.include_self ?? true };
}

function check(x: Tensor, d: number, index: Tensor, src: Tensor, reduce: string): void {
  if (!(index instanceof Tensor) || index.dtype !== int64) throw new RuntimeError("scatter(): Expected dtype int64 for index");
  if (!(src instanceof Tensor)) throw new RuntimeError("scatter_reduce(): src must be a Tensor");
  if (src.dtype !== x.dtype) throw new RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype");
  if (!MODES.includes(reduce)) {
    throw new RuntimeError("reduce argument must be either sum, prod, mean, amax or amin.");
  }
  if (src.dtype !== x.dtype) throw new RuntimeError(`scatter_reduce(): Expected self.dtype to be equal to src.dtype (got ${x.dtype} and ${src.dtype})`);
  const xShape = x.dim() === 0 ? [1] : x.shape;
  const iShape = index.dim() === 0 ? [1] : index.shape;
  const sShape = src.dim() === 0 ? [1] : src.shape;
  if (iShape.length !== xShape.length || sShape.length !== xShape.length) {
    throw new RuntimeError("scatter_reduce(): Index tensor must have the same number of dimensions as self and src tensors");
  }
  for (let i = 0; i < xShape.length; i++) {
    if (iShape[i] > sShape[i] || (i !== d && iShape[i] > xShape[i])) {
      throw new RuntimeError(
        `scatter_reduce(): Expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d} and to be smaller size than src ${fmtShape(src.shape)}`,
      );
    }
  }
  const idx = contiguousData(index);
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < xShape[d])) throw new RuntimeError(`index ${idx[i]} is out of bounds for dimension ${d} with size ${xShape[d]}`);
  }
}

/** For each position of index (row-major): the flat offset it writes in out and the one it reads in src. */
function targets(xShape: readonly number[], iShape: readonly number[], sShape: readonly number[], d: number, idx: ArrayLike<number>): { to: Int32Array; from: Int32Array } {
  const n = numelOf(iShape);
  const xs = contiguousStrides(xShape);
  const ss = contiguousStrides(sShape);
  const to = new Int32Array(n);
  const from = new Int32Array(n);
  const coord = new Array<number>(iShape.length).fill(0);
  for (let pos = 0; pos < n; pos++) {
    let t = 0;
    let f = 0;
    for (let i = 0; i < iShape.length; i++) {
      t += (i === d ? idx[pos] : coord[i]) * xs[i];
      f += coord[i] * ss[i];
    }
    to[pos] = t;
    from[pos] = f;
    for (let i = iShape.length - 1; i >= 0; i--) {
      if (++coord[i] < iShape[i]) break;
      coord[i] = 0;
    }
  }
  return { to, from };
}

/** `op` names the beta warning: index_reduce (ops/index_reduce.ts) runs through here and warns under its own name. */
export function scatter_reduce(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceMode, include_self = true, op = "scatter_reduce"): Tensor {
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  check(x, d, index, src, reduce);
  // torch 1.13's TORCH_WARN_ONCE (shown without its "(Triggered internally at ...)" suffix, as the engine's other C++ warnings)
  warnOnce(`UserWarning: ${op}() is in beta and the API may change at any time.`);
  const xShape = x.dim() === 0 ? [1] : x.shape;
  const { to, from } = targets(xShape, index.dim() === 0 ? [1] : index.shape, src.dim() === 0 ? [1] : src.shape, d, contiguousData(index));
  const xd = contiguousData(x);
  const sd = contiguousData(src);
  const out = empty(x.shape, x.dtype);
  const od = out._data;
  od.set(xd);
  // How many src values each position receives.
  const count = new Int32Array(od.length);
  for (const t of to) count[t]++;
  if (!include_self) {
    const start = reduce === "prod" ? 1 : reduce === "amax" ? -Infinity : reduce === "amin" ? Infinity : 0;
    for (let t = 0; t < od.length; t++) if (count[t] > 0) od[t] = start;
  }
  for (let p = 0; p < to.length; p++) {
    const t = to[p];
    const v = sd[from[p]];
    if (reduce === "sum" || reduce === "mean") od[t] += v;
    else if (reduce === "prod") od[t] *= v;
    // NaN wins, as in torch.amax / amin.
    else if (reduce === "amax") od[t] = Number.isNaN(v) || v > od[t] ? v : od[t];
    else od[t] = Number.isNaN(v) || v < od[t] ? v : od[t];
  }
  if (reduce === "mean") {
    const integral = !x.dtype.is_floating_point;
    for (let t = 0; t < od.length; t++) {
      if (count[t] === 0) continue;
      const n = count[t] + (include_self ? 1 : 0);
      od[t] = integral ? Math.floor(od[t] / n) : od[t] / n;
    }
  }
  return record(out, "ScatterReduceBackward0", [x, src], (g) => {
    const gd = contiguousData(g);
    const gx = empty(x.shape, g.dtype);
    const gs = empty(src.shape, g.dtype);
    const gxd = gx._data;
    const gsd = gs._data;
    // Positions that receive nothing pass g through to input unchanged.
    for (let t = 0; t < gxd.length; t++) gxd[t] = count[t] === 0 ? gd[t] : 0;
    if (reduce === "sum" || reduce === "mean") {
      for (let t = 0; t < gxd.length; t++) {
        if (count[t] === 0 || !include_self) continue;
        gxd[t] = reduce === "sum" ? gd[t] : gd[t] / (count[t] + 1);
      }
      for (let p = 0; p < to.length; p++) {
        const t = to[p];
        gsd[from[p]] += reduce === "sum" ? gd[t] : gd[t] / (count[t] + (include_self ? 1 : 0));
      }
    } else if (reduce === "prod") {
      prodGrad(gd, xd, sd, to, from, count, include_self, gxd, gsd);
    } else {
      // amax / amin: g shared evenly among the values equal to the result. PyTorch 1.13 counts
      // input's value among the ties even with include_self=false (and then gives it nothing).
      const ties = new Float64Array(od.length);
      for (let t = 0; t < od.length; t++) if (count[t] > 0 && same(xd[t], od[t])) ties[t]++;
      for (let p = 0; p < to.length; p++) if (same(sd[from[p]], od[to[p]])) ties[to[p]]++;
      for (let t = 0; t < od.length; t++) if (count[t] > 0 && include_self && same(xd[t], od[t])) gxd[t] = gd[t] / ties[t];
      for (let p = 0; p < to.length; p++) if (same(sd[from[p]], od[to[p]])) gsd[from[p]] += gd[to[p]] / ties[to[p]];
    }
    return [x.requires_grad ? gx : null, src.requires_grad ? gs : null];
  }, [index]);
}

function same(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * d out[t] / d c = the product of the other values combined into t: the product of the nonzero
 * ones divided by c when none is zero; with exactly one zero only that zero gets the product of
 * the rest; with two or more zeros every derivative is 0.
 */
function prodGrad(
  gd: ArrayLike<number>, xd: ArrayLike<number>, sd: ArrayLike<number>, to: Int32Array, from: Int32Array, count: Int32Array,
  include_self: boolean, gxd: Float32Array | Float64Array, gsd: Float32Array | Float64Array,
): void {
  const n = count.length;
  const nonzeroProd = new Float64Array(n).fill(1);
  const zeros = new Int32Array(n);
  const take = (t: number, v: number) => {
    if (v === 0) zeros[t]++;
    else nonzeroProd[t] *= v;
  };
  for (let t = 0; t < n; t++) if (count[t] > 0 && include_self) take(t, xd[t]);
  for (let p = 0; p < to.length; p++) take(to[p], sd[from[p]]);
  const grad = (t: number, v: number): number => {
    if (zeros[t] === 0) return (gd[t] * nonzeroProd[t]) / v;
    if (zeros[t] === 1 && v === 0) return gd[t] * nonzeroProd[t];
    return 0;
  };
  for (let t = 0; t < n; t++) if (count[t] > 0 && include_self) gxd[t] = grad(t, xd[t]);
  for (let p = 0; p < to.length; p++) gsd[from[p]] += grad(to[p], sd[from[p]]);
}
