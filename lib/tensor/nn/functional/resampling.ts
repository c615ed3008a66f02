/**
 * Resampling and spatial transformers, as torch.nn.functional has them: interpolate (nearest,
 * nearest-exact, linear, bilinear, trilinear, bicubic, area; size or scale_factor; align_corners; antialias for
 * bilinear and bicubic) with the
 * deprecated upsample / upsample_nearest / upsample_bilinear, pixel_shuffle /
 * pixel_unshuffle, affine_grid and grid_sample (2-D: bilinear, nearest or bicubic; 3-D (5-D input):
 * trilinear or nearest; zeros, border or reflection padding; gradients to input and grid).
 *
 * Everything is composed of differentiable tensor ops (index_select, gather, arithmetic), with
 * the sampling positions and weights computed exactly as PyTorch 1.13's CPU kernels compute
 * them (nearest's float32 scale included), so values match its (tests/fixtures/torch/nn/functional_resampling.json).
 */
import { parseArgs, type PyArgs } from "../../args";
import { bool, cppTypeName, int64, uint8, wrapsAround, type DType } from "../../dtype";
import { linspace } from "../../ops/creation";
import { RuntimeError, TorchError, TypeError_, ValueError } from "../../errors";
import { where } from "../../ops/where";
import type { Tensor } from "../../tensor";
import { adaptive_avg_pool3d } from "./conv3d";
import { adaptive_avg_pool1d, adaptive_avg_pool2d } from "./pooling";
import { checkTensor, data, empty, floatType } from "./_util";
import { composite } from "../../autograd/function";
import { warnOnce } from "../../warnings";

/** Python's NotImplementedError, which PyTorch raises for unsupported modes and ranks. */
class NotImplementedError extends TorchError {
  constructor(message: string) {
    super(message, "NotImplementedError");
  }
}

export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "trilinear" | "bicubic" | "area";

export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scale_factor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  align_corners?: boolean | null;
  recompute_scale_factor?: boolean | null;
  antialias?: boolean;
}
export type InterpolateArgs = PyArgs<
  [
    size?: number | readonly number[] | null,
    scale_factor?: number | readonly number[] | null,
    mode?: InterpolateMode,
    align_corners?: boolean | null,
    recompute_scale_factor?: boolean | null,
    antialias?: boolean,
  ],
  InterpolateOptions
>;

function longTensor(values: ArrayLike<number>): Tensor {
  const t = empty([values.length], int64);
  t._data.set(values);
  return t;
}

/** The weights of one axis, shaped to broadcast along `dim` of an n-d tensor. */
function axisWeights(values: ArrayLike<number>, dim: number, ndim: number, like: Tensor): Tensor {
  const shape = new Array<number>(ndim).fill(1);
  shape[dim] = values.length;
  const t = empty(shape, floatType(like));
  t._data.set(values);
  return t;
}

/** PyTorch's nearest_idx: float32 scale, floorf(dst * scale) (or of dst + 0.5 for nearest-exact), capped at in - 1. */
function nearestIndices(inSize: number, outSize: number, scale: number | null, exact: boolean): number[] {
  const idx: number[] = [];
  const s = Math.fround(scale !== null && scale > 0 ? 1 / scale : inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    if (!exact && outSize === inSize) idx.push(o);
    else if (!exact && outSize === 2 * inSize) idx.push(o >> 1);
    else idx.push(Math.min(Math.floor(Math.fround((exact ? o + 0.5 : o) * s)), inSize - 1));
  }
  return idx;
}

/** PyTorch's area_pixel_compute_source_index for linear modes: the two neighbours and their weights. */
function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scale: number | null): { i0: number[]; i1: number[]; w0: number[]; w1: number[] } {
  let s: number;
  if (alignCorners) s = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  else s = scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
  const i0: number[] = [], i1: number[] = [], w0: number[] = [], w1: number[] = [];
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? s * o : Math.max(s * (o + 0.5) - 0.5, 0);
    const lo = Math.floor(src);
    const l1 = Math.min(Math.max(src - lo, 0), 1);
    i0.push(lo);
    i1.push(lo + (lo < inSize - 1 ? 1 : 0));
    w0.push(1 - l1);
    w1.push(l1);
  }
  return { i0, i1, w0, w1 };
}

/**
 * PyTorch's bicubic taps (A = -0.75): the four neighbours floor(src) - 1 .. floor(src) + 2,
 * clamped to the border, and their cubic-convolution weights; the source index is not
 * clamped at 0 (cubic=True in area_pixel_compute_source_index).
 */
