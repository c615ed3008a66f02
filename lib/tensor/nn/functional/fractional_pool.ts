/**
 * F.fractional_max_pool2d / 3d (and their _with_indices forms), PyTorch 1.13 (Graham's
 * fractional max-pooling). Each plane has one random sample u in [0, 1) per pooled dim; the
 * window starts along a dim of input size In, output size Out and kernel K are ATen's
 *   alpha = (In - K) / (Out - 1);  start[i] = int((i + u) * alpha) - int(u * alpha),  start[Out-1] = In - K
 * computed in the input's dtype (float32 rounding for float32 input, as the C++ template does).
 * Samples come from `_random_samples` ([N, C, 2] or [N, C, 3]) or are drawn as PyTorch draws
 * them: torch.rand(N, C, 2 or 3, dtype=input.dtype) from the global generator. The argmax of
 * each window is a plain scan (first maximum wins, NaN propagates), stored as a flat index into
 * the plane; values are gathered with it so autograd routes gradients as PyTorch's backward.
 */
import { parseArgs, type PyArgs } from "../../args";
import { float32, int64 } from "../../dtype";
import { RuntimeError, ValueError } from "../../errors";
import { from_array, rand } from "../../ops/creation";
import { contiguousData } from "../../ops/util";
import type { Tensor } from "../../tensor";

type Sizes = number | readonly number[];
type Ratios = number | readonly number[];

export interface FractionalMaxPoolOptions {
  kernel_size?: Sizes;
  output_size?: Sizes | null;
  output_ratio?: Ratios | null;
  return_indices?: boolean;
  _random_samples?: Tensor | null;
}

type FractionalArgs = PyArgs<
  [kernel_size: Sizes, output_size?: Sizes | null, output_ratio?: Ratios | null, return_indices?: boolean, _random_samples?: Tensor | null],
  FractionalMaxPoolOptions
>;
const NAMES = ["kernel_size", "output_size", "output_ratio", "return_indices", "_random_samples"] as const;

function tupleOf(v: number | readonly number[], n: number): number[] {
  const a = typeof v === "number" ? [v] : [...v];
  return a.length === 1 ? new Array<number>(n).fill(a[0]) : a;
}

/** ATen's generate_intervals, in the input's floating type. */
function intervals(sample: number, inSize: number, outSize: number, pool: number, f32: boolean): number[] {
  const r = f32 ? Math.fround : (v: number) => v;
  const seq = new Array<number>(outSize).fill(0);
  if (outSize > 1) {
    const alpha = r(r(inSize - pool) / r(outSize - 1));
    for (let i = 0; i < outSize - 1; i++) seq[i] = Math.trunc(r(r(i + sample) * alpha)) - Math.trunc(r(sample * alpha));
  }
  if (outSize > 0) seq[outSize - 1] = inSize - pool;
  return seq;
}

