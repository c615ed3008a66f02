/**
 * More reductions and statistics of PyTorch (API breadth a2): order statistics (median,
 * nanmedian, mode, kthvalue, quantile, nanquantile, msort), NaN-aware sums and means, aminmax,
 * running max / min / logsumexp, diff, histograms and searching (histc, histogram, bucketize,
 * searchsorted, isin, unique_consecutive), trapezoid, cov / corrcoef, cdist and dist.
 *
 * The order statistics find their positions in plain JS (per row along the dim) and read the
 * values with gather, so the gradient goes to the chosen element, as in PyTorch.
 */
import { composite, differentiateThrough, record } from "../autograd/function";
import { withoutDerivative } from "../autograd/not_implemented";
import { no_grad } from "../autograd/grad_mode";
import { isOptions, parseArgs, type PyArgs } from "../args";
import { bool, cppTypeName, float32, int32, int64, isDType, refuseBool, type DType } from "../dtype";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { broadcastShapes, normalizeDim } from "../shape";
import { pyTypeName, returnTypeObject } from "../py_type_name";
import { Tensor, type MinMaxResult } from "../tensor";
import { linspace, ones, tensor as makeTensor } from "./creation";
import { logcumsumexpAlong } from "./logcumsumexp";
import { cat } from "./join";
import { rowsAlong, sort } from "./sort";
import { torchModeIndex, torchQuickSelect } from "./std_order";
import { contiguousData, valuesAndIndices } from "./util";
import { divScalar, mulScalar } from "./scalar_overloads";

type KeepdimOptions = { dim?: number; keepdim?: boolean };

/** Ascending, NaN last (the order of sort). */
function ascending(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a - b;
}

/**
 * (values, indices) along dim where `pick(row)` names the chosen position of each row (an
 * index into the row). Values are gathered from x, so gradients flow to the chosen entries.
 */
function pickAlong(x: Tensor, dim: number | undefined, keepdim: boolean, op: string, pick: (row: number[]) => number, node?: string): MinMaxResult {
  if (dim === undefined) {
    const flat = x.reshape(-1);
    if (flat.numel() === 0) throw new RuntimeError(`${op}() input tensor cannot be empty`);
    const i = pick(Array.from(contiguousData(flat.detach())));
    const idx = makeTensor([i], { dtype: int64 });
    return valuesAndIndices(flat.gather(0, idx).reshape([]), idx.reshape([]), op);
  }
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  const rows = rowsAlong(x, d);
  if (rows.len === 0) throw new RuntimeError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const picks: number[] = new Array<number>(rows.count);
  for (let r = 0; r < rows.count; r++) {
    const row: number[] = new Array<number>(rows.len);
    for (let j = 0; j < rows.len; j++) row[j] = rows.data[r * rows.len + j];
    picks[r] = pick(row);
  }
  const movedShape = x.dim() === 0 ? [1] : x.transpose(d, Math.max(x.dim(), 1) - 1).shape.slice();
  movedShape[movedShape.length - 1] = 1;
  let idx = rows.restore(makeTensor(picks, { dtype: int64 }).reshape(movedShape));
  if (x.dim() === 0) idx = idx.reshape([]);
  const at = idx;
  const gathered = (xx: Tensor): Tensor => (xx.dim() === 0 ? xx.clone() : keepdim ? xx.gather(d, at) : xx.gather(d, at).squeeze(d));
  // One node named as torch's (KthvalueBackward0, ...), which a printed result shows.
  const values = node ? composite(node, [x], gathered) : gathered(x);
  if (!keepdim && x.dim() > 0) idx = idx.squeeze(d);
  return valuesAndIndices(values, idx, op);
}

/** Positions of a row sorted ascending (NaN last), stable. */
function order(row: number[]): number[] {
  return row.map((_, i) => i).sort((a, b) => ascending(row[a], row[b]) || a - b);
}

function medianPick(ignoreNan: boolean): (row: number[]) => number {
  return (row) => {
    const o = order(row);
    const nans = row.filter((v) => v !== v).length;
    if (nans > 0 && !ignoreNan) return o[row.length - nans];
    const n = row.length - nans;
    if (n === 0) return o[0];
    return o[Math.floor((n - 1) / 2)];
  };
}

function dimArgs(op: string, args: readonly unknown[]): { dim?: number; keepdim: boolean } {
  const a = parseArgs<KeepdimOptions>(op, ["dim", "keepdim"], args);
  return { dim: a.dim, keepdim: a.keepdim ?? false };
}

/** median(x) -> the lower median of all entries; median(x, dim, keepdim) -> (values, indices). NaN propagates. */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, ...args: PyArgs<[dim: number, keepdim?: boolean], KeepdimOptions>): MinMaxResult;
export function median(x: Tensor, ...args: unknown[]): Tensor | MinMaxResult {
  const a = dimArgs("median", args);
  refuseBool(x.dtype, a.dim === undefined ? "median_cpu" : "median_out"); // torch 1.13 has no bool kernel
  const r = pickAlong(x, a.dim, a.keepdim, "median", medianPick(false), "MedianBackward1");
  return a.dim === undefined ? evenlyDistributed(x, r.values, "MedianBackward0") : r;
}

/**
 * torch's evenly_distribute_backward for median() / nanmedian() of all entries: the gradient is split among the
 * entries equal to the result (the NaN entries when it is NaN), not given to one of them; along a dim one index
 * gets it, as torch.
 */
function evenlyDistributed(x: Tensor, value: Tensor, node: string): Tensor {
  const out = value.detach();
  out._base = null;
  return record(
    out, node, [x],
    (g) => {
      const mask = (out.isnan().item() ? x.isnan() : x.eq(out)).to(g.dtype);
      return [mask.div(mask.sum()).mul(g)];
    },
    [x, out],
    true,
  );
}

