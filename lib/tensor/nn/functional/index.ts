/**
 * torch.nn.functional, exported as `nn.functional` and as `F` (the same object).
 *
 * Signatures follow PyTorch's positional order; anything PyTorch accepts by keyword can be
 * passed in a trailing options object: `F.softmax(x, 1)` or `F.softmax(x, { dim: 1 })`,
 * `F.cross_entropy(logits, y, { weight, reduction: "sum" })`.
 */
import {
  elu,
  gelu,
  hardtanh,
  leaky_relu,
  log_softmax,
  prelu,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  tanh,
} from "./activation";
import { celu, glu, hardshrink, hardsigmoid, hardswish, logsigmoid, mish, rrelu, softmin, softshrink, softsign, tanhshrink, threshold } from "./activation_extra";
import { dropout } from "./dropout";
import { alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout } from "./dropout_extra";
import { group_norm, instance_norm, local_response_norm, normalize } from "./normalization_extra";
import {
  gaussian_nll_loss,
  hinge_embedding_loss,
  margin_ranking_loss,
  multi_margin_loss,
  multilabel_margin_loss,
  multilabel_soft_margin_loss,
  pairwise_distance,
  pdist,
  poisson_nll_loss,
  soft_margin_loss,
  triplet_margin_loss,
} from "./loss_extra";
import { ctc_loss } from "./ctc_loss";
import {
  affine_grid,
  grid_sample,
  interpolate,
  pixel_shuffle,
  pixel_unshuffle,
  upsample,
  upsample_bilinear,
  upsample_nearest,
} from "./resampling";
import { bilinear, embedding_bag, max_unpool1d, max_unpool2d, max_unpool3d } from "./layers_extra";
import { adaptive_avg_pool3d, adaptive_max_pool3d, avg_pool3d, conv3d, conv_transpose3d, max_pool3d } from "./conv3d";
import {
  celu_,
  channel_shuffle,
  elu_,
  gumbel_softmax,
  hardtanh_,
  leaky_relu_,
  lp_pool1d,
  lp_pool2d,
  native_channel_shuffle,
  relu_,
  rrelu_,
  selu_,
  threshold_,
  triplet_margin_with_distance_loss,
} from "./misc_extra";
import { linear } from "./linear";
import {
  binary_cross_entropy,
  binary_cross_entropy_with_logits,
  cross_entropy,
  l1_loss,
  mse_loss,
  nll_loss,
  one_hot,
} from "./loss";
import { cosine_embedding_loss, cosine_similarity, huber_loss, kl_div, smooth_l1_loss } from "./loss_composed";
import { batch_norm, layer_norm } from "./normalization";
import { embedding } from "./embedding";
import { scaled_dot_product_attention } from "./attention";
import { conv1d, conv2d, conv_transpose1d, conv_transpose2d, fold, unfold } from "./conv";
import * as pooling from "./pooling";
import { multi_head_attention_forward } from "./mha_forward";
import { adaptive_max_pool3d_with_indices, max_pool3d_with_indices } from "./pool3d_indices";
import { fractional_max_pool2d, fractional_max_pool2d_with_indices, fractional_max_pool3d, fractional_max_pool3d_with_indices } from "./fractional_pool";
import { isOptions, parseArgs, type PyArgs } from "../../args";
import { TypeError_ } from "../../errors";
import { Tensor } from "../../tensor";
import { checkNonTensorInput, INPUT_CHECKED, InputMode, inputMode } from "../../non_tensor_input";
import type { KeywordArgs } from "../../tensor_operand_keywords";
import { pad } from "./padding";

export type { Reduction } from "./_util";

