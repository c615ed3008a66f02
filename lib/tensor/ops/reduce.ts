/** Sum-like reductions: sum, mean, prod (all elements or given dims, with keepdim) and cumsum. */
import { differentiateThrough, record } from "../autograd/function";
import { bool, refuseBool, cppTypeName, int64, isDType, wrapInto, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { ReduceOp } from "../kernels/reduce";
import { kernels } from "../kernels/registry";
import { normalizeDim, numelOf } from "../shape";
import type { DimArg, ReduceOptions, Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

export interface ParsedReduce {
  /** Sorted unique dims, or null for "all elements". */
  dims: number[] | null;
  keepdim: boolean;
  dtype?: DType;
}

const REDUCE_KEYS = ["dim", "keepdim", "dtype", "axis", "keepdims"];

/**
 * Accepts (dim, keepdim), (dim, { keepdim }), ({ dim, keepdim }) and (null / undefined), and
 * NumPy's names PyTorch also takes (`x.sum(axis=1, keepdims=True)`). An unknown keyword is a
 * TypeError: `x.sum({ dimm: 1 })` must not quietly sum everything.
 */
export function parseReduceArgs(x: Tensor, a?: DimArg | ReduceOptions | null, b?: boolean | ReduceOptions, c?: ReduceOptions, op = "reduction"): ParsedReduce {
  let dim: DimArg | null | undefined;
  let keepdim = false;
  let dtype: DType | undefined;
  const takeOpts = (o: ReduceOptions | undefined): void => {
    if (!o) return;
    if (isDType(o)) throw keywordOnlyDtype(op);
    for (const k of Object.keys(o)) {
      if (!REDUCE_KEYS.includes(k)) throw new TypeError_(`${op}() got an unexpected keyword argument '${k}' (accepted: dim, keepdim, dtype)`);
    }
    const aliased = o as ReduceOptions & { axis?: DimArg; keepdims?: boolean };
    for (const [name, alias] of [["dim", "axis"], ["keepdim", "keepdims"]] as const) {
      if (name in aliased && alias in aliased) {
        throw new TypeError_(`${op}() received an invalid combination of arguments - got both '${name}' and its NumPy alias '${alias}'`);
      }
    }
    if (aliased.dim !== undefined) dim = aliased.dim;
    else if (aliased.axis !== undefined) dim = aliased.axis;
    if (aliased.keepdim !== undefined) keepdim = aliased.keepdim;
    else if (aliased.keepdims !== undefined) keepdim = aliased.keepdims;
    if (aliased.dtype !== undefined) dtype = aliased.dtype;
  };
  if (a !== null && typeof a === "object" && !Array.isArray(a)) takeOpts(a as ReduceOptions);
  else dim = a as DimArg | null | undefined;
  if (typeof b === "boolean") keepdim = b;
  else takeOpts(b);
  takeOpts(c);
  if (dim === null || dim === undefined) return { dims: null, keepdim, dtype };
  const list = typeof dim === "number" ? [dim] : dim;
  const normalized = list.map((d) => normalizeDim(d, x.dim()));
  // torch 1.13's dim_list_to_bitset: a dim named twice (1 and -2 of a 3-D tensor alike) is refused
  const twice = normalized.find((d, i) => normalized.indexOf(d) !== i);
  if (twice !== undefined) throw new RuntimeError(`dim ${twice} appears multiple times in the list of dims`);
  const dims = normalized.slice().sort((p, q) => p - q);
  return { dims: dims.length === 0 ? null : dims, keepdim, dtype };
}

/** torch 1.13's TypeError for a dtype passed positionally to sum / prod / mean / cumsum (dtype is keyword-only there). */
export function keywordOnlyDtype(op: string): TypeError_ {
  return new TypeError_(`${op}() received an invalid combination of arguments: dtype is keyword-only (pass it as { dtype })`);
}

export function reducedShape(shape: readonly number[], dims: readonly number[] | null, keepdim: boolean): number[] {
  if (!dims) return keepdim ? shape.map(() => 1) : [];
  const out: number[] = [];
  shape.forEach((s, i) => {
    if (!dims.includes(i)) out.push(s);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Raw reduction (no autograd) of `op` over one dim of x, keeping that dim as size 1. */
export function reduceOneDim(x: Tensor, dim: number, op: number, dtype: DType): Tensor {
  const xd = contiguousData(x);
  const outer = numelOf(x.shape.slice(0, dim));
  const inner = numelOf(x.shape.slice(dim + 1));
  const shape = x.shape.slice();
  shape[dim] = 1;
  const out = empty(shape, dtype);
  kernels.reduce(op, xd, outer, x.shape[dim], inner, out._data, null);
  return out;
}

/** Raw sum (no autograd). */
export function sumRaw(x: Tensor, dims: number[] | null, keepdim: boolean, dtype: DType): Tensor {
  if (!dims) {
    const out = empty(keepdim ? x.shape.map(() => 1) : [], dtype);
    const xd = contiguousData(x);
    out._data[0] = kernels.sumAll(xd.length, xd);
    return out;
  }
  let cur = x;
  for (let i = dims.length - 1; i >= 0; i--) cur = reduceOneDim(cur, dims[i], ReduceOp.sum, dtype);
  if (!keepdim) cur = new (cur.constructor as typeof Tensor)(cur._data, reducedShape(x.shape, dims, false), dtype);
  return cur;
}

function sumDtype(x: Tensor, requested?: DType): DType {
  return requested ?? (x.dtype.is_floating_point ? x.dtype : int64);
}

/**
 * The input of a reduction or scan given dtype=: torch 1.13 casts the input to dtype before the op
 * (torch.sum(torch.tensor([1.5, 2.5, 0.7]), dtype=torch.int64) is 1 + 2 + 0 = 3), and the gradient
 * flows back through the cast (a recorded to(), so x.grad keeps x's dtype).
 */
export function castToRequested(x: Tensor, dtype: DType | null | undefined): Tensor {
  return dtype && dtype !== x.dtype ? x.to(dtype) : x;
}

/** A bool result of summing (sum with dtype=torch.bool) holds 0 / 1, as torch's bool. */
function boolInto(dtype: DType, d: Float32Array | Float64Array): void {
  if (dtype !== bool) return;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) d[i] = 1;
}

/** Gradient of a sum: g broadcast back over the reduced dims. */
function expandBack(g: Tensor, x: Tensor, dims: number[] | null, keepdim: boolean): Tensor {
  const keepShape = reducedShape(x.shape, dims, true);
  const gk = keepdim ? g : g.reshape(keepShape);
  return gk.expand(x.shape.slice());
}

export function sum(input: Tensor, a?: DimArg | ReduceOptions | null, b?: boolean | ReduceOptions, c?: ReduceOptions): Tensor {
  const { dims, keepdim, dtype } = parseReduceArgs(input, a, b, c, "sum");
  const x = castToRequested(input, dtype);
  const out = sumRaw(x, dims, keepdim, sumDtype(x, dtype));
  wrapInto(out.dtype, out._data); // sum(dtype=torch.uint8 / int8 / ...) keeps the low bits
  boolInto(out.dtype, out._data);
  return record(out, dims ? "SumBackward1" : "SumBackward0", [x], (g) => [expandBack(g, x, dims, keepdim)], [], true);
}

export function mean(input: Tensor, a?: DimArg | ReduceOptions | null, b?: boolean | ReduceOptions, c?: ReduceOptions): Tensor {
  const { dims, keepdim, dtype } = parseReduceArgs(input, a, b, c, "mean");
  const dt = dtype ?? input.dtype;
  if (!dt.is_floating_point) {
    throw new RuntimeError(
      `mean(): could not infer output dtype. ${dtype ? "Optional" : "Input"} dtype must be either a floating point or complex dtype. Got: ${cppTypeName(dt)}` +
        (dtype ? "" : " (convert first with .float())"),
    );
  }
  const x = castToRequested(input, dtype);
  const count = dims ? dims.reduce((n, d) => n * x.shape[d], 1) : x.numel();
  const out = sumRaw(x, dims, keepdim, dt);
  const od = out._data;
  for (let i = 0; i < od.length; i++) od[i] /= count;
  return record(out, dims ? "MeanBackward1" : "MeanBackward0", [x], (g) => [expandBack(g.div(count), x, dims, keepdim)], [], true);
}

/** Product over all elements or one dim. Backward uses prefix/suffix products, so zeros are exact. */
export function prod(input: Tensor, a?: number | ReduceOptions | null, b?: boolean | ReduceOptions, c?: ReduceOptions): Tensor {
  const { dims, keepdim, dtype } = parseReduceArgs(input, a as DimArg, b, c, "prod");
  if (dims && dims.length > 1) throw new RuntimeError("prod(): only one dim is supported");
  const x = castToRequested(input, dtype);
  const dt = dtype ?? (x.dtype.is_floating_point ? x.dtype : int64);
  const flat = dims ? x : x.reshape([-1]);
  const dim = dims ? dims[0] : 0;
  const reduced = reduceOneDim(flat, dim, ReduceOp.prod, dt);
  wrapInto(dt, reduced._data); // prod(dtype=torch.int8) keeps the low bits
  const out = reduced.reshape(reducedShape(x.shape, dims, keepdim));
  return record(
    out, dims ? "ProdBackward1" : "ProdBackward0", [x],
    (g) => {
      const xd = contiguousData(flat);
      const outer = numelOf(flat.shape.slice(0, dim));
      const r = flat.shape[dim];
      const inner = numelOf(flat.shape.slice(dim + 1));
      const gk = contiguousData(expandBack(g, x, dims, keepdim).reshape(flat.shape.slice()).contiguous());
      const res = empty(flat.shape, g.dtype);
      const rd = res._data;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < inner; j++) {
          const base = o * r * inner + j;
          // rd[k] = prod_{i<k} x_i * prod_{i>k} x_i
          let prefix = 1;
          for (let k = 0; k < r; k++) {
            rd[base + k * inner] = prefix;
            prefix *= xd[base + k * inner];
          }
          let suffix = 1;
          for (let k = r - 1; k >= 0; k--) {
            rd[base + k * inner] *= suffix * gk[base + k * inner];
            suffix *= xd[base + k * inner];
          }
        }
      }
      return [res.reshape(x.shape.slice())];
    },
    [x],
    (g) => [prodGradRecorded(x, g, dims, keepdim)],
  );
}

/**
 * prod's gradient in recorded ops, for create_graph (the Autodiff Puzzles' Hessian of a product): torch's
 * g * prod(x) / x when x has no zero; with a zero, the product written as a chain of multiplications along the
 * dim is differentiated instead, which stays exact at the zeros (a division would give 0 / 0).
 */
function prodGradRecorded(x: Tensor, g: Tensor, dims: number[] | null, keepdim: boolean): Tensor {
  const xd = contiguousData(x);
  let hasZero = false;
  for (let i = 0; i < xd.length && !hasZero; i++) hasZero = xd[i] === 0;
  if (!hasZero) {
    const out = dims ? prod(x, dims[0], keepdim) : prod(x);
    return expandBack(g, x, dims, keepdim).mul(expandBack(out, x, dims, keepdim)).div(x);
  }
  const chain = (t: Tensor): Tensor => {
    const lines = (dims ? t : t.reshape([-1])).unbind(dims ? dims[0] : 0);
    let p = lines[0];
    for (let i = 1; i < lines.length; i++) p = p.mul(lines[i]);
    return dims ? (keepdim ? p.unsqueeze(dims[0]) : p) : p.reshape([]);
  };
  return differentiateThrough(chain, [x], g)[0]!;
}

function cumsumRaw(x: Tensor, dim: number, reverse: boolean, dtype: DType = x.dtype.is_floating_point ? x.dtype : int64): Tensor {
  const xd = contiguousData(x);
  const outer = numelOf(x.shape.slice(0, dim));
  const r = x.shape[dim];
  const inner = numelOf(x.shape.slice(dim + 1));
  const out = empty(x.shape, dtype);
  const od = out._data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * r * inner + j;
      let acc = 0;
      for (let kk = 0; kk < r; kk++) {
        const k = reverse ? r - 1 - kk : kk;
        acc += xd[base + k * inner];
        od[base + k * inner] = acc;
      }
    }
  }
  return out;
}

/** cumsum(x, dim, dtype?): integer and bool inputs give long unless dtype says otherwise (the input is cast to it first). */
export function cumsum(input: Tensor, dim: number, dtype?: DType | null): Tensor {
  refuseBool(dtype, "cumsum_out_cpu"); // torch 1.13 has no bool scan
  const x = castToRequested(input, dtype);
  const d = normalizeDim(dim, x.dim());
  const src = x.dim() === 0 ? x.reshape([1]) : x;
  const raw = cumsumRaw(src, d, false, dtype ?? undefined);
  wrapInto(raw.dtype, raw._data); // cumsum(dtype=torch.uint8): 200 + 100 is 44, as torch's
  const out = raw.reshape(x.shape.slice());
  return record(
    out, "CumsumBackward0", [x],
    (g) => [cumsumRaw(g.reshape(src.shape.slice()), d, true).reshape(x.shape.slice())],
    [],
    // create_graph: the reversed cumulative sum as sum(g) - cumsum(g) + g, in recorded ops.
    (g) => {
      const gs = g.reshape(src.shape.slice());
      return [gs.sum(d, true).sub(cumsum(gs, d)).add(gs).reshape(x.shape.slice())];
    },
  );
}