/** nanmedian: median ignoring NaN (NaN only where a row is all NaN). */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, ...args: PyArgs<[dim: number, keepdim?: boolean], KeepdimOptions>): MinMaxResult;
export function nanmedian(x: Tensor, ...args: unknown[]): Tensor | MinMaxResult {
  const a = dimArgs("nanmedian", args);
  refuseBool(x.dtype, a.dim === undefined ? "median_cpu" : "median_out"); // as median's
  const r = pickAlong(x, a.dim, a.keepdim, "nanmedian", medianPick(true), "NanmedianBackward1");
  return a.dim === undefined ? evenlyDistributed(x, r.values, "NanmedianBackward0") : r;
}

/** mode(x, dim=-1, keepdim=false) -> (values, indices): the most frequent value (the smallest on ties), at the position torch's sort leaves last. */
export function mode(x: Tensor, ...args: PyArgs<[dim?: number, keepdim?: boolean], KeepdimOptions>): MinMaxResult {
  const a = dimArgs("mode", args);
  return pickAlong(x, a.dim ?? -1, a.keepdim, "mode", torchModeIndex, "ModeBackward0");
}

/** kthvalue(x, k, dim=-1, keepdim=false) -> (values, indices) of the k-th smallest (1-based). */
export function kthvalue(x: Tensor, k: number, ...args: PyArgs<[dim?: number, keepdim?: boolean], KeepdimOptions>): MinMaxResult {
  const a = dimArgs("kthvalue", args);
  const d = normalizeDim(a.dim ?? -1, Math.max(x.dim(), 1));
  const size = x.dim() === 0 ? 1 : x.shape[d];
  if (!Number.isInteger(k) || k < 1 || k > size) throw new RuntimeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  refuseBool(x.dtype, "kthvalue_cpu");
  return pickAlong(x, d, a.keepdim, "kthvalue", (row) => {
    const q = { values: Float64Array.from(row), indices: Int32Array.from(row, (_, i) => i) };
    torchQuickSelect(q, k - 1); // torch's pick among equal values
    return q.indices[k - 1];
  }, "KthvalueBackward0");
}

/** msort(x): sorted along the first dim. */
export function msort(x: Tensor): Tensor {
  return sort(x, 0).values;
}

type Interpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";
type QuantileOptions = { q?: number | Tensor; dim?: number | null; keepdim?: boolean; interpolation?: Interpolation };

/** torch 1.13's argument-parser TypeError for quantile / nanquantile given a q of another type (the function's form). */
function quantileOverloadError(op: string, args: readonly unknown[]): TypeError_ {
  const last = args[args.length - 1];
  const keywords = isOptions(last) ? Object.entries(last) : [];
  const positional = isOptions(last) ? args.slice(0, -1) : args;
  const got = ["Tensor", ...positional.map(pyTypeName), ...keywords.map(([k, v]) => `${k}=${pyTypeName(v)}`)];
  const form = (q: string) => ` * (Tensor input, ${q} q, int dim, bool keepdim, *, str interpolation, Tensor out)\n`;
  return new TypeError_(`${op}() received an invalid combination of arguments - got (${got.join(", ")}), but expected one of:\n${form("Tensor")}${form("float")}`);
}

function quantileImpl(x: Tensor, op: string, ignoreNan: boolean, args: readonly unknown[]): Tensor {
  const a = parseArgs<QuantileOptions>(op, ["q", "dim", "keepdim", "interpolation"], args);
  if (a.q === undefined) throw new RuntimeError(`${op}() missing required argument 'q'`);
  // q is a tensor or a Python float (a bool counts); a list / None / str matches neither overload (a list of quantiles
  // read as q gave JavaScript's "toPrecision is not a function", None was taken as 0)
  if (!(a.q instanceof Tensor) && typeof a.q !== "number" && typeof a.q !== "boolean") throw quantileOverloadError(op, args);
  // a Python float q is range-checked first, its value printed as C++ prints a double (6 significant digits)
  // torch words these checks "quantile()" for nanquantile too (their shared quantile_checks)
  if (!(a.q instanceof Tensor) && !(a.q >= 0 && a.q <= 1)) throw new RuntimeError(`quantile() q must be in the range [0, 1] but got ${Number(a.q.toPrecision(6))}`);
  if (!x.dtype.is_floating_point) throw new RuntimeError(`quantile() input tensor must be either float or double dtype`);
  const interpolation = a.interpolation ?? "linear";
  if (!["linear", "lower", "higher", "midpoint", "nearest"].includes(interpolation)) {
    throw new RuntimeError(`quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${String(interpolation)}`);
  }
  const qs = a.q instanceof Tensor ? (contiguousData(a.q.detach()) as ArrayLike<number>) : [a.q];
  if (a.q instanceof Tensor && a.q.dim() > 1) throw new RuntimeError(`quantile() q must be a scalar or 1D tensor`);
  if (a.q instanceof Tensor && a.q.dtype !== x.dtype) throw new RuntimeError(`quantile() q tensor must be same dtype as the input tensor`);
  for (const q of Array.from(qs)) if (!(q >= 0 && q <= 1)) throw new RuntimeError(`quantile() q values must be in the range [0, 1]`);
  const keepdim = a.keepdim ?? false;
  const hasDim = a.dim !== undefined && a.dim !== null;
  const d = hasDim ? normalizeDim(a.dim!, Math.max(x.dim(), 1)) : 0;
  if (x.numel() === 0) throw new RuntimeError(`quantile() input tensor must be non-empty`);
  // Written op for op as ATen's quantile_compute, so the graph is torch 1.13's (SqueezeBackward3 <- LerpBackward1 <-
  // GatherBackward0 <- ViewBackward0 <- SortBackward0) and so are the values (the ranks are computed in q's dtype).
  // The result's dims without q's: the input's, less the reduced one (kept as 1 with keepdim).
  let rest: number[] = [];
  if (hasDim && x.dim() > 0) {
    rest = x.shape.slice();
    if (keepdim) rest[d] = 1;
    else rest.splice(d, 1);
  } else if (keepdim) rest = x.shape.map(() => 1);
  // sorted along the last dim (the reduced dim moved there), viewed as [...rest, n]
  const src = !hasDim ? x.flatten() : d === x.dim() - 1 ? x : x.unsqueeze(-1).transpose(d, -1);
  const byRow = sort(src, -1).values;
  const n = byRow.shape[byRow.dim() - 1];
  const sorted = byRow.view([...rest, n]);
  const q = a.q instanceof Tensor ? a.q : makeTensor(a.q, { dtype: x.dtype });
  // ranks [...rest, nq]: q * (n - 1), the last position where a row has NaN (quantile), q * (count - 1) over the
  // non-NaN entries (nanquantile; an all-NaN row reads position 0, a NaN)
  let ranks: Tensor;
  const nan = sorted.isnan();
  if (ignoreNan) {
    ranks = q.mul(nan.logical_not().sum(-1, true).sub(1));
    ranks = ranks.masked_fill(ranks.detach().lt(0), 0);
  } else {
    const shape = broadcastShapes(q.shape, [...rest, 1]);
    ranks = q.mul(n - 1).expand(shape).masked_fill(nan.any(-1, true).expand(shape), n - 1);
  }
  const at = ranks.detach();
  const pos = interpolation === "lower" ? at.floor() : interpolation === "higher" ? at.ceil() : interpolation === "nearest" ? at.round() : at;
  const below = pos.to(int64);
  const values = sorted.gather(-1, below);
  if (interpolation === "linear" || interpolation === "midpoint") {
    // weight = ranks - below, so a q that requires grad gets its gradient through it
    const weights = interpolation === "midpoint" ? at.mul(0).add(0.5) : ranks.sub(below);
    values.lerp_(sorted.gather(-1, at.ceil().to(int64)), weights);
  }
  // q's dim first, as torch moves it: in place
  if (q.dim() === 0) values.squeeze_(-1);
  else values.unsqueeze_(0).transpose_(0, -1).squeeze_(-1);
  return values;
}