const functionalBase = {
  // activations
  relu,
  relu6,
  sigmoid,
  tanh,
  leaky_relu,
  prelu,
  elu,
  selu,
  gelu,
  silu,
  softplus,
  hardtanh,
  softmax,
  log_softmax,
  // layers
  linear,
  dropout,
  batch_norm,
  layer_norm,
  embedding,
  scaled_dot_product_attention,
  one_hot,
  // losses
  mse_loss,
  l1_loss,
  binary_cross_entropy,
  binary_cross_entropy_with_logits,
  cross_entropy,
  nll_loss,
  huber_loss,
  smooth_l1_loss,
  kl_div,
  cosine_embedding_loss,
  cosine_similarity,
  // convolution, pooling, padding
  conv1d,
  conv2d,
  conv_transpose1d,
  conv_transpose2d,
  unfold,
  fold,
  pad,
  ...pooling,
  // API breadth a3: activations, dropout variants, normalization, resampling, losses
  hardswish, hardsigmoid, mish, logsigmoid, softsign, softshrink, hardshrink, tanhshrink, threshold, celu, glu, rrelu, softmin,
  dropout1d, dropout2d, dropout3d, alpha_dropout, feature_alpha_dropout,
  normalize, group_norm, instance_norm, local_response_norm,
  margin_ranking_loss, hinge_embedding_loss, soft_margin_loss, multilabel_soft_margin_loss, multi_margin_loss, multilabel_margin_loss,
  triplet_margin_loss, gaussian_nll_loss, poisson_nll_loss, pairwise_distance, pdist,
  ctc_loss,
  interpolate, upsample, upsample_nearest, upsample_bilinear, pixel_shuffle, pixel_unshuffle, affine_grid, grid_sample,
  bilinear, max_unpool1d, max_unpool2d, max_unpool3d, embedding_bag,
  conv3d, conv_transpose3d, max_pool3d, avg_pool3d, adaptive_avg_pool3d, adaptive_max_pool3d,
  gumbel_softmax, channel_shuffle, native_channel_shuffle, lp_pool1d, lp_pool2d, triplet_margin_with_distance_loss,
  relu_, elu_, leaky_relu_, hardtanh_, selu_, celu_, rrelu_, threshold_,
  multi_head_attention_forward, max_pool3d_with_indices, adaptive_max_pool3d_with_indices,
  fractional_max_pool2d, fractional_max_pool2d_with_indices, fractional_max_pool3d, fractional_max_pool3d_with_indices,
  /** F.adaptive_max_pool1d_with_indices(input, output_size) -> [values, indices] (PyTorch's always-indices form). */
  adaptive_max_pool1d_with_indices: (input: Tensor, ...args: PyArgs<[output_size: pooling.AdaptiveSize, return_indices?: boolean], { output_size?: pooling.AdaptiveSize; return_indices?: boolean }>): [Tensor, Tensor] => {
    const a = parseArgs<{ output_size?: pooling.AdaptiveSize; return_indices?: boolean }>("adaptive_max_pool1d_with_indices", ["output_size", "return_indices"], args);
    return pooling.adaptive_max_pool1d(input, { output_size: a.output_size, return_indices: true });
  },
  /** F.adaptive_max_pool2d_with_indices(input, output_size) -> [values, indices]. */
  adaptive_max_pool2d_with_indices: (input: Tensor, ...args: PyArgs<[output_size: pooling.AdaptiveSize, return_indices?: boolean], { output_size?: pooling.AdaptiveSize; return_indices?: boolean }>): [Tensor, Tensor] => {
    const a = parseArgs<{ output_size?: pooling.AdaptiveSize; return_indices?: boolean }>("adaptive_max_pool2d_with_indices", ["output_size", "return_indices"], args);
    return pooling.adaptive_max_pool2d(input, { output_size: a.output_size, return_indices: true });
  },
};

/**
 * F.* functions whose leading tensor operands torch 1.13 also takes by keyword, with their Python names:
 * F.cross_entropy(logits, target=y), F.mse_loss(input=pred, target=y), F.linear(x, weight=w, bias=b),
 * F.conv2d(x, weight=w, padding=1), F.embedding(idx, weight=emb), F.cosine_similarity(x1=a, x2=b), ...
 */
