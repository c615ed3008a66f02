/**
 * torch.* names PyTorch 1.13 has at top level that tutorials call, built on what exists:
 *  - the in-place functional forms torch.relu_(x), torch.exp_(x), ... (each is x.X_(...));
 *  - nn.functional ops under torch.*, with torch's own positional orders where they differ from
 *    F's: torch.dropout(input, p, train) (both required), torch.batch_norm(input, weight, bias,
 *    running_mean, running_var, training, momentum, eps, cudnn_enabled), torch.embedding(weight,
 *    indices, ...), and losses whose reduction is ATen's integer (0 none, 1 mean, 2 sum);
 *  - the window functions (ops/windows.ts) and the constants torch.e / pi / inf / nan.
 * Spread into the torch object by index.ts (it needs nn.functional, which torch.ts cannot import).
 */
import { parseArgs, type PyArgs } from "./args";
import { RuntimeError, TypeError_, ValueError } from "./errors";
import * as nn from "./nn/index";
import { Tensor } from "./tensor";
import { installTensorAliases } from "./tensor_aliases";
import { installTensorArityChecks, withFixedArityAll } from "./ops/fixed_arity";
import { nextafter } from "./ops/nextafter";
import { unsupportedDtypes } from "./dtype_unsupported";
import { cumulative_trapezoid, gradient } from "./ops/gradient";
import { get_default_dtype } from "./default_dtype";
import { float64, type DType } from "./dtype";
import { from_array, tensor } from "./ops/creation";
import { cat, vstack } from "./ops/join";
import * as windows from "./ops/windows";

const F = nn.functional;

installTensorAliases(Tensor.prototype);
// After every method is on the prototype: fixed-signature methods refuse extra arguments (ops/fixed_arity.ts).
installTensorArityChecks(Tensor.prototype);

/** torch.X_(x, ...args) is x.X_(...args) for these (PyTorch 1.13's torch namespace has them all). */
const INPLACE = [
  "abs_", "acos_", "asin_", "atan_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_",
  "erf_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "gcd_", "i0_", "index_put_", "lcm_", "ldexp_", "log10_",
  "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_",
  "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_",
] as const;
type InplaceName = (typeof INPLACE)[number];
type Method<K extends keyof Tensor> = Tensor[K] extends (...args: infer A) => infer R ? (x: Tensor, ...args: A) => R : never;
type InplaceFunctions = { [K in InplaceName]: Method<K> };

function inplaceFunctions(): InplaceFunctions {
  const out: Record<string, unknown> = {};
  for (const name of INPLACE) {
    out[name] = (x: Tensor, ...args: unknown[]) => {
      const method = (x as unknown as Record<string, unknown> | null)?.[name];
      if (typeof method !== "function") throw new TypeError_(`${name}(): argument 'input' (position 1) must be Tensor, not ${x === null ? "None" : typeof x}`);
      return (method as (...a: unknown[]) => unknown).apply(x, args);
    };
  }
  return out as InplaceFunctions;
}

/** ATen's integer reduction (0 none, 1 mean, 2 sum); the string forms are accepted too. */
export type Reduction = 0 | 1 | 2 | "none" | "mean" | "sum";
function reductionOf(fn: string, r: Reduction | undefined): "none" | "mean" | "sum" {
  if (r === undefined) return "mean";
  if (r === "none" || r === "mean" || r === "sum") return r;
  const name = (["none", "mean", "sum"] as const)[r as number];
  if (name === undefined) throw new ValueError(`${fn}(): ${String(r)} is not a valid value for reduction`);
  return name;
}

/** Positional-or-keyword arguments that PyTorch requires: TypeError naming the missing ones. */
function required<O extends object>(fn: string, a: Partial<O>, names: readonly (keyof O & string)[]): void {
  const missing = names.filter((n) => a[n] === undefined);
  if (missing.length > 0) {
    const list = missing.map((n) => `'${n}'`);
    const joined = list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
    throw new TypeError_(`${fn}() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${joined}`);
  }
}

export interface DropoutArgsT { p?: number; train?: boolean }
function dropoutLike(fn: string, impl: (x: Tensor, o: { p: number; training: boolean }) => Tensor) {
  return (input: Tensor, ...args: PyArgs<[p: number, train: boolean], DropoutArgsT>): Tensor => {
    const a = parseArgs<DropoutArgsT>(fn, ["p", "train"], args);
    required(fn, a, ["p", "train"]);
    return impl(input, { p: a.p as number, training: a.train as boolean });
  };
}