/** quantile(x, q, dim?, keepdim=false, { interpolation: "linear" | "lower" | "higher" | "midpoint" | "nearest" }); NaN propagates. */
export function quantile(x: Tensor, ...args: PyArgs<[q: number | Tensor, dim?: number | null, keepdim?: boolean, interpolation?: Interpolation], QuantileOptions>): Tensor {
  return quantileImpl(x, "quantile", false, args);
}

/** nanquantile: quantile ignoring NaN. */
export function nanquantile(x: Tensor, ...args: PyArgs<[q: number | Tensor, dim?: number | null, keepdim?: boolean, interpolation?: Interpolation], QuantileOptions>): Tensor {
  return quantileImpl(x, "nanquantile", true, args);
}

type NanSumOptions = { dim?: number | readonly number[] | null; keepdim?: boolean; dtype?: DType | null };

/**
 * torch 1.13's signature of nansum and nanmean is (input, dim=None, keepdim=False, *, dtype=None): dtype is keyword-only,
 * so a third positional raises Python's count TypeError and a dtype in dim's or keepdim's place its type TypeError.
 * `self` is 1 for torch.nansum(x, ...) and 0 for x.nansum(...) (the input counts among the positions of the first only).
 */
export function nanPositionals(fn: string, args: readonly unknown[], self: 0 | 1): void {
  const n = args.length > 0 && isOptions(args[args.length - 1]) ? args.length - 1 : args.length;
  if (n > 2) throw new TypeError_(`${fn}() takes from ${self} to ${2 + self} positional arguments but ${n + self} were given`);
  for (let i = 0; i < n; i++) {
    if (isDType(args[i])) throw new TypeError_(`${fn}(): argument '${i === 0 ? "dim" : "keepdim"}' (position ${i + 1 + self}) must be ${i === 0 ? "tuple of ints" : "bool"}, not torch.dtype`);
  }
}

/** nansum(x, dim?, keepdim=false, { dtype }): NaN counted as zero. */
export function nansum(input: Tensor, ...args: PyArgs<[dim?: number | readonly number[] | null, keepdim?: boolean], NanSumOptions>): Tensor {
  nanPositionals("nansum", args, 1);
  const a = parseArgs<NanSumOptions>("nansum", ["dim", "keepdim", "dtype"], args);
  // dtype= (keyword only): the input is cast first. torch 1.13 sums integer and bool inputs with sum(); a floating
  // input goes to its nansum kernel in dtype, which has none for an integer or bool dtype.
  if (a.dtype && input.dtype.is_floating_point && !a.dtype.is_floating_point) throw new RuntimeError(`"nansum_cpu" not implemented for '${cppTypeName(a.dtype)}'`);
  const dtype = a.dtype ?? undefined;
  if (!input.dtype.is_floating_point) return a.dim === undefined || a.dim === null ? input.sum({ dtype }) : input.sum(a.dim, a.keepdim ?? false, { dtype });
  return composite("NansumBackward0", [input], (x) => {
    const clean = x.masked_fill(x.isnan(), 0);
    return a.dim === undefined || a.dim === null ? clean.sum({ dtype }) : clean.sum(a.dim, a.keepdim ?? false, { dtype });
  });
}

/**
 * nanmean(x, dim?, keepdim=false, { dtype }): the mean of the non-NaN entries. With dtype (keyword-only) the sum is
 * nansum's in dtype (the input cast first, the gradient flowing back through the cast; an integer dtype raises nansum's
 * error) and so is the result.
 */