const TENSOR_OPERANDS = {
  cross_entropy: ["input", "target"], nll_loss: ["input", "target"], mse_loss: ["input", "target"], l1_loss: ["input", "target"],
  smooth_l1_loss: ["input", "target"], huber_loss: ["input", "target"], kl_div: ["input", "target"], binary_cross_entropy: ["input", "target"],
  binary_cross_entropy_with_logits: ["input", "target"], soft_margin_loss: ["input", "target"], multilabel_soft_margin_loss: ["input", "target"],
  multi_margin_loss: ["input", "target"], multilabel_margin_loss: ["input", "target"], hinge_embedding_loss: ["input", "target"],
  poisson_nll_loss: ["input", "target"], gaussian_nll_loss: ["input", "target", "var"], margin_ranking_loss: ["input1", "input2", "target"],
  cosine_embedding_loss: ["input1", "input2", "target"], triplet_margin_loss: ["anchor", "positive", "negative"],
  triplet_margin_with_distance_loss: ["anchor", "positive", "negative"],
  cosine_similarity: ["x1", "x2"], pairwise_distance: ["x1", "x2"], linear: ["input", "weight", "bias"], bilinear: ["input1", "input2", "weight", "bias"],
  conv1d: ["input", "weight", "bias"], conv2d: ["input", "weight", "bias"], conv3d: ["input", "weight", "bias"],
  conv_transpose1d: ["input", "weight", "bias"], conv_transpose2d: ["input", "weight", "bias"], conv_transpose3d: ["input", "weight", "bias"],
  embedding: ["input", "weight"], grid_sample: ["input", "grid"], prelu: ["input", "weight"],
  ctc_loss: ["log_probs", "targets", "input_lengths", "target_lengths"],
  // first reached by the audits' FN_HINTS (tests/unit/tensor/core/api_probe_inputs.ts)
  max_unpool1d: ["input", "indices"], max_unpool2d: ["input", "indices"], max_unpool3d: ["input", "indices"], embedding_bag: ["input", "weight"],
  batch_norm: ["input", "running_mean", "running_var"],
  multi_head_attention_forward: ["query", "key", "value", "embed_dim_to_check", "num_heads", "in_proj_weight", "in_proj_bias", "bias_k", "bias_v",
    "add_zero_attn", "dropout_p", "out_proj_weight", "out_proj_bias"],
  // not tensors, but positional-or-keyword the same way (F.layer_norm(x, normalized_shape=(4,)))
  layer_norm: ["input", "normalized_shape"], group_norm: ["input", "num_groups"],
  // every argument by keyword in the transformers' calls (F.softmax(input=att, dim=-1), F.pad(input=t, pad=(0, n), value=2),
  // F.scaled_dot_product_attention(query=q, key=k, value=v, is_causal=True))
  softmax: ["input"], log_softmax: ["input"], gelu: ["input"], relu: ["input"], dropout: ["input"], pad: ["input", "pad"],
  scaled_dot_product_attention: ["query", "key", "value"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/**
 * The type of a TENSOR_OPERANDS function: its own signatures and the keyword forms, leading operands (in order) then one
 * options object holding the others by their names N and the function's keyword arguments (F.mse_loss(a, { target: b }),
 * F.linear(x, { weight: w })), as the wrapper and the function's own parsing take them at run time, so a misspelt
 * keyword is flagged. A function whose signature has no such form (its last overload's parameters do not line up with
 * N) keeps the loose one: any leading operands, then any options object.
 */
type KeywordFormsOf<P extends readonly unknown[], N extends readonly string[]> = Exclude<KeywordArgs<P, N>, P>;
type WithOperandKeywords<G, N extends readonly string[]> = G extends (...args: infer P) => infer R
  ? [KeywordFormsOf<P, N>] extends [never] ? G & ((...args: [...operands: unknown[], options: Record<string, unknown>]) => R) : G & ((...args: KeywordFormsOf<P, N>) => R)
  : G;
type FunctionalWithOperandKeywords = {
  [K in keyof typeof functionalBase]: K extends keyof typeof TENSOR_OPERANDS ? WithOperandKeywords<(typeof functionalBase)[K], (typeof TENSOR_OPERANDS)[K]> : (typeof functionalBase)[K];
};

/**
 * fn, taking its leading operands (names, in order) from a trailing options object too: they are put at their
 * positions and the rest of the object passed on (so F.conv2d(x, { weight: w, padding: 1 }) is F.conv2d(x, w,
 * { padding: 1 })). A name given both ways raises Python's "got multiple values for argument"; other calls are as before.
 */
function withTensorOperands<F extends (...args: never[]) => unknown>(name: string, names: readonly string[], fn: F): F {
  const call = fn as unknown as (...a: unknown[]) => unknown;
  // F.linear(3, w): torch's TypeError (../../non_tensor_input.ts); one instanceof on the fast path
  const input = inputMode("F", name);
  // `arguments` rather than rest parameters, as ops/fixed_arity.ts: no array is built on the usual (positional) path
  /* eslint-disable prefer-rest-params */
  const wrapped = function (this: unknown): unknown {
    if (input !== InputMode.None && !(arguments[0] instanceof Tensor)) checkNonTensorInput("F", name, input, arguments);
    const last: unknown = arguments[arguments.length - 1];
    if (!isOptions(last) || !names.some((n) => n in last)) return call.apply(this, arguments as unknown as unknown[]);
    const positional = Array.prototype.slice.call(arguments, 0, -1) as unknown[];
    const rest: Record<string, unknown> = { ...last };
    names.forEach((n, i) => {
      if (!(n in rest)) return;
      if (i < positional.length && positional[i] !== undefined) throw new TypeError_(`${name}() got multiple values for argument '${n}'`);
      positional[i] = rest[n];
      delete rest[n];
    });
    const gap = positional.findIndex((v, i) => v === undefined && i < names.length && names[i] !== "bias" && names[i] !== "var");
    if (gap !== -1) throw new TypeError_(`${name}() missing 1 required positional argument: '${names[gap]}'`);
    return Object.keys(rest).length > 0 ? call(...positional, rest) : call(...positional);
  };
  /* eslint-enable prefer-rest-params */
  Object.defineProperty(wrapped, "name", { value: (fn as { name?: string }).name || name });
  if (input !== InputMode.None) INPUT_CHECKED.add(wrapped);
  return wrapped as unknown as F;
}

const withOperands = Object.fromEntries(
  Object.entries(TENSOR_OPERANDS).map(([name, names]) => [name, withTensorOperands(name, names, functionalBase[name as keyof typeof functionalBase] as (...a: never[]) => unknown)]),
) as Partial<typeof functionalBase>;

export const functional: FunctionalWithOperandKeywords = { ...functionalBase, ...withOperands } as FunctionalWithOperandKeywords;

export type Functional = typeof functional;
export default functional;