function cubicTaps(inSize: number, outSize: number, alignCorners: boolean, scale: number | null): { idx: number[][]; w: number[][] } {
  const A = -0.75;
  const conv1 = (v: number): number => ((A + 2) * v - (A + 3)) * v * v + 1;
  const conv2 = (v: number): number => ((A * v - 5 * A) * v + 8 * A) * v - 4 * A;
  let s: number;
  if (alignCorners) s = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  else s = scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
  const idx: number[][] = [[], [], [], []];
  const w: number[][] = [[], [], [], []];
  for (let o = 0; o < outSize; o++) {
    const src = alignCorners ? s * o : s * (o + 0.5) - 0.5;
    const i0 = Math.floor(src);
    const t = src - i0;
    const ws = [conv2(t + 1), conv1(t), conv1(1 - t), conv2(2 - t)];
    for (let k = 0; k < 4; k++) {
      idx[k].push(Math.min(Math.max(i0 - 1 + k, 0), inSize - 1));
      w[k].push(ws[k]);
    }
  }
  return { idx, w };
}

/**
 * torch 1.13's antialiased taps (_upsample_bilinear2d_aa / _upsample_bicubic2d_aa, PIL's filters): each output pixel
 * averages the inputs under a triangle (bilinear) or a = -0.5 cubic (bicubic) filter stretched by the downscale factor,
 * weights normalised to sum 1; as a dense [out, in] matrix (row o: the weights of output o).
 */
function antialiasMatrix(inSize: number, outSize: number, alignCorners: boolean, scale: number | null, cubic: boolean): Float64Array {
  const triangle = (x: number): number => (x < 0 ? -x : x) < 1 ? 1 - Math.abs(x) : 0;
  const A = -0.5;
  const cubicFilter = (x: number): number => {
    const v = Math.abs(x);
    if (v < 1) return ((A + 2) * v - (A + 3)) * v * v + 1;
    if (v < 2) return (((v - 5) * v + 8) * v - 4) * A;
    return 0;
  };
  const filter = cubic ? cubicFilter : triangle;
  let s: number;
  if (alignCorners) s = outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  else s = scale !== null && scale > 0 ? 1 / scale : inSize / outSize;
  const interpSize = cubic ? 4 : 2;
  const support = s >= 1 ? interpSize * 0.5 * s : interpSize * 0.5;
  const invscale = s >= 1 ? 1 / s : 1;
  const m = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const center = s * (o + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xsize = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let j = 0; j < xsize; j++) total += m[o * inSize + xmin + j] = filter((j + xmin - center + 0.5) * invscale);
    if (total !== 0) for (let j = 0; j < xsize; j++) m[o * inSize + xmin + j] /= total;
  }
  return m;
}

const MODE_DIMS: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, trilinear: 5, bicubic: 4 };

/**
 * F.interpolate(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
 * recompute_scale_factor=None, antialias=False): resizes the spatial dims (all but N and C).
 */
/** The kernel torch 1.13 names when a uint8 input reaches an interpolating mode. */
const UINT8_UNSUPPORTED_KERNEL: Readonly<Record<string, string>> = {
  linear: "compute_indices_weights_linear", bilinear: "upsample_bilinear2d_channels_last", bicubic: "compute_indices_weights_cubic",
  trilinear: "upsample_trilinear3d_channels_last", area: "adaptive_avg_pool2d",
};