export function nanmean(x: Tensor, ...args: PyArgs<[dim?: number | readonly number[] | null, keepdim?: boolean], NanSumOptions>): Tensor {
  nanPositionals("nanmean", args, 1);
  const a = parseArgs<NanSumOptions>("nanmean", ["dim", "keepdim", "dtype"], args);
  if (!x.dtype.is_floating_point) throw new RuntimeError(`nanmean(): expected input to have floating point dtype but got ${cppTypeName(x.dtype)}`);
  const count = x.isnan().logical_not().to(a.dtype ?? x.dtype);
  const all = a.dim === undefined || a.dim === null;
  const n = all ? count.sum() : count.sum(a.dim!, a.keepdim ?? false);
  return nansum(x, { dim: a.dim, keepdim: a.keepdim ?? false, dtype: a.dtype }).div(n);
}

/** count_nonzero(x, dim?) -> long counts. */
export function count_nonzero(x: Tensor, ...args: PyArgs<[dim?: number | readonly number[] | null], { dim?: number | readonly number[] | null }>): Tensor {
  const dim = parseArgs<{ dim?: number | readonly number[] | null }>("count_nonzero", ["dim"], args).dim;
  const nz = no_grad(() => x.ne(0).to(int64));
  return dim === undefined || dim === null ? nz.sum() : nz.sum(dim);
}

/** torch.return_types.aminmax: r.min / r.max, r[0] / r[1], or const [min, max] = r. */
export interface AminmaxResult extends Iterable<Tensor> {
  min: Tensor;
  max: Tensor;
  readonly 0: Tensor;
  readonly 1: Tensor;
}

/** aminmax(x, { dim, keepdim }) -> { min, max } (also r[0] / r[1] and iterable as [min, max]). */
export function aminmax(x: Tensor, ...args: PyArgs<[], { dim?: number | null; keepdim?: boolean }>): AminmaxResult {
  const a = parseArgs<{ dim?: number | null; keepdim?: boolean }>("aminmax", ["dim", "keepdim"], args);
  if (x.numel() === 0) throw new RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  const all = a.dim === undefined || a.dim === null;
  const kd = a.keepdim ?? false;
  // torch 1.13 has no derivative for aminmax: both results hang from a NotImplemented node (backward raises)
  const min = withoutDerivative("aten::aminmax", [x], () => (all ? (kd ? x.amin(x.shape.map((_, i) => i), true) : x.amin()) : x.amin(a.dim!, kd)));
  const max = withoutDerivative("aten::aminmax", [x], () => (all ? (kd ? x.amax(x.shape.map((_, i) => i), true) : x.amax()) : x.amax(a.dim!, kd)));
  const result = Object.assign(returnTypeObject("aminmax"), { min, max });
  Object.defineProperty(result, Symbol.iterator, { enumerable: false, value: () => [min, max][Symbol.iterator]() });
  Object.defineProperty(result, 0, { enumerable: false, value: min });
  Object.defineProperty(result, 1, { enumerable: false, value: max });
  return result as AminmaxResult;
}

/** std_mean(x, ...var's arguments) -> [std, mean]. */
export function std_mean(x: Tensor, ...args: Parameters<Tensor["std"]>): [Tensor, Tensor] {
  const [a, b, c] = args;
  const opts = (a !== null && typeof a === "object" && !Array.isArray(a) ? a : typeof b === "object" ? b : typeof c === "object" ? c : {}) as { dim?: number | readonly number[]; keepdim?: boolean };
  const dim = typeof a === "number" || Array.isArray(a) ? (a as number | readonly number[]) : opts.dim;
  const keepdim = typeof c === "boolean" ? c : (opts.keepdim ?? false);
  const mean = (xx: Tensor): Tensor => (dim === undefined ? xx.mean() : xx.mean(dim, keepdim));
  return [composite("StdMeanBackward0", [x], (xx) => xx.std(...args)), composite("StdMeanBackward0", [x], mean)];
}

function cumulativeExtreme(x: Tensor, dim: number, op: "cummax" | "cummin"): MinMaxResult {
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  const rows = rowsAlong(x, d);
  const idx: number[] = new Array<number>(rows.count * rows.len);
  for (let r = 0; r < rows.count; r++) {
    let best = 0;
    for (let j = 0; j < rows.len; j++) {
      const v = rows.data[r * rows.len + j];
      const b = rows.data[r * rows.len + best];
      if (b === b && (v !== v || (op === "cummax" ? v >= b : v <= b))) best = j;
      idx[r * rows.len + j] = best;
    }
  }
  const moved = x.dim() === 0 ? [1] : x.transpose(d, x.dim() - 1).shape.slice();
  let indices = rows.restore(makeTensor(idx, { dtype: int64 }).reshape(moved));
  if (x.dim() === 0) indices = indices.reshape([]);
  const values = composite(op === "cummax" ? "CummaxBackward0" : "CumminBackward0", [x], (xx) => (xx.dim() === 0 ? xx.clone() : xx.gather(d, indices)));
  return valuesAndIndices(values, indices, op);
}

/** cummax(x, dim) -> (values, indices) of the running maximum (NaN propagates). */
export function cummax(x: Tensor, ...args: PyArgs<[dim: number], { dim?: number }>): MinMaxResult {
  const dim = parseArgs<{ dim?: number }>("cummax", ["dim"], args).dim;
  // x.cummax() (torch.cummax(x) is answered in torch.ts): torch 1.13's argument parser lists the method's overloads
  if (dim === undefined) throw new TypeError_("cummax() received an invalid combination of arguments - got (), but expected one of:\n * (int dim)\n * (name dim)\n");
  return cumulativeExtreme(x, dim, "cummax");
}

