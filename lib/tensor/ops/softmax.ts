/** softmax and log_softmax along a dim: fused, max-shifted (numerically stable) loops. */
import { checkKeywordsAliased, isOptions, parseArgs } from "../args";
import { record } from "../autograd/function";
import { cppTypeName, type DType, type Storage } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { kernels } from "../kernels/registry";
import { normalizeDim, numelOf } from "../shape";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

function layout(x: Tensor, dim: number): [number, number, number] {
  return [numelOf(x.shape.slice(0, dim)), x.dim() === 0 ? 1 : x.shape[dim], numelOf(x.shape.slice(dim + 1))];
}

/** dim positionally or by keyword, dim= or NumPy's axis= (torch 1.13's alias). */
type SoftmaxDim = number | { dim: number; dtype?: DType | null } | { axis: number; dtype?: DType | null };

function dimOf(x: Tensor, dim: SoftmaxDim): number {
  // (a dtype in the options object was taken by castFor)
  if (typeof dim === "object") dim = checkKeywordsAliased("softmax", dim, ["dim", "dtype"]);
  return normalizeDim(typeof dim === "number" ? dim : (dim as { dim: number }).dim, x.dim());
}

function forward(x: Tensor, d: number, log: boolean): Tensor {
  const xd = contiguousData(x); // floating (softmaxOp raised for the others)
  const out = empty(x.shape, x.dtype);
  const od = out._data;
  const [outer, r, inner] = layout(x, d);
  if (inner === 1 && !log && od instanceof Float32Array && r > 0) {
    lastDimSoftmax32(xd, od, outer, r);
    return out;
  }
  // Plain nested loops (no per-lane callback): this runs once per attention score row.
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * r * inner + j;
      const end = base + r * inner;
      let m = -Infinity;
      for (let k = base; k < end; k += inner) { const v = xd[k]; if (v > m || v !== v) m = v; }
      if (m === -Infinity) m = 0; // all -inf: avoid (-inf) - (-inf)
      let s = 0;
      if (log) {
        for (let k = base; k < end; k += inner) s += Math.exp(xd[k] - m);
        const lse = m + Math.log(s);
        for (let k = base; k < end; k += inner) od[k] = xd[k] - lse;
      } else {
        for (let k = base; k < end; k += inner) { const e = Math.exp(xd[k] - m); od[k] = e; s += e; }
        const inv = 1 / s;
        for (let k = base; k < end; k += inner) od[k] *= inv;
      }
    }
  }
  return out;
}

/**
 * softmax over contiguous float32 rows: x - rowmax written out, one call of the exp kernel over
 * the whole buffer (WebAssembly SIMD where available: the exp was most of a softmax's time),
 * then each row scaled by 1 / its sum.
 */
function lastDimSoftmax32(xd: Storage, od: Float32Array, rows: number, r: number): void {
  for (let base = 0; base < rows * r; base += r) {
    let m = -Infinity;
    for (let k = base; k < base + r; k++) { const v = xd[k]; if (v > m || v !== v) m = v; }
    if (m === -Infinity) m = 0; // all -inf: avoid (-inf) - (-inf)
    for (let k = base; k < base + r; k++) od[k] = xd[k] - m;
  }
  kernels.unary.exp(rows * r, od, od, 0, 0);
  for (let base = 0; base < rows * r; base += r) {
    const inv = Math.fround(1 / rowSum32(od, base, r));
    for (let k = base; k < base + r; k++) od[k] *= inv; // a float32 product, rounded once
  }
}

/**
 * A float32 row's sum as torch 1.13's CPU softmax takes it (vec::reduce_all over AVX2's 8-float vectors, each
 * addition rounded to float32): 8 lane sums over the row's full vectors, the tail added into the first lanes,
 * then the lanes folded as the shuffles do (i + i+4, then 0+2 / 1+3, then the two); a row shorter than a vector
 * summed left to right. torch then scales by the float32 reciprocal of this sum. Summed in float64 instead, the
 * scale differs in the last bit for some rows: a batch's F.softmax(preds, dim=1).sum(dim=1) printed tensor([1., ...])
 * where torch prints tensor([1.0000, ...]) (deeplizard's batch prediction cell).
 */
function rowSum32(od: Float32Array, base: number, r: number): number {
  const f = Math.fround;
  if (r < 8) {
    let s = 0;
    for (let k = base; k < base + r; k++) s = f(s + od[k]);
    return s;
  }
  let a0 = od[base], a1 = od[base + 1], a2 = od[base + 2], a3 = od[base + 3], a4 = od[base + 4], a5 = od[base + 5], a6 = od[base + 6], a7 = od[base + 7];
  const full = r - (r % 8);
  let d = 8;
  for (; d < full; d += 8) {
    const k = base + d;
    a0 = f(a0 + od[k]); a1 = f(a1 + od[k + 1]); a2 = f(a2 + od[k + 2]); a3 = f(a3 + od[k + 3]);
    a4 = f(a4 + od[k + 4]); a5 = f(a5 + od[k + 5]); a6 = f(a6 + od[k + 6]); a7 = f(a7 + od[k + 7]);
  }
  const rem = r - d, t = base + d; // the tail, into the first lanes (no allocation: softmax runs per row)
  if (rem > 0) a0 = f(a0 + od[t]);
  if (rem > 1) a1 = f(a1 + od[t + 1]);
  if (rem > 2) a2 = f(a2 + od[t + 2]);
  if (rem > 3) a3 = f(a3 + od[t + 3]);
  if (rem > 4) a4 = f(a4 + od[t + 4]);
  if (rem > 5) a5 = f(a5 + od[t + 5]);
  if (rem > 6) a6 = f(a6 + od[t + 6]);
  const b0 = f(a0 + a4), b1 = f(a1 + a5), b2 = f(a2 + a6), b3 = f(a3 + a7);
  return f(f(b0 + b2) + f(b1 + b3));
}