export interface BatchNormT { weight?: Tensor | null; bias?: Tensor | null; running_mean?: Tensor | null; running_var?: Tensor | null; training?: boolean; momentum?: number; eps?: number; cudnn_enabled?: boolean }
export interface InstanceNormT { weight?: Tensor | null; bias?: Tensor | null; running_mean?: Tensor | null; running_var?: Tensor | null; use_input_stats?: boolean; momentum?: number; eps?: number; cudnn_enabled?: boolean }
type MaybeT = Tensor | null;

export const torchFunctionalAliases = {
  conv1d: F.conv1d, conv2d: F.conv2d, conv3d: F.conv3d,
  conv_transpose1d: F.conv_transpose1d, conv_transpose2d: F.conv_transpose2d, conv_transpose3d: F.conv_transpose3d,
  /** torch.dropout(input, p, train): both required, unlike F.dropout. */
  dropout: dropoutLike("dropout", (x, o) => F.dropout(x, o)),
  alpha_dropout: dropoutLike("alpha_dropout", (x, o) => F.alpha_dropout(x, o)),
  feature_alpha_dropout: dropoutLike("feature_alpha_dropout", (x, o) => F.feature_alpha_dropout(x, o)),
  dropout_: dropoutLike("dropout_", (x, o) => F.dropout(x, { ...o, inplace: true })),
  alpha_dropout_: dropoutLike("alpha_dropout_", (x, o) => F.alpha_dropout(x, { ...o, inplace: true })),
  feature_alpha_dropout_: dropoutLike("feature_alpha_dropout_", (x, o) => F.feature_alpha_dropout(x, { ...o, inplace: true })),
  /** torch.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5, cudnn_enable=True). */
  layer_norm: (input: Tensor, normalized_shape: number | readonly number[], ...args: PyArgs<[weight?: MaybeT, bias?: MaybeT, eps?: number, cudnn_enable?: boolean], { weight?: MaybeT; bias?: MaybeT; eps?: number; cudnn_enable?: boolean }>) => {
    const a = parseArgs<{ weight?: MaybeT; bias?: MaybeT; eps?: number; cudnn_enable?: boolean }>("layer_norm", ["weight", "bias", "eps", "cudnn_enable"], args);
    return F.layer_norm(input, normalized_shape, { weight: a.weight ?? null, bias: a.bias ?? null, eps: a.eps ?? 1e-5 });
  },
  /** torch.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled): all required, as ATen. */
  batch_norm: (input: Tensor, ...args: PyArgs<[weight: MaybeT, bias: MaybeT, running_mean: MaybeT, running_var: MaybeT, training: boolean, momentum: number, eps: number, cudnn_enabled: boolean], BatchNormT>) => {
    const names = ["weight", "bias", "running_mean", "running_var", "training", "momentum", "eps", "cudnn_enabled"] as const;
    const a = parseArgs<BatchNormT>("batch_norm", names, args);
    required("batch_norm", a, ["training", "momentum", "eps", "cudnn_enabled"]);
    // F.batch_norm takes (N, C) or (N, C, L); torch.batch_norm any (N, C, *), normalised per channel alike.
    const flat = input.dim() > 3 ? input.reshape([input.shape[0], input.shape[1], -1]) : input;
    const y = F.batch_norm(flat, a.running_mean ?? null, a.running_var ?? null, { weight: a.weight ?? null, bias: a.bias ?? null, training: a.training, momentum: a.momentum, eps: a.eps });
    return flat === input ? y : y.reshape(input.shape);
  },
  /** torch.group_norm(input, num_groups, weight=None, bias=None, eps=1e-5, cudnn_enabled=True). */
  group_norm: (input: Tensor, num_groups: number, ...args: PyArgs<[weight?: MaybeT, bias?: MaybeT, eps?: number, cudnn_enabled?: boolean], { weight?: MaybeT; bias?: MaybeT; eps?: number; cudnn_enabled?: boolean }>) => {
    const a = parseArgs<{ weight?: MaybeT; bias?: MaybeT; eps?: number; cudnn_enabled?: boolean }>("group_norm", ["weight", "bias", "eps", "cudnn_enabled"], args);
    return F.group_norm(input, { num_groups, weight: a.weight ?? null, bias: a.bias ?? null, eps: a.eps ?? 1e-5 });
  },
  /** torch.instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled). */
  instance_norm: (input: Tensor, ...args: PyArgs<[weight: MaybeT, bias: MaybeT, running_mean: MaybeT, running_var: MaybeT, use_input_stats: boolean, momentum: number, eps: number, cudnn_enabled: boolean], InstanceNormT>) => {
    const names = ["weight", "bias", "running_mean", "running_var", "use_input_stats", "momentum", "eps", "cudnn_enabled"] as const;
    const a = parseArgs<InstanceNormT>("instance_norm", names, args);
    required("instance_norm", a, ["use_input_stats", "momentum", "eps", "cudnn_enabled"]);
    return F.instance_norm(input, { running_mean: a.running_mean ?? null, running_var: a.running_var ?? null, weight: a.weight ?? null, bias: a.bias ?? null, use_input_stats: a.use_input_stats, momentum: a.momentum, eps: a.eps });
  },
  max_pool1d: F.max_pool1d, max_pool2d: F.max_pool2d, max_pool3d: F.max_pool3d,
  /** torch.max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode) -> [values, indices]. */
  max_pool1d_with_indices: (input: Tensor, kernel_size: number | readonly number[], ...args: PyArgs<[stride?: number | readonly number[] | null, padding?: number | readonly number[], dilation?: number | readonly number[], ceil_mode?: boolean], { stride?: number | readonly number[] | null; padding?: number | readonly number[]; dilation?: number | readonly number[]; ceil_mode?: boolean }>): [Tensor, Tensor] => {
    const a = parseArgs<{ stride?: number | readonly number[] | null; padding?: number | readonly number[]; dilation?: number | readonly number[]; ceil_mode?: boolean }>("max_pool1d_with_indices", ["stride", "padding", "dilation", "ceil_mode"], args);
    const k = typeof kernel_size === "number" ? kernel_size : kernel_size[0];
    const one = (v: number | readonly number[] | null | undefined) => (v === null || v === undefined ? undefined : typeof v === "number" ? v : v[0]);
    return F.max_pool1d(input, { kernel_size: k, stride: one(a.stride), padding: one(a.padding), dilation: one(a.dilation), ceil_mode: a.ceil_mode, return_indices: true }) as unknown as [Tensor, Tensor];
  },
  avg_pool1d: F.avg_pool1d, adaptive_avg_pool1d: F.adaptive_avg_pool1d,
  /** torch.adaptive_max_pool1d(input, output_size) -> [values, indices], as ATen. */
  adaptive_max_pool1d: (input: Tensor, output_size: number | readonly number[]): [Tensor, Tensor] =>
    F.adaptive_max_pool1d(input, { output_size: typeof output_size === "number" ? output_size : output_size[0], return_indices: true }) as unknown as [Tensor, Tensor],
  /** torch.embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False): weight first, -1 meaning none. */
  embedding: (weight: Tensor, indices: Tensor, ...args: PyArgs<[padding_idx?: number, scale_grad_by_freq?: boolean, sparse?: boolean], { padding_idx?: number; scale_grad_by_freq?: boolean; sparse?: boolean }>) => {
    const a = parseArgs<{ padding_idx?: number; scale_grad_by_freq?: boolean; sparse?: boolean }>("embedding", ["padding_idx", "scale_grad_by_freq", "sparse"], args);
    const pad = a.padding_idx === undefined || a.padding_idx === -1 ? null : a.padding_idx;
    return F.embedding(indices, weight, { padding_idx: pad, scale_grad_by_freq: a.scale_grad_by_freq ?? false, sparse: a.sparse ?? false });
  },
  pixel_shuffle: F.pixel_shuffle, pixel_unshuffle: F.pixel_unshuffle, channel_shuffle: F.channel_shuffle,
  prelu: F.prelu, celu: F.celu, celu_: F.celu_, selu_: F.selu_, rrelu: F.rrelu, rrelu_: F.rrelu_, hardshrink: F.hardshrink,
  threshold: F.threshold, threshold_: F.threshold_,
  bilinear: F.bilinear, cosine_similarity: F.cosine_similarity, pairwise_distance: F.pairwise_distance, pdist: F.pdist,
  /** torch.kl_div(input, target, reduction=1, *, log_target=False). */
  kl_div: (input: Tensor, target: Tensor, ...args: PyArgs<[reduction?: Reduction], { reduction?: Reduction; log_target?: boolean }>) => {
    const a = parseArgs<{ reduction?: Reduction; log_target?: boolean }>("kl_div", ["reduction", "log_target"], args);
    return F.kl_div(input, target, { reduction: reductionOf("kl_div", a.reduction), log_target: a.log_target ?? false });
  },
  /** torch.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False). */
  ctc_loss: (log_probs: Tensor, targets: Tensor, input_lengths: Tensor | readonly number[], target_lengths: Tensor | readonly number[], ...args: PyArgs<[blank?: number, reduction?: Reduction, zero_infinity?: boolean], { blank?: number; reduction?: Reduction; zero_infinity?: boolean }>) => {
    const a = parseArgs<{ blank?: number; reduction?: Reduction; zero_infinity?: boolean }>("ctc_loss", ["blank", "reduction", "zero_infinity"], args);
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, { blank: a.blank ?? 0, reduction: reductionOf("ctc_loss", a.reduction), zero_infinity: a.zero_infinity ?? false });
  },
  /** torch.cosine_embedding_loss(input1, input2, target, margin=0, reduction=1). */
  cosine_embedding_loss: (input1: Tensor, input2: Tensor, target: Tensor, ...args: PyArgs<[margin?: number, reduction?: Reduction], { margin?: number; reduction?: Reduction }>) => {
    const a = parseArgs<{ margin?: number; reduction?: Reduction }>("cosine_embedding_loss", ["margin", "reduction"], args);
    return F.cosine_embedding_loss(input1, input2, target, { margin: a.margin ?? 0, reduction: reductionOf("cosine_embedding_loss", a.reduction) });
  },
  /** torch.margin_ranking_loss(input1, input2, target, margin=0, reduction=1). */
  margin_ranking_loss: (input1: Tensor, input2: Tensor, target: Tensor, ...args: PyArgs<[margin?: number, reduction?: Reduction], { margin?: number; reduction?: Reduction }>) => {
    const a = parseArgs<{ margin?: number; reduction?: Reduction }>("margin_ranking_loss", ["margin", "reduction"], args);
    return F.margin_ranking_loss(input1, input2, target, { margin: a.margin ?? 0, reduction: reductionOf("margin_ranking_loss", a.reduction) });
  },
  /** torch.hinge_embedding_loss(input, target, margin=1, reduction=1). */
  hinge_embedding_loss: (input: Tensor, target: Tensor, ...args: PyArgs<[margin?: number, reduction?: Reduction], { margin?: number; reduction?: Reduction }>) => {
    const a = parseArgs<{ margin?: number; reduction?: Reduction }>("hinge_embedding_loss", ["margin", "reduction"], args);
    return F.hinge_embedding_loss(input, target, { margin: a.margin ?? 1, reduction: reductionOf("hinge_embedding_loss", a.reduction) });
  },
  /** torch.triplet_margin_loss(anchor, positive, negative, margin=1, p=2, eps=1e-6, swap=False, reduction=1). */
  triplet_margin_loss: (anchor: Tensor, positive: Tensor, negative: Tensor, ...args: PyArgs<[margin?: number, p?: number, eps?: number, swap?: boolean, reduction?: Reduction], { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction }>) => {
    const a = parseArgs<{ margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction }>("triplet_margin_loss", ["margin", "p", "eps", "swap", "reduction"], args);
    return F.triplet_margin_loss(anchor, positive, negative, { margin: a.margin ?? 1, p: a.p ?? 2, eps: a.eps ?? 1e-6, swap: a.swap ?? false, reduction: reductionOf("triplet_margin_loss", a.reduction) });
  },
  /** torch.poisson_nll_loss(input, target, log_input, full, eps, reduction): all required, as ATen. */
  poisson_nll_loss: (input: Tensor, target: Tensor, ...args: PyArgs<[log_input: boolean, full: boolean, eps: number, reduction: Reduction], { log_input?: boolean; full?: boolean; eps?: number; reduction?: Reduction }>) => {
    const a = parseArgs<{ log_input?: boolean; full?: boolean; eps?: number; reduction?: Reduction }>("poisson_nll_loss", ["log_input", "full", "eps", "reduction"], args);
    required("poisson_nll_loss", a, ["log_input", "full", "eps", "reduction"]);
    return F.poisson_nll_loss(input, target, { log_input: a.log_input, full: a.full, eps: a.eps, reduction: reductionOf("poisson_nll_loss", a.reduction) });
  },
  /** torch.binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=1). */
  binary_cross_entropy_with_logits: (input: Tensor, target: Tensor, ...args: PyArgs<[weight?: MaybeT, pos_weight?: MaybeT, reduction?: Reduction], { weight?: MaybeT; pos_weight?: MaybeT; reduction?: Reduction }>) => {
    const a = parseArgs<{ weight?: MaybeT; pos_weight?: MaybeT; reduction?: Reduction }>("binary_cross_entropy_with_logits", ["weight", "pos_weight", "reduction"], args);
    return F.binary_cross_entropy_with_logits(input, target, { weight: a.weight ?? null, pos_weight: a.pos_weight ?? null, reduction: reductionOf("binary_cross_entropy_with_logits", a.reduction) });
  },
};

