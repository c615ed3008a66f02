/**
 * logcumsumexp along one dim as torch 1.13 computes it: a running log-add-exp (aten's log_add_exp_helper), so each
 * prefix is exact whatever the spread of the values. Shifting the whole line by its maximum, as a log(cumsum(exp(x -
 * max))) does, underflows every prefix that lies far below the maximum to log(0) = -inf and its gradient to NaN:
 * minGRU / minLSTM's log-space scan (Feng et al. 2024), whose log values grow along the sequence, met exactly that.
 *
 * The backward is torch's (logcumsumexp_backward, after TensorFlow's cumulative_logsumexp gradient), written with
 * recorded ops (this op among them) so that it differentiates again: the positive and negative parts of the
 * incoming gradient go through a reversed logcumsumexp in log space, never exp(x) / exp(result) directly.
 */
import { record } from "../autograd/function";
import type { Tensor } from "../tensor";
import { numelOf } from "../shape";
import { finfo } from "./dtype_info";
import { where } from "./where";
import { contiguousData, empty } from "./util";

/** log(exp(x) + exp(y)) as aten's log_add_exp_helper: NaN spreads; two equal infinities stay that infinity. */
function logAddExp(x: number, y: number): number {
  const lo = Number.isNaN(y) ? y : Math.min(x, y);
  const hi = Number.isNaN(y) ? y : Math.max(x, y);
  if (lo !== hi || Number.isFinite(lo)) return Math.log1p(Math.exp(lo - hi)) + hi;
  return x;
}

/** The forward on a contiguous copy, line by line along dim (dim already normalised, x at least 1-d). */
function logcumsumexpRaw(x: Tensor, dim: number): Tensor {
  const xd = contiguousData(x);
  const out = empty(x.shape, x.dtype);
  const od = out._data;
  const outer = numelOf(x.shape.slice(0, dim));
  const inner = numelOf(x.shape.slice(dim + 1));
  const len = x.shape[dim];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * len * inner + j;
      let acc = -Infinity;
      for (let k = 0; k < len; k++) {
        acc = logAddExp(acc, xd[base + k * inner]);
        od[base + k * inner] = acc;
      }
    }
  }
  return out;
}

/**
 * logcumsumexp(x, dim) for a floating, non-empty x and a dim valid for it (the caller parses and checks the arguments
 * and names their errors). A 0-d x answers itself, as torch.
 */
export function logcumsumexpAlong(x: Tensor, dim: number): Tensor {
  const src = x.dim() === 0 ? x.reshape([1]) : x.detach();
  const d = dim < 0 ? dim + src.dim() : dim;
  let out = logcumsumexpRaw(src, d);
  if (x.dim() === 0) out = out.reshape([]);
  return record(out, "LogcumsumexpBackward0", [x], (g) => [logcumsumexpBackward(g, x, out, x.dim() === 0 ? 0 : d)], [x, out], true);
}

/** torch's logcumsumexp_backward for a real gradient: exp(self + revLCSE(log|g±| - result)), positive minus negative part. */
function logcumsumexpBackward(grad: Tensor, self: Tensor, result: Tensor, dim: number): Tensor {
  if (self.dim() === 0) return grad;
  // numeric_limits<scalar_t>::lowest(): finite, so that lowest - result never makes the NaN -inf - (-inf) would
  const lowest = finfo(grad.dtype).min;
  const reverse = (t: Tensor): Tensor => logcumsumexpAlong(t.flip(dim), dim).flip(dim);
  const logAbsGrad = grad.abs().log();
  const logPositive = where(grad.gt(0), logAbsGrad, lowest);
  const logNegative = where(grad.lt(0), logAbsGrad, lowest);
  const outPos = reverse(logPositive.sub(result)).add(self).exp();
  const outNeg = reverse(logNegative.sub(result)).add(self).exp();
  return outPos.sub(outNeg);
}
