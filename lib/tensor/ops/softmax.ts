/** softmax and log_softmax along a dim: fused, max-shifted (numerically stable) loops. */
import { record } from "../autograd/function";
import { float32 } from "../dtype";
import { normalizeDim, numelOf } from "../shape";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

function layout(x: Tensor, dim: number): [number, number, number] {
  return [numelOf(x.shape.slice(0, dim)), x.dim() === 0 ? 1 : x.shape[dim], numelOf(x.shape.slice(dim + 1))];
}

/** Calls `lane` for every 1-D lane along `dim`, with the lane's first index and its stride. */
function forEachLane(x: Tensor, dim: number, lane: (base: number, stride: number, length: number) => void): void {
  const [outer, r, inner] = layout(x, dim);
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) lane(o * r * inner + j, inner, r);
}

function dimOf(x: Tensor, dim: number | { dim: number }): number {
  return normalizeDim(typeof dim === "number" ? dim : dim.dim, x.dim());
}

function forward(x: Tensor, d: number, log: boolean): Tensor {
  const src = x.dtype.is_floating_point ? x : x.to(float32);
  const xd = contiguousData(src);
  const out = empty(x.shape, src.dtype);
  const od = out._data;
  forEachLane(x, d, (base, inner, r) => {
    let m = -Infinity;
    for (let k = 0; k < r; k++) { const v = xd[base + k * inner]; if (v > m || v !== v) m = v; }
    if (m === -Infinity) m = 0; // all -inf: avoid (-inf) - (-inf)
    let s = 0;
    if (log) {
      for (let k = 0; k < r; k++) s += Math.exp(xd[base + k * inner] - m);
      const lse = m + Math.log(s);
      for (let k = 0; k < r; k++) od[base + k * inner] = xd[base + k * inner] - lse;
    } else {
      for (let k = 0; k < r; k++) { const e = Math.exp(xd[base + k * inner] - m); od[base + k * inner] = e; s += e; }
      const inv = 1 / s;
      for (let k = 0; k < r; k++) od[base + k * inner] *= inv;
    }
  });
  return out;
}

/**
 * softmax and log_softmax share everything but the lane formula of their backward:
 *   softmax:     dx = y * (g - sum(g * y))
 *   log_softmax: dx = g - exp(y) * sum(g)
 */
function softmaxOp(x: Tensor, dim: number | { dim: number }, log: boolean): Tensor {
  const d = dimOf(x, dim);
  const out = forward(x, d, log);
  return record(
    out, log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", [x],
    (g) => {
      const gd = contiguousData(g);
      const yd = out._data;
      const res = empty(x.shape, g.dtype);
      const rd = res._data;
      forEachLane(x, d, (base, inner, r) => {
        let s = 0;
        if (log) {
          for (let k = 0; k < r; k++) s += gd[base + k * inner];
          for (let k = 0; k < r; k++) rd[base + k * inner] = gd[base + k * inner] - Math.exp(yd[base + k * inner]) * s;
        } else {
          for (let k = 0; k < r; k++) s += gd[base + k * inner] * yd[base + k * inner];
          for (let k = 0; k < r; k++) rd[base + k * inner] = yd[base + k * inner] * (gd[base + k * inner] - s);
        }
      });
      return [res];
    },
    [out],
    // create_graph: softmax dx = y (g - sum(g y)), log_softmax dx = g - e^y sum(g), in recorded ops.
    (g) => [log ? g.sub(out.exp().mul(g.sum(d, true))) : out.mul(g.sub(g.mul(out).sum(d, true)))],
  );
}

export function softmax(x: Tensor, dim: number | { dim: number }): Tensor {
  return softmaxOp(x, dim, false);
}

export function log_softmax(x: Tensor, dim: number | { dim: number }): Tensor {
  return softmaxOp(x, dim, true);
}