export interface RangeOptions { step?: number; dtype?: DType; requires_grad?: boolean; device?: unknown }

/**
 * torch.range(start, end, step=1): deprecated in PyTorch, kept for old tutorials. Unlike arange
 * the end is included: floor((end - start) / step) + 1 values, in the default dtype.
 */
function range(start: number, end: number, ...args: PyArgs<[step?: number], RangeOptions>): Tensor {
  const o = parseArgs<RangeOptions>("range", ["step", "dtype", "requires_grad", "device"], args);
  console.warn("UserWarning: torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).");
  const step = o.step ?? 1;
  if (step === 0) throw new RuntimeError("step must be nonzero");
  if ((step > 0 && end < start) || (step < 0 && end > start)) throw new RuntimeError("upper bound and larger bound inconsistent with step sign");
  const n = Math.floor((end - start) / step) + 1;
  const data = Float64Array.from({ length: n }, (_, i) => start + i * step);
  const t = from_array(data, [n], { dtype: get_default_dtype() === float64 ? float64 : undefined });
  const out = o.dtype ? t.to(o.dtype) : t;
  return o.requires_grad ? out.requires_grad_(true) : out;
}

/** torch.Size([2, 3]): the engine's shapes are plain number arrays, so this checks and copies one. */
function Size(sizes: Iterable<number> = []): number[] {
  const out = [...sizes];
  out.forEach((v, i) => {
    if (!Number.isInteger(v)) throw new TypeError_(`torch.Size() takes an iterable of 'int' (item ${i} is '${typeof v === "number" ? "float" : typeof v}')`);
  });
  return out;
}