/** The lane formulas of the backward, over contiguous g and y: see softmaxOp. */
function backward(g: Storage, y: Storage, res: Storage, [outer, r, inner]: [number, number, number], log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * r * inner + j;
      const end = base + r * inner;
      let s = 0;
      if (log) {
        for (let k = base; k < end; k += inner) s += g[k];
        for (let k = base; k < end; k += inner) res[k] = g[k] - Math.exp(y[k]) * s;
      } else {
        for (let k = base; k < end; k += inner) s += g[k] * y[k];
        for (let k = base; k < end; k += inner) res[k] = y[k] * (g[k] - s);
      }
    }
  }
}

/**
 * softmax and log_softmax share everything but the lane formula of their backward:
 *   softmax:     dx = y * (g - sum(g * y))
 *   log_softmax: dx = g - exp(y) * sum(g)
 */
function softmaxOp(x: Tensor, dim: SoftmaxDim, log: boolean): Tensor {
  const d = dimOf(x, dim);
  // torch 1.13 has no integer or bool softmax kernel: an int64 / int32 / ... / bool input raises, with or without
  // dtype=torch.long (softmax(x, dim, dtype=torch.float32) casts first). Its kernel off the last dim is named
  // "softmax_kernel_impl" for log_softmax too.
  if (!x.dtype.is_floating_point) {
    throw new RuntimeError(`"${d === x.dim() - 1 || x.dim() === 0 ? `${log ? "log_" : ""}softmax_lastdim` : "softmax"}_kernel_impl" not implemented for '${cppTypeName(x.dtype)}'`);
  }
  const out = forward(x, d, log);
  return record(
    out, log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", [x],
    (g) => {
      const res = empty(x.shape, g.dtype);
      backward(contiguousData(g), out._data, res._data, layout(x, d), log);
      return [res];
    },
    [out],
    // create_graph: softmax dx = y (g - sum(g y)), log_softmax dx = g - e^y sum(g), in recorded ops.
    (g) => [log ? g.sub(out.exp().mul(g.sum(d, true))) : out.mul(g.sub(g.mul(out).sum(d, true)))],
  );
}

/**
 * torch's TypeError for softmax / log_softmax called without a dim (torch.softmax(x), x.softmax(), 12_1's learner
 * normalising columns): the argument parser's text, for the function (`method` false) or the Tensor method.
 */
export function checkDimGiven(fn: string, dim: unknown, extra: readonly unknown[], method: boolean): void {
  const opts = isOptions(dim) ? (dim as Record<string, unknown>) : null;
  if ((opts ? (opts.dim ?? opts.axis) : dim) !== undefined || (!opts && extra.length > 0)) return;
  const keywords = opts ? Object.keys(opts).filter((k) => opts[k] !== undefined).map((k) => `${k}=${k === "dtype" ? "torch.dtype" : typeof opts[k] === "number" ? "int" : "object"}`) : [];
  const got = [...(method ? [] : ["Tensor"]), ...keywords].join(", ");
  const expected = method
    ? "\n * (int dim, torch.dtype dtype)\n * (name dim, *, torch.dtype dtype)\n"
    : "\n * (Tensor input, int dim, torch.dtype dtype, *, Tensor out)\n * (Tensor input, name dim, *, torch.dtype dtype)\n";
  throw new TypeError_(`${fn}() received an invalid combination of arguments - got (${got}), but expected one of:${expected}`);
}

export function softmax(x: Tensor, dim: SoftmaxDim, ...extra: unknown[]): Tensor {
  checkDimGiven("softmax", dim, extra, false);
  const c = castFor("softmax", x, dim, extra);
  return softmaxOp(c.x, dim, false);
}

export function log_softmax(x: Tensor, dim: SoftmaxDim, ...extra: unknown[]): Tensor {
  checkDimGiven("log_softmax", dim, extra, false);
  const c = castFor("log_softmax", x, dim, extra);
  return softmaxOp(c.x, dim, true);
}

/**
 * torch.softmax(input, dim, dtype=None) and Tensor.softmax(dim, dtype=None), dtype positional or by keyword
 * (softmax(x, 0, { dtype }), softmax(x, { dim: 0, dtype })): the input is cast to dtype first, the gradient
 * flowing back through the cast. Anything else after dim (a keyword other than dtype, a second positional)
 * raises instead of being dropped.
 */
function castFor(fn: string, x: Tensor, dim: unknown, extra: readonly unknown[]): { x: Tensor } {
  if (isOptions(dim) && extra.length > 0) throw new TypeError_(`${fn}() got arguments after its options object`);
  const a = isOptions(dim) ? parseArgs<{ dim: number; dtype: DType | null }>(fn, ["dim", "dtype"], [dim, ...extra]) : extra.length > 0 ? parseArgs<{ dtype: DType | null }>(fn, ["dtype"], extra) : {};
  return { x: a.dtype && a.dtype !== x.dtype ? x.to(a.dtype) : x };
}
