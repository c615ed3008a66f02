/**
 * 3-D convolution and pooling (F.conv3d, F.max_pool3d, F.avg_pool3d) built on the engine's 2-D
 * kernels: the input is padded once, then for each kernel depth tap kd the depth slices
 * od * stride + kd * dilation of every output depth od are stacked into the batch and
 * convolved (or pooled) in 2-D; the taps are summed (max-ed for max pooling). Gradients come
 * from the 2-D ops. Values match PyTorch 1.13 (tests/fixtures/torch/nn/functional_conv3d.json).
 */
import { parseArgs, type PyArgs } from "../../args";
import { float64, int64 } from "../../dtype";
import { RuntimeError } from "../../errors";
import type { Tensor } from "../../tensor";
import { checkConvDtypes } from "../../ops/conv_dtypes";
import { checkOutputPadding } from "../../ops/conv";
import { checkPoolArgs, checkPoolDtype } from "../../ops/pool";
import { checkConvArgTypes, checkConvWeightRank, conv2d, conv_transpose2d, convPadding, intTupleArg, ntuple, type ConvPadding, type ConvTransposeOptions, type Size } from "./conv";
import { pad } from "./padding";
import { adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool2d, type AdaptiveSize } from "./pooling";
import { stack } from "../../ops/join";
import { checkTensor, empty } from "./_util";
import { adaptive_max_pool3d_with_indices, max_pool3d_with_indices } from "./pool3d_indices";

function longTensor(values: readonly number[]): Tensor {
  const t = empty([values.length], int64);
  t._data.set(values);
  return t;
}

/** The depth slices od * s + kd * dil (od = 0..Do-1) of x (N, C, D, H, W), as a (N * Do, C, H, W) batch. */
function depthTap(x: Tensor, Do: number, s: number, kd: number, dil: number): Tensor {
  const [N, C, , H, W] = x.shape;
  const idx = Array.from({ length: Do }, (_, od) => od * s + kd * dil);
  return x.index_select(2, longTensor(idx)).permute(0, 2, 1, 3, 4).reshape(N * Do, C, H, W);
}

/** (N * Do, C, H, W) back to (N, C, Do, H, W). */
function fromBatch(y: Tensor, N: number, Do: number): Tensor {
  const [, C, H, W] = y.shape;
  return y.reshape(N, Do, C, H, W).permute(0, 2, 1, 3, 4);
}

export interface Conv3dOptions {
  bias?: Tensor | null;
  stride?: Size;
  padding?: ConvPadding;
  dilation?: Size;
  groups?: number;
}
export type Conv3dArgs = PyArgs<[bias?: Tensor | null, stride?: Size, padding?: ConvPadding, dilation?: Size, groups?: number], Conv3dOptions>;

/** F.conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1): (N, C, D, H, W) or unbatched (C, D, H, W). */
export function conv3d(input: Tensor, weight: Tensor, ...args: Conv3dArgs): Tensor {
  checkTensor(input, "conv3d");
  checkTensor(weight, "conv3d", "weight");
  const a = parseArgs<Conv3dOptions>("conv3d", ["bias", "stride", "padding", "dilation", "groups"], args);
  checkConvArgTypes("conv3d", args);
  checkConvWeightRank("conv3d", 3, input, weight, a);
  checkConvDtypes(input, weight, a.bias ?? null, "conv3d", ntuple("conv3d", "dilation", a.dilation ?? 1, 3).some((d) => d > 1));
  if (input.dim() === 4) return conv3d(input.unsqueeze(0), weight, { ...a }).squeeze(0);
  if (input.dim() !== 5) throw new RuntimeError(`Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: [${input.shape.join(", ")}]`);
  if (weight.dim() !== 5) throw new RuntimeError(`weight should have at least three dimensions`);
  const groups = a.groups ?? 1;
  const k = weight.shape.slice(2);
  const stride = ntuple("conv3d", "stride", a.stride ?? 1, 3);
  const dilation = ntuple("conv3d", "dilation", a.dilation ?? 1, 3);
  const [before, after] = convPadding("conv3d", a.padding ?? 0, k, stride, dilation);
  const [N, C] = input.shape;
  if (C !== weight.shape[1] * groups) {
    throw new RuntimeError(`Given groups=${groups}, weight of size [${weight.shape.join(", ")}], expected input[${input.shape.join(", ")}] to have ${weight.shape[1] * groups} channels, but got ${C} channels instead`);
  }
  const x = before.some((p) => p) || after.some((p) => p) ? pad(input, [before[2], after[2], before[1], after[1], before[0], after[0]]) : input;
  const Dp = x.shape[2];
  const Do = Math.floor((Dp - dilation[0] * (k[0] - 1) - 1) / stride[0]) + 1;
  if (Do < 1) throw new RuntimeError(`Calculated output size is too small: input depth ${Dp} (padded), kernel depth ${k[0]}`);
  let out: Tensor | null = null;
  for (let kd = 0; kd < k[0]; kd++) {
    const y = conv2d(depthTap(x, Do, stride[0], kd, dilation[0]), weight.select(2, kd), null, stride.slice(1), 0, dilation.slice(1), groups);
    out = out ? out.add(y) : y;
  }
  let res = fromBatch(out!, N, Do);
  if (a.bias) res = res.add(a.bias.reshape(1, -1, 1, 1, 1));
  return res;
}