export function interpolate(input: Tensor, ...args: InterpolateArgs): Tensor {
  checkTensor(input, "interpolate");
  const a = parseArgs<InterpolateOptions>("interpolate", ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor", "antialias"], args);
  return resample(input, a);
}

function resample(input: Tensor, a: InterpolateOptions): Tensor {
  const mode = a.mode ?? "nearest";
  const known = ["nearest", "nearest-exact", "linear", "bilinear", "trilinear", "bicubic", "area"];
  if (!known.includes(mode)) throw new NotImplementedError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  const nearest = mode === "nearest" || mode === "nearest-exact" || mode === "area";
  if (nearest && a.align_corners !== undefined && a.align_corners !== null) {
    throw new ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  }
  if (a.antialias && !((mode === "bilinear" || mode === "bicubic") && input.dim() === 4)) throw new ValueError("Anti-alias option is only supported for bilinear and bicubic modes");
  const sd = input.dim() - 2;
  if (sd < 1 || sd > 3) {
    throw new NotImplementedError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.dim()}D) for the modes: nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  const need = MODE_DIMS[mode];
  if (need !== undefined && need !== input.dim()) throw new NotImplementedError(`Got ${input.dim()}D input, but ${mode} mode needs ${need}D input`);
  // torch 1.13 resamples uint8 images with the nearest modes only; the others raise naming their kernel,
  // and int8 / int16 / int32 have no kernel at all (nearest: compute_indices_weights_nearest).
  const uint8Kernel = UINT8_UNSUPPORTED_KERNEL[mode];
  if (input.dtype === uint8 && uint8Kernel) throw new RuntimeError(`"${uint8Kernel}" not implemented for 'Byte'`);
  if (wrapsAround(input.dtype) && input.dtype !== uint8) {
    throw new RuntimeError(`"${uint8Kernel ?? "compute_indices_weights_nearest"}" not implemented for '${cppTypeName(input.dtype)}'`);
  }
  const hasSize = a.size !== undefined && a.size !== null;
  const hasScale = a.scale_factor !== undefined && a.scale_factor !== null;
  if (hasSize && hasScale) throw new ValueError("only one of size or scale_factor should be defined");
  if (!hasSize && !hasScale) throw new ValueError("either size or scale_factor should be defined");
  const spatial = input.shape.slice(2);
  let outSize: number[];
  let scales: (number | null)[] = new Array<number | null>(sd).fill(null);
  if (hasSize) {
    const s = a.size!;
    if (Array.isArray(s) && s.length !== sd) {
      throw new ValueError(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(", ")}] and output size of [${s.join(", ")}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
    }
    outSize = typeof s === "number" ? new Array<number>(sd).fill(s) : [...(s as readonly number[])];
  } else {
    const f = a.scale_factor!;
    if (Array.isArray(f) && f.length !== sd) {
      throw new ValueError(`Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(", ")}] and scale_factor of shape [${f.join(", ")}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    }
    const fs = typeof f === "number" ? new Array<number>(sd).fill(f) : [...(f as readonly number[])];
    outSize = spatial.map((n, i) => Math.floor(n * fs[i]));
    if (!a.recompute_scale_factor) scales = fs;
  }
  for (const o of outSize) {
    if (!(Number.isInteger(o) && o > 0)) throw new RuntimeError(`Input and output sizes should be greater than 0, but got input (${spatial.join(", ")}) and output (${outSize.join(", ")})`);
  }
  const align = a.align_corners ?? false;
  if (mode === "area") {
    // PyTorch's area mode is adaptive average pooling to the output size.
    if (sd === 1) return adaptive_avg_pool1d(input, outSize[0]);
    return sd === 2 ? adaptive_avg_pool2d(input, outSize) : adaptive_avg_pool3d(input, outSize);
  }
  const scaled = (from: Tensor): Tensor => {
  let x = from.dtype.is_floating_point || nearest ? from : from.to(floatType(from));
  for (let i = 0; i < sd; i++) {
    const dim = i + 2;
    const inN = spatial[i];
    const outN = outSize[i];
    if (nearest) {
      x = x.index_select(dim, longTensor(nearestIndices(inN, outN, scales[i], mode === "nearest-exact")));
    } else if (a.antialias) {
      // out[..., o, ...] = sum_j W[o, j] x[..., j, ...]: one matmul along the axis (its gradient comes with it)
      const w = empty([outN, inN], floatType(x));
      w._data.set(antialiasMatrix(inN, outN, align, scales[i], mode === "bicubic"));
      x = x.movedim(dim, -1).matmul(w.t()).movedim(-1, dim);
    } else if (mode === "bicubic") {
      const t = cubicTaps(inN, outN, align, scales[i]);
      let acc: Tensor | null = null;
      for (let k = 0; k < 4; k++) {
        const term = x.index_select(dim, longTensor(t.idx[k])).mul(axisWeights(t.w[k], dim, x.dim(), x));
        acc = acc ? acc.add(term) : term;
      }
      x = acc!;
    } else {
      const t = linearTaps(inN, outN, align, scales[i]);
      const lo = x.index_select(dim, longTensor(t.i0)).mul(axisWeights(t.w0, dim, x.dim(), x));
      const hi = x.index_select(dim, longTensor(t.i1)).mul(axisWeights(t.w1, dim, x.dim(), x));
      x = lo.add(hi);
    }
  }
  return x;
  };
  return composite(upsampleNodeName(mode, sd, a.antialias === true), [input], scaled);
}

/** torch 1.13's node for a resize (the vec overload F.interpolate calls): UpsampleBilinear2DBackward1, ... */
function upsampleNodeName(mode: string, sd: number, antialias: boolean): string {
  const kind = mode === "nearest-exact" ? "NearestExact" : mode === "linear" || mode === "bilinear" || mode === "trilinear" ? ["Linear", "Bilinear", "Trilinear"][sd - 1] : mode === "bicubic" ? "Bicubic" : "Nearest";
  return `Upsample${kind}${sd}D${antialias ? "Aa" : ""}Backward1`;
}

/** F.upsample: the deprecated name of interpolate (same arguments). */
export function upsample(input: Tensor, ...args: InterpolateArgs): Tensor {
  checkTensor(input, "upsample");
  warnOnce("UserWarning: nn.functional.upsample is deprecated. Use nn.functional.interpolate instead.");
  const a = parseArgs<InterpolateOptions>("upsample", ["size", "scale_factor", "mode", "align_corners", "recompute_scale_factor", "antialias"], args);
  return resample(input, a);
}

interface UpsampleFixedOptions {
  size?: number | readonly number[] | null;
  scale_factor?: number | readonly number[] | null;
}
type UpsampleFixedArgs = PyArgs<[size?: number | readonly number[] | null, scale_factor?: number | readonly number[] | null], UpsampleFixedOptions>;

/** F.upsample_nearest(input, size=None, scale_factor=None) (deprecated): interpolate in nearest mode. */
export function upsample_nearest(input: Tensor, ...args: UpsampleFixedArgs): Tensor {
  checkTensor(input, "upsample_nearest");
  warnOnce("UserWarning: nn.functional.upsample_nearest is deprecated. Use nn.functional.interpolate instead.");
  const a = parseArgs<UpsampleFixedOptions>("upsample_nearest", ["size", "scale_factor"], args);
  return resample(input, { ...a, mode: "nearest" });
}

/** F.upsample_bilinear(input, size=None, scale_factor=None) (deprecated): bilinear with align_corners=True. */
export function upsample_bilinear(input: Tensor, ...args: UpsampleFixedArgs): Tensor {
  checkTensor(input, "upsample_bilinear");
  warnOnce("UserWarning: nn.functional.upsample_bilinear is deprecated. Use nn.functional.interpolate instead.");
  const a = parseArgs<UpsampleFixedOptions>("upsample_bilinear", ["size", "scale_factor"], args);
  return resample(input, { ...a, mode: "bilinear", align_corners: true });
}

/** F.pixel_shuffle(input, upscale_factor): (*, C r^2, H, W) -> (*, C, H r, W r). */
export function pixel_shuffle(input: Tensor, ...args: PyArgs<[upscale_factor: number], { upscale_factor?: number }>): Tensor {
  checkTensor(input, "pixel_shuffle");
  const r = parseArgs<{ upscale_factor?: number }>("pixel_shuffle", ["upscale_factor"], args).upscale_factor;
  if (r === undefined) throw new TypeError_("pixel_shuffle() missing 1 required positional argument: 'upscale_factor'");
  if (input.dim() < 3) throw new RuntimeError(`pixel_shuffle expects input to have at least 3 dimensions, but got input with ${input.dim()} dimension(s)`);
  if (!(r > 0)) throw new RuntimeError(`pixel_shuffle expects a positive upscale_factor, but got ${r}`);
  const n = input.dim();
  const [c, h, w] = input.shape.slice(n - 3);
  if (c % (r * r) !== 0) {
    throw new RuntimeError(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${c} is not divisible by ${r * r}`);
  }
  const batch = input.shape.slice(0, n - 3);
  const b = batch.length;
  const oc = c / (r * r);
  const perm = [...batch.map((_, i) => i), b, b + 3, b + 1, b + 4, b + 2];
  return composite("PixelShuffleBackward0", [input], (x) => x.reshape([...batch, oc, r, r, h, w]).permute(perm).reshape([...batch, oc, h * r, w * r]));
}

/** F.pixel_unshuffle(input, downscale_factor): (*, C, H r, W r) -> (*, C r^2, H, W). */
export function pixel_unshuffle(input: Tensor, ...args: PyArgs<[downscale_factor: number], { downscale_factor?: number }>): Tensor {
  checkTensor(input, "pixel_unshuffle");
  const r = parseArgs<{ downscale_factor?: number }>("pixel_unshuffle", ["downscale_factor"], args).downscale_factor;
  if (r === undefined) throw new TypeError_("pixel_unshuffle() missing 1 required positional argument: 'downscale_factor'");
  if (input.dim() < 3) throw new RuntimeError(`pixel_unshuffle expects input to have at least 3 dimensions, but got input with ${input.dim()} dimension(s)`);
  if (!(r > 0)) throw new RuntimeError(`pixel_unshuffle expects a positive downscale_factor, but got ${r}`);
  const n = input.dim();
  const [c, h, w] = input.shape.slice(n - 3);
  if (h % r !== 0) throw new RuntimeError(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${h} is not divisible by ${r}`);
  if (w % r !== 0) throw new RuntimeError(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${w} is not divisible by ${r}`);
  const batch = input.shape.slice(0, n - 3);
  const b = batch.length;
  const perm = [...batch.map((_, i) => i), b, b + 2, b + 4, b + 1, b + 3];
  return composite("PixelUnshuffleBackward0", [input], (x) => x.reshape([...batch, c, h / r, r, w / r, r]).permute(perm).reshape([...batch, c * r * r, h / r, w / r]));
}

function warnAlignCorners(): void {
  warnOnce(
    "UserWarning: Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. Please specify align_corners=True if the old behavior is desired. See the documentation of grid_sample for details.",
  );
}

/**
 * -1..1 over n points; without align_corners the points are the pixel centres (scaled by (n - 1) / n).
 * Computed as torch's _linspace_from_neg_one, in the grid's dtype: linspace, then * (n - 1) and
 * / n, each rounded. At the identity transform grid_sample then lands on the same side of each
 * pixel centre as PyTorch's, so the gradient reaching theta takes the same neighbour.
 */
function baseLine(n: number, alignCorners: boolean, dtype: DType): ArrayLike<number> {
  if (n <= 1) return [0];
  const line = linspace(-1, 1, n, { dtype });
  return data(alignCorners ? line : line.mul(n - 1).div(n));
}

/**
 * F.affine_grid(theta, size, align_corners=None): the sampling grid (N, H, W, 2) of the 2-D
 * affine maps theta (N, 2, 3) for an output of size (N, C, H, W); differentiable in theta.
 */
export function affine_grid(theta: Tensor, ...args: PyArgs<[size: readonly number[], align_corners?: boolean | null], { size?: readonly number[]; align_corners?: boolean | null }>): Tensor {
  checkTensor(theta, "affine_grid", "theta");
  const a = parseArgs<{ size?: readonly number[]; align_corners?: boolean | null }>("affine_grid", ["size", "align_corners"], args);
  const size = a.size;
  if (!size) throw new TypeError_("affine_grid() missing 1 required positional argument: 'size'");
  if (a.align_corners === undefined || a.align_corners === null) warnAlignCorners();
  const align = a.align_corners ?? false;
  if (!theta.dtype.is_floating_point) throw new ValueError(`Expected theta to have floating point type, but got ${theta.dtype.name === "int64" ? "torch.int64" : String(theta.dtype)}`);
  if (size.length === 5) return affineGrid3d(theta, size, align);
  if (size.length !== 4) throw new NotImplementedError(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size [${size.join(", ")}].`);
  const [N, , H, W] = size;
  if (theta.dim() !== 3 || theta.shape[0] !== N || theta.shape[1] !== 2 || theta.shape[2] !== 3) {
    throw new ValueError(`Expected a batch of 2D affine matrices of shape Nx2x3 for size [${size.join(", ")}]. Got [${theta.shape.join(", ")}].`);
  }
  if (Math.min(...size) <= 0) throw new ValueError(`Expected non-zero, positive output size. Got [${size.join(", ")}]`);
  const xs = baseLine(W, align, theta.dtype);
  const ys = baseLine(H, align, theta.dtype);
  const base = empty([1, H * W, 3], theta.dtype);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      const k = (i * W + j) * 3;
      base._data[k] = xs[j];
      base._data[k + 1] = ys[i];
      base._data[k + 2] = 1;
    }
  }
  return composite("AffineGridGeneratorBackward0", [theta], (t) => base.matmul(t.transpose(1, 2)).reshape(N, H, W, 2));
}

/** affine_grid for a 5-D size (N, C, D, H, W): theta (N, 3, 4), a grid (N, D, H, W, 3) of (x, y, z). */
function affineGrid3d(theta: Tensor, size: readonly number[], align: boolean): Tensor {
  const [N, , D, H, W] = size;
  if (theta.dim() !== 3 || theta.shape[0] !== N || theta.shape[1] !== 3 || theta.shape[2] !== 4) {
    throw new ValueError(`Expected a batch of 3D affine matrices of shape Nx3x4 for size [${size.join(", ")}]. Got torch.Size([${theta.shape.join(", ")}]).`);
  }
  if (Math.min(...size) <= 0) throw new ValueError(`Expected non-zero, positive output size. Got [${size.join(", ")}]`);
  const xs = baseLine(W, align, theta.dtype);
  const ys = baseLine(H, align, theta.dtype);
  const zs = baseLine(D, align, theta.dtype);
  const base = empty([1, D * H * W, 4], theta.dtype);
  for (let d = 0; d < D; d++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const k = ((d * H + i) * W + j) * 4;
        base._data[k] = xs[j];
        base._data[k + 1] = ys[i];
        base._data[k + 2] = zs[d];
        base._data[k + 3] = 1;
      }
    }
  }
  return composite("AffineGridGeneratorBackward0", [theta], (t) => base.matmul(t.transpose(1, 2)).reshape(N, D, H, W, 3));
}

export type GridSampleMode = "bilinear" | "nearest" | "bicubic";
export type GridSamplePadding = "zeros" | "border" | "reflection";
export interface GridSampleOptions {
  mode?: GridSampleMode;
  padding_mode?: GridSamplePadding;
  align_corners?: boolean | null;
}

/** PyTorch's reflect_coordinates: folds coord into [twiceLow / 2, twiceHigh / 2]; differentiable (slope +-1). */
function reflect(coord: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return coord.mul(0);
  const min = twiceLow / 2;
  const span = (twiceHigh - twiceLow) / 2;
  const c = coord.sub(min).abs();
  const flips = c.detach().div(span).floor();
  const extra = c.sub(flips.mul(span)); // fmod(c, span), slope 1
  const even = flips.remainder(2).eq(0);
  return where(even, extra.add(min), extra.neg().add(span + min));
}

/** Grid coordinate in [-1, 1] -> pixel coordinate, padded as PyTorch's grid_sampler_compute_source_index. */
function sourceIndex(coord: Tensor, size: number, padding: GridSamplePadding, align: boolean): Tensor {
  let c = align ? coord.add(1).div(2).mul(size - 1) : coord.add(1).mul(size).sub(1).div(2);
  if (padding === "border") c = c.clamp(0, size - 1);
  else if (padding === "reflection") {
    c = align ? reflect(c, 0, 2 * (size - 1)) : reflect(c, -1, 2 * size - 1);
    c = c.clamp(0, size - 1);
  }
  return c;
}

/** Round half to even (C's nearbyint), as grid_sample's nearest mode rounds. */
function nearbyint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * F.grid_sample(input, grid, mode='bilinear', padding_mode='zeros', align_corners=None):
 * samples input (N, C, H, W) at grid (N, Ho, Wo, 2) positions ((x, y) in [-1, 1]); gradients
 * flow to input and (bilinear, bicubic) to grid.
 */
export function grid_sample(
  input: Tensor,
  grid: Tensor,
  ...args: PyArgs<[mode?: GridSampleMode, padding_mode?: GridSamplePadding, align_corners?: boolean | null], GridSampleOptions>
): Tensor {
  checkTensor(input, "grid_sample");
  checkTensor(grid, "grid_sample", "grid");
  const a = parseArgs<GridSampleOptions>("grid_sample", ["mode", "padding_mode", "align_corners"], args);
  const mode: string = a.mode ?? "bilinear";
  const padding: string = a.padding_mode ?? "zeros";
  if (mode !== "bilinear" && mode !== "nearest" && mode !== "bicubic") {
    throw new ValueError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${mode}'`);
  }
  if (padding !== "zeros" && padding !== "border" && padding !== "reflection") {
    throw new ValueError(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${padding}'`);
  }
  if (a.align_corners === undefined || a.align_corners === null) warnAlignCorners();
  const align = a.align_corners ?? false;
  if (input.dim() === 5) return composite("GridSampler3DBackward0", [input, grid], (i, g) => gridSample3d(i, g, mode as GridSampleMode, padding as GridSamplePadding, align));
  if (input.dim() !== 4 || grid.dim() !== 4) {
    throw new RuntimeError(`grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got input with sizes [${input.shape.join(", ")}] and grid with sizes [${grid.shape.join(", ")}]`);
  }
  if (input.shape[0] !== grid.shape[0]) {
    throw new RuntimeError(`grid_sampler(): expected grid and input to have same batch size, but got input with sizes [${input.shape.join(", ")}] and grid with sizes [${grid.shape.join(", ")}]`);
  }
  if (grid.shape[3] !== 2) throw new RuntimeError(`grid_sampler(): expected grid to have size 2 in last dimension, but got grid with sizes [${grid.shape.join(", ")}]`);
  if (input.dtype !== grid.dtype) throw new RuntimeError(`grid_sampler(): expected input and grid to have same dtype, but input has ${String(input.dtype)} and grid has ${String(grid.dtype)}`);
  return composite("GridSampler2DBackward0", [input, grid], (i, g) =>
    mode === "bicubic" ? bicubicGridSample(i, g, padding as GridSamplePadding, align) : gridSample2d(i, g, mode as "bilinear" | "nearest", padding as GridSamplePadding, align),
  );
}

/** grid_sample's bilinear and nearest modes on 4-D input, its arguments checked. */
function gridSample2d(input: Tensor, grid: Tensor, mode: "bilinear" | "nearest", padding: GridSamplePadding, align: boolean): Tensor {
  const [N, C, H, W] = input.shape;
  const [, Ho, Wo] = grid.shape;
  const P = Ho * Wo;
  const ix = sourceIndex(grid.select(3, 0), W, padding, align);
  const iy = sourceIndex(grid.select(3, 1), H, padding, align);
  const flat = input.reshape(N, C, H * W);
  const dt = floatType(input);

  /** Values at integer pixel positions (xs, ys: plain numbers, N * P of them), 0 outside the image. */
  const sampleAt = (xs: ArrayLike<number>, ys: ArrayLike<number>): { values: Tensor; inside: Tensor } => {
    const idx = empty([N, 1, P], int64);
    const inside = empty([N, 1, Ho, Wo], dt);
    for (let k = 0; k < N * P; k++) {
      const x = xs[k];
      const y = ys[k];
      const ok = x >= 0 && x < W && y >= 0 && y < H;
      idx._data[k] = ok ? y * W + x : 0;
      inside._data[k] = ok ? 1 : 0;
    }
    const values = flat.gather(2, idx.expand([N, C, P])).reshape(N, C, Ho, Wo);
    return { values, inside };
  };

  if (mode === "nearest") {
    const xs = Array.from(data(ix.detach().contiguous()), nearbyint);
    const ys = Array.from(data(iy.detach().contiguous()), nearbyint);
    const { values, inside } = sampleAt(xs, ys);
    // Nearest sampling is flat in the grid: PyTorch gives the grid a zero gradient (not none).
    // A never-taken where() branch connects it with zero slope, whatever values the grid holds.
    const never = empty([1], bool);
    never._data[0] = 0;
    return where(never, ix.unsqueeze(1).add(iy.unsqueeze(1)), values.mul(inside));
  }
  const x0 = ix.detach().floor();
  const y0 = iy.detach().floor();
  const wx1 = ix.sub(x0).unsqueeze(1);
  const wy1 = iy.sub(y0).unsqueeze(1);
  const wx0 = wx1.neg().add(1);
  const wy0 = wy1.neg().add(1);
  const xs0 = data(x0.contiguous());
  const ys0 = data(y0.contiguous());
  const shift = (v: ArrayLike<number>, d: number): number[] => Array.from(v, (u) => u + d);
  let out: Tensor | null = null;
  for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
    const { values, inside } = sampleAt(shift(xs0, dx), shift(ys0, dy));
    const w = (dx ? wx1 : wx0).mul(dy ? wy1 : wy0).mul(inside);
    const term = values.mul(w);
    out = out ? out.add(term) : term;
  }
  return out!;
}