export function cummin(x: Tensor, ...args: PyArgs<[dim: number], { dim?: number }>): MinMaxResult {
  const dim = parseArgs<{ dim?: number }>("cummin", ["dim"], args).dim;
  // x.cummin() (torch.cummin(x) is answered in torch.ts): torch 1.13's argument parser lists the method's overloads
  if (dim === undefined) throw new TypeError_("cummin() received an invalid combination of arguments - got (), but expected one of:\n * (int dim)\n * (name dim)\n");
  return cumulativeExtreme(x, dim, "cummin");
}

/** logcumsumexp(x, dim): a running log-add-exp along dim (ops/logcumsumexp.ts), exact whatever the spread. */
export function logcumsumexp(x: Tensor, ...args: PyArgs<[dim: number], { dim?: number }>): Tensor {
  return logcumsumexpOf(x, args, false);
}

/** x.logcumsumexp(dim): the Tensor method, whose missing dim torch's parser reports without the Tensor. */
export function logcumsumexpMethod(x: Tensor, ...args: PyArgs<[dim: number], { dim?: number }>): Tensor {
  return logcumsumexpOf(x, args, true);
}

function logcumsumexpOf(x: Tensor, args: PyArgs<[dim: number], { dim?: number }>, method: boolean): Tensor {
  const dim = parseArgs<{ dim?: number | null }>("logcumsumexp", ["dim"], args).dim;
  if (dim === undefined) {
    // torch 1.13's argument parser: logcumsumexp(x) / x.logcumsumexp() (minGRU's scan written without its dim)
    throw new TypeError_(
      method
        ? "logcumsumexp() received an invalid combination of arguments - got (), but expected one of:\n * (int dim)\n * (name dim)\n"
        : "logcumsumexp() received an invalid combination of arguments - got (Tensor), but expected one of:\n * (Tensor input, int dim, *, Tensor out)\n * (Tensor input, name dim, *, Tensor out)\n",
    );
  }
  if (dim === null) throw new RuntimeError("Please look up dimensions by name, got: name = None.");
  if (!x.dtype.is_floating_point) throw new RuntimeError(`"logcumsumexp_out_cpu" not implemented for '${cppTypeName(x.dtype)}'`);
  if (x.numel() === 0) {
    // an empty input answers an empty result, as torch (the shift's amax below has no element to reduce)
    normalizeDim(dim, x.dim());
    return composite("LogcumsumexpBackward0", [x], (xx) => xx.clone());
  }
  return logcumsumexpAlong(x, normalizeDim(dim, Math.max(x.dim(), 1)));
}

type DiffOptions = { n?: number; dim?: number; prepend?: Tensor | null; append?: Tensor | null };

/** diff(x, n=1, dim=-1, prepend?, append?): n-th forward difference along dim. */
export function diff(x: Tensor, ...args: PyArgs<[n?: number, dim?: number, prepend?: Tensor | null, append?: Tensor | null], DiffOptions>): Tensor {
  const a = parseArgs<DiffOptions>("diff", ["n", "dim", "prepend", "append"], args);
  if (x.dim() === 0) throw new RuntimeError("diff expects input to be at least one-dimensional");
  const n = a.n ?? 1;
  if (n < 0) throw new RuntimeError(`order must be non-negative but got ${n}`);
  const d = normalizeDim(a.dim ?? -1, x.dim());
  let y = x;
  if (a.prepend || a.append) y = cat([...(a.prepend ? [a.prepend] : []), x, ...(a.append ? [a.append] : [])], d);
  for (let i = 0; i < n && y.shape[d] > 0; i++) {
    const len = y.shape[d] - 1;
    const hiPart = y.narrow(d, 1, len);
    const loPart = y.narrow(d, 0, len);
    y = y.dtype === bool ? hiPart.logical_xor(loPart) : hiPart.sub(loPart);
  }
  return y;
}

type HistcOptions = { bins?: number; min?: number; max?: number };

/** histc(x, bins=100, min=0, max=0): counts in equal bins over [min, max] (the data's range when min == max). */
export function histc(x: Tensor, ...args: PyArgs<[bins?: number, min?: number, max?: number], HistcOptions>): Tensor {
  const a = parseArgs<HistcOptions>("histc", ["bins", "min", "max"], args);
  refuseBool(x.dtype, "linspace_cpu"); // torch 1.13's bool histc fails in the linspace of its bin edges
  if (!x.dtype.is_floating_point) throw new RuntimeError(`"histogram_cpu" not implemented for '${cppTypeName(x.dtype)}'`);
  const bins = a.bins ?? 100;
  if (!(bins > 0)) throw new RuntimeError(`torch.histc: bins must be > 0, but got ${bins} for bins`);
  const data = contiguousData(x.detach());
  let lo = a.min ?? 0;
  let hi = a.max ?? 0;
  if (lo === hi && data.length > 0) {
    lo = Infinity;
    hi = -Infinity;
    for (const v of data) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (lo > hi) throw new RuntimeError(`torch.histc: max must be larger than min`);
  const counts = new Array<number>(bins).fill(0);
  for (const v of data) {
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(Math.floor(((v - lo) * bins) / (hi - lo)), bins - 1)]++;
  }
  return makeTensor(counts, { dtype: x.dtype });
}

type HistogramOptions = { bins?: number | Tensor; range?: readonly [number, number] | null; weight?: Tensor | null; density?: boolean };

