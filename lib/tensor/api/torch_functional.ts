/**
 * nn.functional ops under torch.*, with torch's own positional orders where they differ from F's:
 * torch.dropout(input, p, train) (both required), torch.batch_norm(input, weight, bias,
 * running_mean, running_var, training, momentum, eps, cudnn_enabled), torch.embedding(weight,
 * indices, ...), and losses whose reduction is ATen's integer (0 none, 1 mean, 2 sum).
 * Spread into torch by index.ts through ./index.ts (it needs nn.functional, which torch.ts cannot import).
 */
import { checkNoMoreArgs, parseArgs, type PyArgs } from "../args";
import { TypeError_, ValueError } from "../errors";
import * as nn from "../nn/index";
import type { Tensor } from "../tensor";

const F = nn.functional;

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

/** torch.conv2d ... torch.binary_cross_entropy_with_logits. */
export const torchFunctionalForms = {
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
  /** torch.adaptive_max_pool1d(input, output_size) -> [values, indices], as ATen (nothing else, by position or keyword). */
  adaptive_max_pool1d: (input: Tensor, output_size: number | readonly number[], ...rest: PyArgs<[], object>): [Tensor, Tensor] => {
    checkNoMoreArgs("adaptive_max_pool1d", rest);
    return F.adaptive_max_pool1d(input, { output_size: typeof output_size === "number" ? output_size : output_size[0], return_indices: true }) as unknown as [Tensor, Tensor];
  },
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