/** reflect() on a plain number (a bicubic tap's integer coordinate). */
function reflectNumber(c: number, twiceLow: number, twiceHigh: number): number {
  if (twiceLow === twiceHigh) return 0;
  const min = twiceLow / 2;
  const span = (twiceHigh - twiceLow) / 2;
  const d = Math.abs(c - min);
  const extra = d % span;
  return Math.floor(d / span) % 2 === 0 ? extra + min : span - extra + min;
}

/** A bicubic tap's pixel coordinate after padding (PyTorch's compute_coordinates): clipped, reflected, or as is for zeros. */
function padTap(c: number, size: number, padding: GridSamplePadding, align: boolean): number {
  if (padding === "zeros") return c;
  if (padding === "reflection") c = align ? reflectNumber(c, 0, 2 * (size - 1)) : reflectNumber(c, -1, 2 * size - 1);
  return Math.min(Math.max(c, 0), size - 1);
}

/**
 * grid_sample's bicubic mode as PyTorch 1.13's CPU kernel: the grid coordinate unnormalized with no
 * padding, the 4x4 taps around floor(x), floor(y), each tap's coordinate padded on its own
 * (border clips it, reflection folds it, zeros drops taps outside), weighted by the cubic
 * convolution coefficients (A = -0.75) of the fractional parts. Gradients reach the input through
 * the gathered values and the grid through the coefficients.
 */