/** histogram(x, bins=100 | edges, { range, weight, density }) -> [hist, bin_edges]. */
export function histogram(x: Tensor, ...args: PyArgs<[bins?: number | Tensor], HistogramOptions>): [Tensor, Tensor] & { hist: Tensor; bin_edges: Tensor } {
  const a = parseArgs<HistogramOptions>("histogram", ["bins", "range", "weight", "density"], args);
  if (!x.dtype.is_floating_point) throw new RuntimeError(`torch.histogram: input tensor and bins tensors should have the same dtype, but got input ${x.dtype}`);
  const data = contiguousData(x.detach());
  const wd = a.weight ? contiguousData(a.weight.detach()) : null;
  let edges: Tensor;
  const bins = a.bins ?? 100;
  if (bins instanceof Tensor) edges = bins.to(x.dtype);
  else {
    let lo = a.range ? a.range[0] : Infinity;
    let hi = a.range ? a.range[1] : -Infinity;
    if (!a.range) {
      for (const v of data) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      if (data.length === 0) lo = hi = 0;
    }
    if (lo > hi) throw new RuntimeError(`torch.histogram: min should not exceed max, but got min ${lo} max ${hi}`);
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    edges = linspace(lo, hi, bins + 1, { dtype: x.dtype });
  }
  const e = contiguousData(edges);
  const nb = e.length - 1;
  const hist = new Array<number>(nb).fill(0);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= e[0] && v <= e[nb])) continue;
    let lo = 0;
    let hi = nb;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (v >= e[mid]) lo = mid;
      else hi = mid;
    }
    hist[lo] += wd ? wd[i] : 1;
  }
  let h = makeTensor(hist, { dtype: x.dtype });
  if (a.density) {
    const total = hist.reduce((s, v) => s + v, 0);
    h = h.div(makeTensor(Array.from({ length: nb }, (_, i) => (e[i + 1] - e[i]) * total), { dtype: x.dtype }));
  }
  const result = [h, edges] as [Tensor, Tensor] & { hist: Tensor; bin_edges: Tensor };
  result.hist = h;
  result.bin_edges = edges;
  return result;
}

type SearchOptions = { out_int32?: boolean; right?: boolean; side?: "left" | "right" | null; sorter?: Tensor | null };