export interface Pool3dOptions {
  kernel_size?: Size;
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  ceil_mode?: boolean;
  return_indices?: boolean;
  count_include_pad?: boolean;
  divisor_override?: number | null;
}

/** PyTorch's pooling_output_shape for one dim. */
function pooledSize(n: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  const num = n + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((ceil ? num + s - 1 : num) / s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

/**
 * Parses and checks a 3-d pool's arguments as torch 1.13 does (checkPoolArgs, then avg_pool3d's input-size check, then
 * "Output size is too small" with the plane count and the three sizes). `input` is batched [N, C, T, H, W].
 */
function poolSetup(fn: string, input: Tensor, a: Pool3dOptions, dilation: number[] | null) {
  if (a.kernel_size === undefined) throw new RuntimeError(`${fn}() missing 1 required positional argument: 'kernel_size'`);
  if (input.dim() !== 4 && input.dim() !== 5) throw new RuntimeError(`non-empty 4D or 5D (batch mode) tensor expected for input`);
  const k = ntuple(fn, "kernel_size", a.kernel_size, 3);
  const s = a.stride === undefined || a.stride === null || (Array.isArray(a.stride) && a.stride.length === 0) ? k.slice() : ntuple(fn, "stride", a.stride, 3);
  const p = ntuple(fn, "padding", a.padding ?? 0, 3);
  const d = dilation ?? [1, 1, 1];
  checkPoolArgs(k, s, p, d, ["T", "H", "W"]);
  const sizes = input.shape.slice(-3);
  if (dilation === null && sizes.some((n, i) => n < k[i])) {
    throw new RuntimeError(`input image (T: ${sizes[0]} H: ${sizes[1]} W: ${sizes[2]}) smaller than kernel size (kT: ${k[0]} kH: ${k[1]} kW: ${k[2]})`);
  }
  const out = sizes.map((n, i) => pooledSize(n, k[i], p[i], s[i], d[i], a.ceil_mode ?? false));
  if (out.some((o) => o < 1)) {
    const c = input.shape[input.dim() - 4];
    throw new RuntimeError(`Given input size: (${[c, ...sizes].join("x")}). Calculated output size: (${[c, ...out].join("x")}). Output size is too small`);
  }
  return { k, s, p };
}

type MaxPool3dPositional = [kernel_size: Size, stride?: Size | null, padding?: Size, dilation?: Size, ceil_mode?: boolean, return_indices?: boolean];

/** F.max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False); with return_indices: [output, indices]. */
export function max_pool3d(input: Tensor, ...args: [...(Size | boolean | null | undefined)[], Pool3dOptions & { return_indices: true }]): [Tensor, Tensor];
export function max_pool3d(input: Tensor, ...args: PyArgs<MaxPool3dPositional, Pool3dOptions>): Tensor;
export function max_pool3d(input: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  checkTensor(input, "max_pool3d");
  checkPoolDtype("max_pool3d", input);
  const a = parseArgs<Pool3dOptions>("max_pool3d", ["kernel_size", "stride", "padding", "dilation", "ceil_mode", "return_indices"], args);
  // return_indices: torch runs max_pool3d_with_indices (values and flat T*H*W indices per plane, for max_unpool3d)
  if (a.return_indices) return max_pool3d_with_indices(input, { ...a, return_indices: true });
  if (input.dim() === 4) return max_pool3d(input.unsqueeze(0), { ...a }).squeeze(0);
  const d = ntuple("max_pool3d", "dilation", a.dilation ?? 1, 3);
  const { k, s, p } = poolSetup("max_pool3d", input, a, d);
  const ceil = a.ceil_mode ?? false;
  const [N, C, D] = input.shape;
  const Do = pooledSize(D, k[0], p[0], s[0], d[0], ceil);
  // Depth padding with -inf on both sides (enough for ceil_mode's last window); H and W pad inside max_pool2d.
  const need = (Do - 1) * s[0] + d[0] * (k[0] - 1) + 1;
  const right = Math.max(0, need - D - p[0]);
  const x = p[0] || right ? pad(input, [0, 0, 0, 0, p[0], right], "constant", -Infinity) : input;
  let out: Tensor | null = null;
  for (let kd = 0; kd < k[0]; kd++) {
    const slab = depthTap(x, Do, s[0], kd, d[0]);
    const y = max_pool2d(slab, k.slice(1), s.slice(1), p.slice(1), d.slice(1), ceil);
    out = out ? out.maximum(y) : y;
  }
  return fromBatch(out!, N, Do).reshape(N, C, Do, out!.shape[2], out!.shape[3]);
}

/** F.avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None) */
export function avg_pool3d(
  input: Tensor,
  ...args: PyArgs<[kernel_size: Size, stride?: Size | null, padding?: Size, ceil_mode?: boolean, count_include_pad?: boolean, divisor_override?: number | null], Pool3dOptions>
): Tensor {
  checkTensor(input, "avg_pool3d");
  checkPoolDtype("avg_pool3d", input);
  // int64 as torch: the exact window sums divided in integers (truncated toward zero); see ops/pool.ts's avgPool
  if (input.dtype === int64) return avg_pool3d(input.to(float64), ...args).trunc().to(int64);
  const a = parseArgs<Pool3dOptions>("avg_pool3d", ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"], args);
  if (input.dim() === 4) return avg_pool3d(input.unsqueeze(0), { ...a }).squeeze(0);
  if (a.ceil_mode) return avgPool3dCeil(input, a);
  const { k, s, p } = poolSetup("avg_pool3d", input, a, null);
  const [N, , D] = input.shape;
  const Do = pooledSize(D, k[0], p[0], s[0], 1, false);
  const x = p[0] ? pad(input, [0, 0, 0, 0, p[0], p[0]]) : input;
  const khw = k[1] * k[2];
  // Window sums: avg_pool2d with padding counted, times kh * kw, summed over the depth taps.
  let sum: Tensor | null = null;
  for (let kd = 0; kd < k[0]; kd++) {
    const y = avg_pool2d(depthTap(x, Do, s[0], kd, 1), k.slice(1), s.slice(1), p.slice(1), false, true).mul(khw);
    sum = sum ? sum.add(y) : y;
  }
  let res = fromBatch(sum!, N, Do);
  if (a.divisor_override) {
    if (a.divisor_override === 0) throw new RuntimeError("divisor must be not zero");
    return res.div(a.divisor_override);
  }
  if (a.count_include_pad ?? true) return res.div(k[0] * khw);
  // Count the real (unpadded) elements of each window the same way, on a tensor of ones.
  const ones = empty([1, 1, D, input.shape[3], input.shape[4]], input.dtype);
  ones._data.fill(1);
  const onesP = p[0] ? pad(ones, [0, 0, 0, 0, p[0], p[0]]) : ones;
  let count: Tensor | null = null;
  for (let kd = 0; kd < k[0]; kd++) {
    const y = avg_pool2d(depthTap(onesP, Do, s[0], kd, 1), k.slice(1), s.slice(1), p.slice(1), false, true).mul(khw);
    count = count ? count.add(y) : y;
  }
  res = res.div(fromBatch(count!, 1, Do));
  return res;
}

/**
 * avg_pool3d with ceil_mode=True, as torch 1.13's CPU kernel: the last window of a dim may run past the input (and its
 * padding); its sum covers what it holds, and its divisor is the window clipped at input + padding (count_include_pad)
 * or at the input (not), or divisor_override. The sums are the plain path's over an input zero-padded far enough on
 * the right (so the gradient is theirs), divided by those per-window counts.
 */
function avgPool3dCeil(input: Tensor, a: Pool3dOptions): Tensor {
  const { k, s, p } = poolSetup("avg_pool3d", input, a, null);
  const sizes = input.shape.slice(2);
  const outs = sizes.map((n, i) => pooledSize(n, k[i], p[i], s[i], 1, true));
  const extra = sizes.map((n, i) => Math.max(0, (outs[i] - 1) * s[i] + k[i] - (n + 2 * p[i])));
  const x = pad(input, [p[2], p[2] + extra[2], p[1], p[1] + extra[1], p[0], p[0] + extra[0]]);
  const sums = avg_pool3d(x, { kernel_size: k, stride: s, padding: 0, divisor_override: 1 });
  if (a.divisor_override !== undefined && a.divisor_override !== null) {
    if (a.divisor_override === 0) throw new RuntimeError("divisor must be not zero");
    return sums.div(a.divisor_override);
  }
  const include = a.count_include_pad ?? true;
  // per dim and output index: torch's window length (clipped at n + p), or its part inside the input
  const lens = sizes.map((n, i) =>
    Array.from({ length: outs[i] }, (_, o) => {
      const start = o * s[i] - p[i];
      const end = Math.min(start + k[i], n + p[i]);
      return include ? end - start : Math.min(end, n) - Math.max(start, 0);
    }),
  );
  const div = empty([outs[0], outs[1], outs[2]], input.dtype);
  let at = 0;
  // (a window wholly in the padding sums 0: torch writes 0, so any nonzero divisor does)
  for (const t of lens[0]) for (const h of lens[1]) for (const w of lens[2]) div._data[at++] = Math.max(1, t * h * w);
  return sums.div(div);
}

/** Output sizes of 3-D adaptive pooling: an int, or a triple whose null entries keep the input's size. */
function adaptive3(fn: string, input: Tensor, size: AdaptiveSize | undefined): number[] {
  if (size === undefined) throw new RuntimeError(`${fn}() missing 1 required positional argument: 'output_size'`);
  const sp = input.shape.slice(input.dim() - 3);
  const arr = size === null ? [null, null, null] : typeof size === "number" ? [size, size, size] : size.length === 1 ? [size[0], size[0], size[0]] : [...size];
  if (arr.length !== 3) throw new RuntimeError(`${fn}: output_size must be 3`);
  return arr.map((v, i) => (v === null ? sp[i] : v));
}

/** One adaptive window per output depth (PyTorch's start = floor(o * D / Do), end = ceil((o + 1) * D / Do)), reduced by `reduce`, then pooled in 2-D. */
function adaptive3d(fn: string, input: Tensor, size: AdaptiveSize | undefined, reduce: (slab: Tensor) => Tensor, pool2d: (x: Tensor, hw: number[]) => Tensor): Tensor {
  checkTensor(input, fn);
  if (input.dim() === 4) return adaptive3d(fn, input.unsqueeze(0), size, reduce, pool2d).squeeze(0);
  if (input.dim() !== 5) throw new RuntimeError(`${fn}(): Expected 4D or 5D tensor, but got [${input.shape.join(", ")}]`);
  const [Do, Ho, Wo] = adaptive3(fn, input, size);
  const D = input.shape[2];
  const planes: Tensor[] = [];
  for (let o = 0; o < Do; o++) {
    const start = Math.floor((o * D) / Do);
    const end = Math.ceil(((o + 1) * D) / Do);
    planes.push(pool2d(reduce(input.narrow(2, start, end - start)), [Ho, Wo]));
  }
  return stack(planes, 2);
}

/**
 * F.adaptive_avg_pool3d(input, output_size): the mean over each adaptive (depth x height x
 * width) box; the box is a product of ranges, so the depth mean then the 2-D adaptive mean
 * gives the same value.
 */
export function adaptive_avg_pool3d(input: Tensor, ...args: PyArgs<[output_size: AdaptiveSize], { output_size?: AdaptiveSize }>): Tensor {
  const size = parseArgs<{ output_size?: AdaptiveSize }>("adaptive_avg_pool3d", ["output_size"], args).output_size;
  return adaptive3d("adaptive_avg_pool3d", input, size, (s) => s.mean(2), (x, hw) => adaptive_avg_pool2d(x, hw));
}

type AdaptiveMax3dOptions = { output_size?: AdaptiveSize; return_indices?: boolean };

/** F.adaptive_max_pool3d(input, output_size, return_indices=False): the maximum over each adaptive box; with return_indices [output, indices]. */
export function adaptive_max_pool3d(input: Tensor, ...args: [...(AdaptiveSize | boolean | undefined)[], AdaptiveMax3dOptions & { return_indices: true }]): [Tensor, Tensor];
export function adaptive_max_pool3d(input: Tensor, ...args: PyArgs<[output_size: AdaptiveSize, return_indices?: boolean], AdaptiveMax3dOptions>): Tensor;
export function adaptive_max_pool3d(input: Tensor, ...args: unknown[]): Tensor | [Tensor, Tensor] {
  const a = parseArgs<AdaptiveMax3dOptions>("adaptive_max_pool3d", ["output_size", "return_indices"], args);
  // return_indices: torch runs adaptive_max_pool3d_with_indices
  if (a.return_indices) return adaptive_max_pool3d_with_indices(input, a.output_size as number | readonly (number | null)[]);
  return adaptive3d("adaptive_max_pool3d", input, a.output_size, (s) => s.amax(2), (x, hw) => adaptive_max_pool2d(x, hw));
}

/** conv_transpose1d/2d's keywords. */
export type ConvTranspose3dOptions = ConvTransposeOptions;

/**
 * F.conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
 * dilation=1): each kernel depth tap kd is a 2-D transposed convolution of every input depth
 * slice id, added at output depth id * stride + kd * dilation - padding (taps landing outside
 * the output are cropped, as the padding does).
 */
export function conv_transpose3d(
  input: Tensor,
  weight: Tensor,
  ...args: PyArgs<[bias?: Tensor | null, stride?: Size, padding?: Size, output_padding?: Size, groups?: number, dilation?: Size], ConvTranspose3dOptions>
): Tensor {
  checkTensor(input, "conv_transpose3d");
  checkTensor(weight, "conv_transpose3d", "weight");
  const a = parseArgs<ConvTranspose3dOptions>("conv_transpose3d", ["bias", "stride", "padding", "output_padding", "groups", "dilation"], args);
  if (input.dim() === 4) return conv_transpose3d(input.unsqueeze(0), weight, { ...a }).squeeze(0);
  if (input.dim() !== 5) throw new RuntimeError(`Expected 4D (unbatched) or 5D (batched) input to conv_transpose3d, but got input of size: [${input.shape.join(", ")}]`);
  if (weight.dim() !== 5) throw new RuntimeError("weight should have at least three dimensions");
  const groups = a.groups ?? 1;
  // torch's int[] arguments: a string, a float or an explicit None is a TypeError (undefined is the default)
  const arg = (name: "stride" | "padding" | "dilation" | "output_padding", dflt: number) => intTupleArg("conv_transpose3d", name, a[name] === undefined ? dflt : a[name], 3);
  const s = arg("stride", 1);
  const p = arg("padding", 0);
  const op = arg("output_padding", 0);
  const d = arg("dilation", 1);
  const [N, C, D, H, W] = input.shape;
  if (C !== weight.shape[0]) {
    throw new RuntimeError(`Given transposed=1, weight of size [${weight.shape.join(", ")}], expected input[${input.shape.join(", ")}] to have ${weight.shape[0]} channels, but got ${C} channels instead`);
  }
  checkOutputPadding(op, s, d);
  const kD = weight.shape[2];
  const Do = (D - 1) * s[0] - 2 * p[0] + d[0] * (kD - 1) + op[0] + 1;
  const slices = input.permute(0, 2, 1, 3, 4).reshape(N * D, C, H, W);
  let out: Tensor | null = null;
  for (let kd = 0; kd < kD; kd++) {
    const y = conv_transpose2d(slices, weight.select(2, kd), null, s.slice(1), p.slice(1), op.slice(1), groups, d.slice(1));
    const [, Co, Ho, Wo] = y.shape;
    const planes = y.reshape(N, D, Co, Ho, Wo);
    const src: number[] = [];
    const dst: number[] = [];
    for (let id = 0; id < D; id++) {
      const od = id * s[0] + kd * d[0] - p[0];
      if (od >= 0 && od < Do) {
        src.push(id);
        dst.push(od);
      }
    }
    if (!out) {
      const zeros = empty([N, Do, Co, Ho, Wo], y.dtype);
      zeros._data.fill(0);
      out = zeros;
    }
    if (src.length) out = out.index_add(1, longTensor(dst), planes.index_select(1, longTensor(src)));
  }
  let res = out!.permute(0, 2, 1, 3, 4);
  if (a.bias) res = res.add(a.bias.reshape(1, -1, 1, 1, 1));
  return res;
}