function bicubicGridSample(input: Tensor, grid: Tensor, padding: GridSamplePadding, align: boolean): Tensor {
  const [N, C, H, W] = input.shape;
  const [, Ho, Wo] = grid.shape;
  const P = Ho * Wo;
  const unnormalize = (coord: Tensor, size: number): Tensor => (align ? coord.add(1).div(2).mul(size - 1) : coord.add(1).mul(size).sub(1).div(2));
  const x = unnormalize(grid.select(3, 0), W);
  const y = unnormalize(grid.select(3, 1), H);
  const x0 = x.detach().floor();
  const y0 = y.detach().floor();
  const A = -0.75;
  const conv1 = (t: Tensor): Tensor => t.mul(A + 2).sub(A + 3).mul(t).mul(t).add(1);
  const conv2 = (t: Tensor): Tensor => t.mul(A).sub(5 * A).mul(t).add(8 * A).mul(t).sub(4 * A);
  const coefficients = (t: Tensor): Tensor[] => [conv2(t.add(1)), conv1(t), conv1(t.neg().add(1)), conv2(t.neg().add(2))].map((c) => c.unsqueeze(1));
  const cx = coefficients(x.sub(x0));
  const cy = coefficients(y.sub(y0));
  const xs0 = data(x0.contiguous());
  const ys0 = data(y0.contiguous());
  const flat = input.reshape(N, C, H * W);
  const dt = floatType(input);
  let out: Tensor | null = null;
  for (let j = 0; j < 4; j++) {
    for (let i = 0; i < 4; i++) {
      const idx = empty([N, 1, P], int64);
      const inside = empty([N, 1, Ho, Wo], dt);
      for (let k = 0; k < N * P; k++) {
        const px = padTap(xs0[k] - 1 + i, W, padding, align);
        const py = padTap(ys0[k] - 1 + j, H, padding, align);
        const ok = px >= 0 && px < W && py >= 0 && py < H;
        idx._data[k] = ok ? py * W + px : 0;
        inside._data[k] = ok ? 1 : 0;
      }
      const values = flat.gather(2, idx.expand([N, C, P])).reshape(N, C, Ho, Wo);
      const term = values.mul(cx[i].mul(cy[j]).mul(inside));
      out = out ? out.add(term) : term;
    }
  }
  return out!;
}