/** searchsorted(sorted_sequence, values, { out_int32, right, side, sorter }): insertion positions keeping each row sorted. */
export function searchsorted(sorted_sequence: Tensor, values: Tensor | number, ...args: PyArgs<[], SearchOptions>): Tensor {
  const a = parseArgs<SearchOptions>("searchsorted", ["out_int32", "right", "side", "sorter"], args);
  if (a.side && a.right === false && a.side === "right") throw new RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of right while right was False");
  const right = a.side ? a.side === "right" : (a.right ?? false);
  const scalar = !(values instanceof Tensor);
  const v = values instanceof Tensor ? values : makeTensor([values], { dtype: sorted_sequence.dtype });
  const seq = a.sorter ? sorted_sequence.gather(-1, a.sorter) : sorted_sequence;
  if (seq.dim() > 1 && (v.dim() !== seq.dim() || seq.shape.slice(0, -1).join() !== v.shape.slice(0, -1).join())) {
    throw new RuntimeError(`torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${seq.shape.join(", ")}] and input value tensor [${v.shape.join(", ")}]`);
  }
  const s = contiguousData(seq.detach());
  const vd = contiguousData(v.detach());
  const len = seq.shape[seq.dim() - 1] ?? 1;
  const inner = v.dim() === 0 ? 1 : v.shape[v.dim() - 1];
  const out = new Array<number>(vd.length);
  for (let i = 0; i < vd.length; i++) {
    const base = seq.dim() > 1 ? Math.floor(i / inner) * len : 0;
    let lo = 0;
    let hi = len;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = s[base + mid];
      if (right ? !(vd[i] < m) : m < vd[i]) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  const r = makeTensor(out, { dtype: a.out_int32 ? int32 : int64 }).reshape(v.shape.slice());
  return scalar ? r.reshape([]) : r;
}

/** bucketize(input, boundaries, { out_int32, right }): the bucket of each input among 1-D boundaries. */
export function bucketize(input: Tensor | number, boundaries: Tensor, ...args: PyArgs<[], { out_int32?: boolean; right?: boolean }>): Tensor {
  const a = parseArgs<{ out_int32?: boolean; right?: boolean }>("bucketize", ["out_int32", "right"], args);
  if (boundaries.dim() !== 1) throw new RuntimeError(`boundaries tensor must be 1 dimension, but got dim(${boundaries.dim()})`);
  return searchsorted(boundaries, input, { right: a.right ?? false, out_int32: a.out_int32 ?? false });
}

/** isin(elements, test_elements, { assume_unique, invert }) -> bool mask. */
export function isin(elements: Tensor | number, test_elements: Tensor | number, ...args: PyArgs<[], { assume_unique?: boolean; invert?: boolean }>): Tensor {
  const a = parseArgs<{ assume_unique?: boolean; invert?: boolean }>("isin", ["assume_unique", "invert"], args);
  const el = elements instanceof Tensor ? elements : makeTensor([elements]).reshape([]);
  const set = new Set(test_elements instanceof Tensor ? Array.from(contiguousData(test_elements.detach())) : [test_elements]);
  const d = contiguousData(el.detach());
  const out = Array.from(d, (v) => (set.has(v) !== (a.invert ?? false) ? 1 : 0));
  return makeTensor(out, { dtype: bool }).reshape(el.shape.slice());
}

type UniqueConsecutiveOptions = { return_inverse?: boolean; return_counts?: boolean; dim?: number | null };

/** unique_consecutive(x, { return_inverse, return_counts, dim }): collapses runs of equal values (of the flattened x, or of slices along dim). */
export function unique_consecutive(x: Tensor, ...args: PyArgs<[return_inverse?: boolean, return_counts?: boolean, dim?: number | null], UniqueConsecutiveOptions>): Tensor | Tensor[] {
  const a = parseArgs<UniqueConsecutiveOptions>("unique_consecutive", ["return_inverse", "return_counts", "dim"], args);
  const byDim = a.dim !== undefined && a.dim !== null;
  const d = byDim ? normalizeDim(a.dim!, x.dim()) : 0;
  const src = byDim ? x.movedim(d, 0).contiguous() : x.reshape(-1);
  const n = src.shape[0] ?? 0;
  const width = n === 0 ? 0 : src.numel() / n;
  const data = contiguousData(src.detach());
  const keep: number[] = [];
  const inverse: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    let same = i > 0;
    for (let j = 0; same && j < width; j++) if (data[i * width + j] !== data[(i - 1) * width + j]) same = false;
    if (!same) {
      keep.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse.push(keep.length - 1);
  }
  let values = src.index_select(0, makeTensor(keep, { dtype: int64 }));
  if (byDim) values = values.movedim(0, d);
  if (!a.return_inverse && !a.return_counts) return values;
  const out = [values];
  if (a.return_inverse) out.push(makeTensor(inverse, { dtype: int64 }).reshape(byDim ? [n] : x.shape.slice()));
  if (a.return_counts) out.push(makeTensor(counts, { dtype: int64 }));
  return out;
}

type TrapezoidOptions = { x?: Tensor | null; dx?: number | null; dim?: number };

/**
 * trapezoid(y, x?, { dx, dim }) (alias trapz): the trapezoidal rule along dim, in torch 1.13's steps and checks
 * (aten's trapezoid): with x, sum(dx * (y[1:] + y[:-1])) / 2, a 1-D x viewed along dim and needing one value per
 * sample, a lower-dimensional x padded with leading 1s; with a scalar dx, (sum(y) - (y[0] + y[-1]) * 0.5) * dx.
 * The numbers are aten's Scalar overloads, so the graph is torch's (DivBackward1 / MulBackward1 on top); no samples
 * along dim give zeros of y's dtype, as torch (a new tensor, outside the graph; a bool y too).
 */
export function trapezoid(y: Tensor, ...args: PyArgs<[x?: Tensor | null], TrapezoidOptions>): Tensor {
  const a = parseArgs<TrapezoidOptions>("trapezoid", ["x", "dx", "dim"], args);
  const d = normalizeDim(a.dim ?? -1, Math.max(y.dim(), 1));
  const n = y.shape[d];
  if (n === 0) return no_grad(() => y.sum(d).mul(0).to(y.dtype)); // zeros in y's dtype (an int32 / uint8 / bool y keeps it)
  if (a.x) {
    if (y.dtype === bool || a.x.dtype === bool) throw new RuntimeError("trapezoid: received a bool input for `x` or `y`, but bool is not supported");
    let xv = a.x;
    if (xv.dim() === 1) {
      if (xv.shape[0] !== n) throw new RuntimeError("trapezoid: There must be one `x` value for each sample point");
      xv = xv.view(y.shape.map((s, i) => (i === d ? n : 1)));
    } else if (xv.dim() < y.dim()) xv = xv.view([...new Array<number>(y.dim() - xv.dim()).fill(1), ...xv.shape]);
    const m = xv.shape[d];
    const dx = xv.narrow(d, 1, Math.max(m - 1, 0)).sub(xv.narrow(d, 0, Math.max(m - 1, 0)));
    return divScalar(y.narrow(d, 1, n - 1).add(y.narrow(d, 0, n - 1)).mul(dx).sum(d), 2);
  }
  if (y.dtype === bool) throw new RuntimeError("trapezoid: received a bool input for `y`, but bool is not supported");
  return mulScalar(y.sum(d).sub(mulScalar(y.select(d, 0).add(y.select(d, n - 1)), 0.5)), a.dx ?? 1);
}

type CovOptions = { correction?: number; fweights?: Tensor | null; aweights?: Tensor | null };

/**
 * cov(x, { correction=1, fweights, aweights }): rows are variables, columns observations. Written op for op as
 * aten's cov, so the graph is torch 1.13's (SqueezeBackward0 <- DivBackward0 <- MmBackward0) and so is the shape:
 * the result is squeezed (one variable gives a 0-d covariance).
 */
export function cov(x: Tensor, ...args: PyArgs<[], CovOptions>): Tensor {
  const a = parseArgs<CovOptions>("cov", ["correction", "fweights", "aweights"], args);
  if (x.dim() > 2) throw new RuntimeError(`cov(): expected input to have two or fewer dimensions but got an input with ${x.dim()} dimensions`);
  const m = x.dim() < 2 ? x.view(1, -1) : x;
  let xf = m.dtype.is_floating_point ? m : m.to(float32);
  let w: Tensor | null = null;
  if (a.fweights) w = a.fweights;
  if (a.aweights) w = w ? w.mul(a.aweights) : a.aweights;
  const correction = a.correction ?? 1;
  // with no weights, the count of observations as a long tensor (so the divisions below are by a tensor, as torch's)
  const wSum = w ? w.sum() : makeTensor(xf.shape[1], { dtype: int64 });
  const avg = (w ? xf.mul(w) : xf).sum(1).div(wSum);
  let norm = w && a.aweights && correction !== 0 ? wSum.sub(mulScalar(w.mul(a.aweights).sum(), correction).div(wSum)) : wSum.sub(correction);
  // torch warns "cov(): degrees of freedom is <= 0" and zeroes the factor
  if (no_grad(() => norm.le(0).item())) norm = norm.detach().mul(0);
  xf = xf.sub(avg.unsqueeze(1));
  return xf.mm((w ? xf.mul(w) : xf).t()).div(norm).squeeze();
}

/** corrcoef(x): Pearson correlation coefficients of the rows (clipped to [-1, 1]), as aten's corrcoef. */
export function corrcoef(x: Tensor): Tensor {
  const c = cov(x);
  if (c.dim() === 0) return c.div(c);
  const d = c.diag().sqrt();
  return c.div(d.view(-1, 1)).div(d.view(1, -1)).clip(-1, 1);
}

type CdistOptions = { p?: number; compute_mode?: string };

/** cdist(x1, x2, p=2): p-norm distances between the rows of x1 [..., P, M] and of x2 [..., R, M] -> [..., P, R]. */
export function cdist(x1: Tensor, x2: Tensor, ...args: PyArgs<[p?: number, compute_mode?: string], CdistOptions>): Tensor {
  const a = parseArgs<CdistOptions>("cdist", ["p", "compute_mode"], args);
  const p = a.p ?? 2;
  // torch 1.13's order: compute_mode (checked in Python), the dims, the columns, the dtypes, p.
  const modes = ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"];
  if (a.compute_mode !== undefined && !modes.includes(a.compute_mode)) throw new ValueError(`${a.compute_mode} is not a valid value for compute_mode`);
  for (const [name, x] of [["X1", x1], ["X2", x2]] as const) {
    if (x.dim() < 2) throw new RuntimeError(`cdist only supports at least 2D tensors, ${name} got: ${x.dim()}D`);
  }
  if (x1.shape[x1.dim() - 1] !== x2.shape[x2.dim() - 1]) {
    throw new RuntimeError(`X1 and X2 must have the same number of columns. X1: ${x1.shape[x1.dim() - 1]} X2: ${x2.shape[x2.dim() - 1]}`);
  }
  for (const [name, x] of [["X1", x1], ["X2", x2]] as const) {
    if (!x.dtype.is_floating_point) throw new RuntimeError(`cdist only supports floating-point dtypes, ${name} got: ${cppTypeName(x.dtype)}`);
  }
  if (!(p >= 0)) throw new RuntimeError("cdist only supports non-negative p values");
  if (x1.dtype !== x2.dtype) throw new RuntimeError(`expected scalar type ${cppTypeName(x1.dtype)} but found ${cppTypeName(x2.dtype)}`);
  const r1 = x1.shape[x1.dim() - 2], r2 = x2.shape[x2.dim() - 2];
  const mode = a.compute_mode ?? "use_mm_for_euclid_dist_if_necessary";
  // torch 1.13 computes Euclidean distances by a matrix product when asked to, or by default once either side has
  // more than 25 rows: ||a||^2 - 2 a.b + ||b||^2, whose cancellation leaves a point's distance to itself slightly
  // above 0 (what a k-NN or k-means lesson prints), and whose graph is plain ops (a ViewBackward0 result).
  if (p === 2 && x1.numel() > 0 && x2.numel() > 0 && (mode === "use_mm_for_euclid_dist" || (mode === "use_mm_for_euclid_dist_if_necessary" && (r1 > 25 || r2 > 25)))) {
    return euclideanByProduct(x1, x2);
  }
  return composite("CdistBackward0", [x1, x2], (a1, a2) => directDistances(a1, a2, p));
}

/** cdist's direct path: the p-norm of every row difference. */
function directDistances(x1: Tensor, x2: Tensor, p: number): Tensor {
  const delta = x1.unsqueeze(-2).sub(x2.unsqueeze(-3));
  if (p !== Infinity) return delta.norm(p, -1);
  if (delta.shape[delta.dim() - 1] === 0) return delta.abs().sum(-1); // no columns: zeros, as torch
  // p = inf: torch's cdist backward gives every tied largest |difference| the whole gradient (sign(d) where
  // |d| = max), where norm's splits it among the ties. The value is the max; the gradient flows through the mask.
  const abs = delta.abs();
  const max = abs.amax(-1, true).detach();
  const ties = no_grad(() => abs.eq(max));
  return abs.sub(abs.detach()).mul(ties).sum(-1).add(max.squeeze(-1));
}

/** ATen's cdist_impl + _euclidean_dist: batch dims broadcast and flattened, one product, clamp, sqrt, view back. */
function euclideanByProduct(x1: Tensor, x2: Tensor): Tensor {
  const c = x1.shape[x1.dim() - 1];
  const r1 = x1.shape[x1.dim() - 2], r2 = x2.shape[x2.dim() - 2];
  const batch = broadcastShapes(x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  const b = batch.reduce((n, d) => n * d, 1);
  const a = x1.expand([...batch, r1, c]).reshape(b, r1, c);
  const bb = x2.expand([...batch, r2, c]).reshape(b, r2, c);
  const distances = (p: Tensor, q: Tensor): Tensor => {
    const pNorm = p.pow(2).sum(-1, true);
    const qNorm = q.pow(2).sum(-1, true);
    const left = cat([p.mul(-2), pNorm, ones(pNorm.shape, { dtype: p.dtype })], -1);
    const right = cat([q, ones(qNorm.shape, { dtype: q.dtype }), qNorm], -1);
    return left.matmul(right.mT).clamp_min(0).sqrt();
  };
  const res = no_grad(() => distances(a, bb));
  // ATen's _euclidean_dist_backward: grad / distance, 0 where the distance is 0 (a subgradient, not NaN).
  const backward = (g: Tensor): Tensor[] => {
    const ratio = g.div(res).masked_fill(res.eq(0), 0);
    return [a.mul(ratio.sum(-1, true)).sub(ratio.matmul(bb)), bb.mul(ratio.sum(-2).unsqueeze(-1)).sub(ratio.mT.matmul(a))];
  };
  const out = record(res, "EuclideanDistBackward0", [a, bb], backward, [a, bb, res], (g) => differentiateThrough(distances, [a, bb], g));
  return out.view([...batch, r1, r2]);
}

/** dist(a, b, p=2): the p-norm of a - b. */
export function dist(a: Tensor, b: Tensor, ...args: PyArgs<[p?: number], { p?: number }>): Tensor {
  const p = parseArgs<{ p?: number }>("dist", ["p"], args).p ?? 2;
  return composite("DistBackward0", [a, b], (x, y) => x.sub(y).norm(p));
}