/** torch.typename(obj): a tensor's legacy type name (torch.FloatTensor, ...), else the class name. */
function typename(obj: unknown): string {
  if (obj instanceof Tensor) return obj.type();
  if (obj === null || obj === undefined) return "NoneType";
  if (typeof obj !== "object" && typeof obj !== "function") return { number: Number.isInteger(obj) ? "int" : "float", string: "str", boolean: "bool" }[typeof obj as string] ?? typeof obj;
  return (obj as object).constructor?.name ?? "object";
}

export interface AsarrayOptions { dtype?: DType; copy?: boolean | null; requires_grad?: boolean; device?: unknown }

/** torch.asarray(obj, *, dtype, copy, requires_grad): shares a tensor unless a copy or another dtype is asked for. */
function asarray(obj: unknown, ...args: PyArgs<[], AsarrayOptions>): Tensor {
  const o = parseArgs<AsarrayOptions>("asarray", ["dtype", "copy", "requires_grad", "device"], args);
  let t: Tensor;
  if (obj instanceof Tensor) {
    const retyped = o.dtype && o.dtype !== obj.dtype;
    if (o.copy === false && retyped) throw new ValueError(`can't alias tensor from ${obj.dtype} to ${o.dtype} without copying`);
    t = retyped ? obj.to(o.dtype as DType) : o.copy ? obj.clone() : obj;
  } else t = tensor(obj as never, { dtype: o.dtype });
  return o.requires_grad ? t.requires_grad_(true) : t;
}