function fractional(fn: string, nd: 2 | 3, input: Tensor, args: readonly unknown[]): [Tensor, Tensor] {
  const a = parseArgs<FractionalMaxPoolOptions>(fn, [...NAMES], args);
  if (a.kernel_size === undefined) throw new RuntimeError(`${fn}() missing 1 required positional argument: 'kernel_size'`);
  const batchedDim = nd + 2;
  if (input.dim() !== batchedDim && input.dim() !== batchedDim - 1) {
    throw new RuntimeError(`${fn.replace("_with_indices", "")}(): Expected ${batchedDim - 1}D or ${batchedDim}D tensor, but got: [${input.shape.join(", ")}]`);
  }
  const k = tupleOf(a.kernel_size, nd);
  const inSizes = input.shape.slice(-nd);
  let out: number[];
  if (a.output_size !== undefined && a.output_size !== null) out = tupleOf(a.output_size, nd);
  else if (a.output_ratio !== undefined && a.output_ratio !== null) {
    const ratio = tupleOf(a.output_ratio, nd);
    out = inSizes.map((s, i) => Math.trunc(s * ratio[i]));
  } else throw new ValueError(`fractional_max_pool${nd}d requires specifying either an output_size or an output_ratio`);
  if (k.length !== nd || out.length !== nd) throw new RuntimeError(`${fn}: kernel_size and output_size must have ${nd} elements`);
  const dims = nd === 2 ? ["height", "width"] : ["time", "height", "width"];
  for (let i = 0; i < nd; i++) {
    if (out[i] + k[i] - 1 > inSizes[i]) {
      throw new RuntimeError(`fractional_max_pool${nd}d_out(): pool ${dims[i]} ${k[i]} too large relative to input ${dims[i]} ${inSizes[i]}`);
    }
  }
  const unbatched = input.dim() === batchedDim - 1;
  const x = unbatched ? input.unsqueeze(0) : input;
  const N = x.shape[0];
  const C = x.shape[1];
  let samples = a._random_samples ?? null;
  if (samples === null) samples = rand([N, C, nd], { dtype: x.dtype });
  if (samples.dim() !== 3 || samples.shape[0] < N || samples.shape[1] !== C || samples.shape[2] !== nd) {
    throw new RuntimeError(`fractional_max_pool${nd}d(): Expected _random_samples to have shape [${N}, ${C}, ${nd}], but got [${samples.shape.join(", ")}]`);
  }
  const u = contiguousData(samples.contiguous());
  const data = contiguousData(x.contiguous());
  const f32 = x.dtype === float32;
  const plane = inSizes.reduce((p, s) => p * s, 1);
  const outPlane = out.reduce((p, s) => p * s, 1);
  const idx = new Float32Array(N * C * outPlane); // int64 indices: a Float32Array serves (exact below 2^24, far above any index here)
  // ATen's sample order: 2-D [W, H]; 3-D [T, H, W].
  const sampleFor = nd === 2 ? [1, 0] : [0, 1, 2];
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const starts = inSizes.map((s, i) => intervals(u[nc * nd + sampleFor[i]], s, out[i], k[i], f32));
    const base = nc * plane;
    const H = inSizes[nd - 2];
    const W = inSizes[nd - 1];
    const T = nd === 3 ? out[0] : 1;
    for (let t = 0; t < T; t++) {
      const t0 = nd === 3 ? starts[0][t] : 0;
      const kt = nd === 3 ? k[0] : 1;
      for (let h = 0; h < out[nd - 2]; h++) {
        const h0 = starts[nd - 2][h];
        for (let w = 0; w < out[nd - 1]; w++) {
          const w0 = starts[nd - 1][w];
          let arg = (t0 * H + h0) * W + w0;
          let best = -Infinity;
          scan: for (let tt = t0; tt < t0 + kt; tt++) {
            for (let hh = h0; hh < h0 + k[nd - 2]; hh++) {
              for (let ww = w0; ww < w0 + k[nd - 1]; ww++) {
                const j = (tt * H + hh) * W + ww;
                const v = data[base + j];
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  arg = j;
                  if (Number.isNaN(v)) break scan;
                }
              }
            }
          }
          idx[o++] = arg;
        }
      }
    }
  }
  const shape = [N, C, ...out];
  const indices = from_array(idx, shape, { dtype: int64 });
  const values = x.reshape([N, C, plane]).gather(2, indices.reshape([N, C, outPlane])).reshape(shape);
  return unbatched ? [values.squeeze(0), indices.squeeze(0)] : [values, indices];
}

/** F.fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None) -> [values, indices]. */
export function fractional_max_pool2d_with_indices(input: Tensor, ...args: FractionalArgs): [Tensor, Tensor] {
  return fractional("fractional_max_pool2d_with_indices", 2, input, args);
}

/** F.fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None) -> [values, indices]. */
export function fractional_max_pool3d_with_indices(input: Tensor, ...args: FractionalArgs): [Tensor, Tensor] {
  return fractional("fractional_max_pool3d_with_indices", 3, input, args);
}

/** F.fractional_max_pool2d(...): the values, or [values, indices] with return_indices (PyTorch's boolean_dispatch). */
export function fractional_max_pool2d(input: Tensor, ...args: FractionalArgs): Tensor | [Tensor, Tensor] {
  const r = fractional("fractional_max_pool2d", 2, input, args);
  return parseArgs<FractionalMaxPoolOptions>("fractional_max_pool2d", [...NAMES], args).return_indices ? r : r[0];
}

/** F.fractional_max_pool3d(...): the values, or [values, indices] with return_indices. */
export function fractional_max_pool3d(input: Tensor, ...args: FractionalArgs): Tensor | [Tensor, Tensor] {
  const r = fractional("fractional_max_pool3d", 3, input, args);
  return parseArgs<FractionalMaxPoolOptions>("fractional_max_pool3d", [...NAMES], args).return_indices ? r : r[0];
}