/**
 * grid_sample on 5-D input (N, C, D, H, W) with a grid (N, Do, Ho, Wo, 3) of (x, y, z): trilinear
 * ('bilinear') or nearest, the same padding modes, as PyTorch 1.13's grid_sampler_3d; gradients to
 * the input and (trilinear) to the grid. PyTorch has no bicubic mode in 3-D.
 */
function gridSample3d(input: Tensor, grid: Tensor, mode: GridSampleMode, padding: GridSamplePadding, align: boolean): Tensor {
  const sizes = `input with sizes [${input.shape.join(", ")}] and grid with sizes [${grid.shape.join(", ")}]`;
  if (input.dtype !== grid.dtype) throw new RuntimeError(`grid_sampler(): expected input and grid to have same dtype, but input has ${String(input.dtype)} and grid has ${String(grid.dtype)}`);
  if (input.shape[0] !== grid.shape[0]) throw new RuntimeError(`grid_sampler(): expected grid and input to have same batch size, but got ${sizes}`);
  if (grid.shape[grid.dim() - 1] !== 3) throw new RuntimeError(`grid_sampler(): expected grid to have size 3 in last dimension, but got grid with sizes [${grid.shape.join(", ")}]`);
  if (grid.dim() !== 5) throw new RuntimeError(`grid_sampler(): expected 5D input and grid with same number of dimensions, but got ${sizes}`);
  if (mode === "bicubic") throw new RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input");
  const [N, C, D, H, W] = input.shape;
  const [, Do, Ho, Wo] = grid.shape;
  const P = Do * Ho * Wo;
  const ix = sourceIndex(grid.select(4, 0), W, padding, align);
  const iy = sourceIndex(grid.select(4, 1), H, padding, align);
  const iz = sourceIndex(grid.select(4, 2), D, padding, align);
  const flat = input.reshape(N, C, D * H * W);
  const dt = floatType(input);
  /** Values at integer voxel positions (N * P of each coordinate), 0 outside the volume. */
  const sampleAt = (xs: ArrayLike<number>, ys: ArrayLike<number>, zs: ArrayLike<number>): { values: Tensor; inside: Tensor } => {
    const idx = empty([N, 1, P], int64);
    const inside = empty([N, 1, Do, Ho, Wo], dt);
    for (let k = 0; k < N * P; k++) {
      const [x, y, z] = [xs[k], ys[k], zs[k]];
      const ok = x >= 0 && x < W && y >= 0 && y < H && z >= 0 && z < D;
      idx._data[k] = ok ? (z * H + y) * W + x : 0;
      inside._data[k] = ok ? 1 : 0;
    }
    return { values: flat.gather(2, idx.expand([N, C, P])).reshape(N, C, Do, Ho, Wo), inside };
  };
  if (mode === "nearest") {
    const round = (t: Tensor) => Array.from(data(t.detach().contiguous()), nearbyint);
    const { values, inside } = sampleAt(round(ix), round(iy), round(iz));
    // flat in the grid: a never-taken where() branch gives the grid PyTorch's zero gradient
    const never = empty([1], bool);
    never._data[0] = 0;
    return where(never, ix.add(iy).add(iz).unsqueeze(1), values.mul(inside));
  }
  const floors = [ix, iy, iz].map((c) => c.detach().floor());
  const frac = [ix, iy, iz].map((c, i) => c.sub(floors[i]).unsqueeze(1)); // weight of the upper neighbour
  const lower = frac.map((f) => f.neg().add(1));
  const starts = floors.map((f) => data(f.contiguous()));
  const shift = (v: ArrayLike<number>, d: number): number[] => Array.from(v, (u) => u + d);
  let out: Tensor | null = null;
  for (const dz of [0, 1]) {
    for (const dy of [0, 1]) {
      for (const dx of [0, 1]) {
        const { values, inside } = sampleAt(shift(starts[0], dx), shift(starts[1], dy), shift(starts[2], dz));
        const w = (dx ? frac[0] : lower[0]).mul(dy ? frac[1] : lower[1]).mul(dz ? frac[2] : lower[2]).mul(inside);
        const term = values.mul(w);
        out = out ? out.add(term) : term;
      }
    }
  }
  return out!;
}
