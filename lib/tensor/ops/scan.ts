/**
 * Scans along one dim: cumprod (cumsum lives with the sums in ./reduce). The backward of
 * cumprod is exact with zeros in the input: dividing by x would give 0/0 there, so the first
 * zero of each row gets its own prefix/suffix pass, as PyTorch's cumprod_backward does.
 */
import { record } from "../autograd/function";
import { refuseBool, int64, wrapsAround, wrapValue, type DType } from "../dtype";
import { normalizeDim, numelOf } from "../shape";
import type { Tensor } from "../tensor";
import { castToRequested } from "./reduce";
import { contiguousData, empty } from "./util";

/** Walks each line along `dim` of a contiguous tensor of `shape`: visit(base, stride, len). */
function forEachLine(shape: readonly number[], dim: number, visit: (base: number, stride: number, len: number) => void): void {
  const outer = numelOf(shape.slice(0, dim));
  const inner = numelOf(shape.slice(dim + 1));
  const len = shape[dim];
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) visit(o * len * inner + j, inner, len);
}

function cumprodRaw(x: Tensor, dim: number, dtype: DType): Tensor {
  const xd = contiguousData(x);
  const out = empty(x.shape, dtype);
  const od = out._data;
  // cumprod(dtype=torch.int8 / int16 / int32 / uint8) keeps each product's low bits, as integer arithmetic does
  const wraps = wrapsAround(dtype);
  forEachLine(x.shape, dim, (base, stride, len) => {
    let acc = 1;
    for (let k = 0; k < len; k++) {
      acc = wraps ? wrapValue(dtype, Math.imul(acc, wrapValue(dtype, xd[base + k * stride]))) : acc * xd[base + k * stride];
      od[base + k * stride] = acc;
    }
  });
  return out;
}

/** d/dx of sum_k g_k * prod_{i<=k} x_i, exact when some x_i are zero. */
function cumprodGrad(x: Tensor, out: Tensor, g: Tensor, dim: number): Tensor {
  const xd = contiguousData(x);
  const od = contiguousData(out);
  const gd = contiguousData(g);
  const res = empty(x.shape, g.dtype);
  const rd = res._data;
  forEachLine(x.shape, dim, (base, stride, len) => {
    const at = (k: number): number => base + k * stride;
    let firstZero = len;
    for (let k = 0; k < len; k++) {
      if (xd[at(k)] === 0) {
        firstZero = k;
        break;
      }
    }
    // Before the first zero: grad_j = (sum_{k>=j} g_k out_k) / x_j (the terms past the zero are 0).
    let tail = 0;
    for (let k = len - 1; k >= 0; k--) {
      tail += gd[at(k)] * od[at(k)];
      if (k < firstZero) rd[at(k)] = tail / xd[at(k)];
    }
    if (firstZero === len) return;
    // At the first zero z: grad_z = sum_{k>=z} g_k * prod_{i<z} x_i * prod_{z<i<=k} x_i; later entries get 0.
    const prefix = firstZero > 0 ? od[at(firstZero - 1)] : 1;
    let running = prefix;
    let sum = 0;
    for (let k = firstZero; k < len; k++) {
      if (k > firstZero) running *= xd[at(k)];
      sum += gd[at(k)] * running;
    }
    rd[at(firstZero)] = sum;
  });
  return res;
}

/** Cumulative product along dim; integer and bool inputs give long, like PyTorch (dtype=: the input is cast to it first). */
export function cumprod(input: Tensor, dim: number, dtype?: DType): Tensor {
  refuseBool(dtype, "cumprod_out_cpu"); // torch 1.13 has no bool scan
  const x = castToRequested(input, dtype);
  const src = x.dim() === 0 ? x.reshape([1]) : x;
  const d = normalizeDim(dim, src.dim());
  const dt = dtype ?? (x.dtype.is_floating_point ? x.dtype : int64);
  const out = cumprodRaw(src, d, dt);
  const res = x.dim() === 0 ? new (out.constructor as typeof Tensor)(out._data, [], dt) : out;
  return record(
    res, "CumprodBackward0", [x],
    (g) => [cumprodGrad(src, out, g.reshape(src.shape.slice()), d).reshape(x.shape.slice())],
    [x, res],
  );
}