export const torchMisc = {
  row_stack: vstack,
  concatenate: cat,
  unflatten: (x: Tensor, dim: number, sizes: readonly number[]) => x.unflatten(dim, sizes),
  asarray,
  nextafter,
  gradient,
  cumulative_trapezoid,
  range,
  Size,
  typename,
  /** Always false: the engine has no Storage objects. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  is_storage: (obj: unknown) => false,
  is_signed: (x: Tensor) => x.is_signed(),
  is_same_size: (x: Tensor, other: Tensor) => x.is_same_size(other),
  get_device: (x: Tensor) => x.get_device(),
};

const torchAliasesAll = {
  ...unsupportedDtypes,
  ...torchMisc,
  ...inplaceFunctions(),
  ...torchFunctionalAliases,
  hann_window: windows.hann_window, hamming_window: windows.hamming_window, blackman_window: windows.blackman_window,
  bartlett_window: windows.bartlett_window, kaiser_window: windows.kaiser_window,
  nextafter,
  e: Math.E,
  pi: Math.PI,
  inf: Infinity,
  nan: NaN,
};

// Operand-only functions among them (torch.nextafter, is_signed, relu_, ...) refuse extra arguments, as torch.ts's.
export const torchAliases = { ...torchAliasesAll, ...withFixedArityAll(torchAliasesAll) };
