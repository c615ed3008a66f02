/**
 * More of torch.nn.functional: gumbel_softmax, channel_shuffle (and native_channel_shuffle),
 * lp_pool1d / lp_pool2d, triplet_margin_with_distance_loss, and the in-place activations
 * relu_, elu_, leaky_relu_, hardtanh_, selu_, celu_, rrelu_, threshold_ (the input is
 * overwritten with the result through copy_, so autograd sees an in-place op as in PyTorch).
 * Built from differentiable tensor ops; values as PyTorch 1.13's (tests/fixtures/torch/nn/functional_misc.json).
 */
import { parseArgs, type PyArgs, type PyArgsExact, checkNoMoreArgs } from "../../args";
import { RuntimeError, ValueError } from "../../errors";
import { default_generator, type Generator } from "../../random";
import { withoutDerivative } from "../../autograd/not_implemented";
import { exponential_ } from "../../ops/inplace_extra";
import type { Tensor } from "../../tensor";
import * as Fa from "./activation";
import { celu, rrelu, threshold, type CELUArgs, type RReLUArgs, type ThresholdArgs } from "./activation_extra";
import { pairwise_distance } from "./loss_extra";
import { avg_pool1d, avg_pool2d } from "./pooling";
import { checkTensor, empty, floatType, type Reduction } from "./_util";

export interface GumbelSoftmaxOptions {
  tau?: number;
  hard?: boolean;
  eps?: number;
  dim?: number;
  /** Keyword only: the stream the Gumbel noise is drawn from (default: torch's seeded generator). */
  generator?: Generator;
}

/**
 * F.gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1): softmax((logits + g) / tau)
 * with g ~ Gumbel(0, 1); with hard, the one-hot of the argmax in the forward pass and the soft
 * sample's gradient (straight-through). The noise is torch's: -empty_like(logits).exponential_().log(),
 * so torch.manual_seed(0) gives torch's sample.
 */
export function gumbel_softmax(logits: Tensor, ...args: PyArgsExact<[tau?: number, hard?: boolean, eps?: number, dim?: number], GumbelSoftmaxOptions>): Tensor {
  checkTensor(logits, "gumbel_softmax", "logits");
  const a = parseArgs<GumbelSoftmaxOptions>("gumbel_softmax", ["tau", "hard", "eps", "dim", "generator"], args);
  const gen = a.generator ?? default_generator;
  const dim = a.dim ?? -1;
  // Gumbel noise -log(E), E ~ Exp(1), drawn as torch draws it (exponential_: one 53-bit uniform per element)
  const g = exponential_(empty(logits.shape, floatType(logits)), 1, gen).log().neg();
  const ySoft = logits.add(g).div(a.tau ?? 1).softmax(dim);
  if (!a.hard) return ySoft;
  const index = ySoft.argmax(dim, true);
  const yHard = ySoft.detach().mul(0).scatter(dim < 0 ? dim + logits.dim() : dim, index, 1.0);
  return yHard.sub(ySoft.detach()).add(ySoft);
}

function shuffleChannels(input: Tensor, op: string, args: readonly unknown[]): Tensor {
  checkTensor(input, "channel_shuffle");
  const groups = parseArgs<{ groups?: number }>("channel_shuffle", ["groups"], args).groups;
  if (groups === undefined) throw new RuntimeError("channel_shuffle() missing 1 required positional argument: 'groups'");
  if (input.dim() <= 2) throw new RuntimeError(`channel_shuffle expects input to have at least 3 dimensions, but got input with sizes [${input.shape.join(", ")}]`);
  if (!(groups > 0)) throw new RuntimeError(`Number of groups to divide channels in must be positive. Value of groups:${groups}`);
  const [N, C, ...rest] = input.shape;
  if (C % groups !== 0) throw new RuntimeError(`Number of channels must be divisible by groups. Got ${C} channels and ${groups} groups.`);
  // torch 1.13 has no derivative for it: the result hangs from a NotImplemented node, and backward raises
  return withoutDerivative(op, [input], () => input.reshape([N, groups, C / groups, ...rest]).transpose(1, 2).reshape(input.shape.slice()));
}

/** F.channel_shuffle(input, groups): (N, g * k, *) -> channels reordered as (N, k, g, *) transposed. */
export function channel_shuffle(input: Tensor, ...args: PyArgs<[groups: number], { groups?: number }>): Tensor {
  return shuffleChannels(input, "channel_shuffle", args);
}

/** F.native_channel_shuffle: the same as channel_shuffle (its missing derivative named aten::native_channel_shuffle). */
export function native_channel_shuffle(input: Tensor, ...args: PyArgs<[groups: number], { groups?: number }>): Tensor {
  return shuffleChannels(input, "aten::native_channel_shuffle", args);
}

type IntOrPair = number | readonly number[];
export interface LPPoolOptions {
  norm_type?: number;
  kernel_size?: IntOrPair;
  stride?: IntOrPair | null;
  ceil_mode?: boolean;
}
export type LPPoolArgs = PyArgs<[norm_type: number, kernel_size: IntOrPair, stride?: IntOrPair | null, ceil_mode?: boolean], LPPoolOptions>;
export const parseLPPool = (fn: string, args: readonly unknown[]) => parseArgs<LPPoolOptions>(fn, ["norm_type", "kernel_size", "stride", "ceil_mode"], args);

/** sign(out) relu(|out|) * window ** (1 / p): PyTorch's lp_pool tail. */
function lpTail(avg: Tensor, window: number, p: number): Tensor {
  return avg.sign().mul(avg.abs().relu()).mul(window).pow(1 / p);
}

/** F.lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False): (sum over the window of x^p)^(1/p). */
export function lp_pool1d(input: Tensor, ...args: LPPoolArgs): Tensor {
  checkTensor(input, "lp_pool1d");
  const a = parseLPPool("lp_pool1d", args);
  if (a.norm_type === undefined || a.kernel_size === undefined) throw new RuntimeError("lp_pool1d() needs norm_type and kernel_size");
  const k = typeof a.kernel_size === "number" ? a.kernel_size : a.kernel_size[0];
  const avg = avg_pool1d(input.pow(a.norm_type), { kernel_size: a.kernel_size, stride: a.stride ?? undefined, padding: 0, ceil_mode: a.ceil_mode ?? false } as never);
  return lpTail(avg, k, a.norm_type);
}

/** F.lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False): (sum over the window of x^p)^(1/p). */
export function lp_pool2d(input: Tensor, ...args: LPPoolArgs): Tensor {
  checkTensor(input, "lp_pool2d");
  const a = parseLPPool("lp_pool2d", args);
  if (a.norm_type === undefined || a.kernel_size === undefined) throw new RuntimeError("lp_pool2d() needs norm_type and kernel_size");
  const [kh, kw] = typeof a.kernel_size === "number" ? [a.kernel_size, a.kernel_size] : [a.kernel_size[0], a.kernel_size[1] ?? a.kernel_size[0]];
  const avg = avg_pool2d(input.pow(a.norm_type), { kernel_size: a.kernel_size, stride: a.stride ?? undefined, padding: 0, ceil_mode: a.ceil_mode ?? false } as never);
  return lpTail(avg, kh * kw, a.norm_type);
}

export interface TripletWithDistanceOptions {
  distance_function?: ((a: Tensor, b: Tensor) => Tensor) | null;
  margin?: number;
  swap?: boolean;
  reduction?: Reduction;
}

/**
 * F.triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
 * margin=1.0, swap=False, reduction='mean'): max(0, margin + d(a, p) - d(a, n)) for any
 * distance function (pairwise_distance by default). Keyword-only settings, as in PyTorch.
 */
export function triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, options: TripletWithDistanceOptions = {}): Tensor {
  for (const [t, n] of [[anchor, "anchor"], [positive, "positive"], [negative, "negative"]] as const) checkTensor(t, "triplet_margin_with_distance_loss", n);
  const a = parseArgs<TripletWithDistanceOptions>("triplet_margin_with_distance_loss", ["distance_function", "margin", "swap", "reduction"], [options]);
  const margin = a.margin ?? 1.0;
  const reduction = a.reduction ?? "mean";
  if (!["mean", "sum", "none"].includes(reduction)) throw new ValueError(`${reduction} is not a valid value for reduction`);
  // torch 1.13 compares no dims here: the distance function broadcasts (a 1-d negative against 2-d anchors is fine).
  const dist = a.distance_function ?? ((x: Tensor, y: Tensor) => pairwise_distance(x, y));
  const dPos = dist(anchor, positive);
  let dNeg = dist(anchor, negative);
  if (a.swap) dNeg = dNeg.minimum(dist(positive, negative));
  const loss = dPos.sub(dNeg).add(margin).clamp_min(0);
  return reduction === "none" ? loss : reduction === "sum" ? loss.sum() : loss.mean();
}

/** The in-place form of an activation: input overwritten with fn(input), returned. */
function inplace(input: Tensor, result: Tensor): Tensor {
  return input.copy_(result);
}

/** F.relu_(input) */
export function relu_(input: Tensor, ...extra: never[]): Tensor {
  checkTensor(input, "relu_");
  checkNoMoreArgs("relu_", extra);
  return inplace(input, Fa.relu(input));
}
/** F.elu_(input, alpha=1.0) */
export function elu_(input: Tensor, ...args: PyArgs<[alpha?: number], { alpha?: number }>): Tensor {
  checkTensor(input, "elu_");
  return inplace(input, Fa.elu(input, parseArgs<{ alpha?: number }>("elu_", ["alpha"], args).alpha ?? 1));
}
/** F.leaky_relu_(input, negative_slope=0.01) */
export function leaky_relu_(input: Tensor, ...args: PyArgs<[negative_slope?: number], { negative_slope?: number }>): Tensor {
  checkTensor(input, "leaky_relu_");
  return inplace(input, Fa.leaky_relu(input, parseArgs<{ negative_slope?: number }>("leaky_relu_", ["negative_slope"], args).negative_slope ?? 0.01));
}
/** F.hardtanh_(input, min_val=-1.0, max_val=1.0) */
export function hardtanh_(input: Tensor, ...args: PyArgs<[min_val?: number, max_val?: number], { min_val?: number; max_val?: number }>): Tensor {
  checkTensor(input, "hardtanh_");
  const a = parseArgs<{ min_val?: number; max_val?: number }>("hardtanh_", ["min_val", "max_val"], args);
  return inplace(input, Fa.hardtanh(input, a.min_val ?? -1, a.max_val ?? 1));
}
/** F.selu_(input) */
export function selu_(input: Tensor, ...extra: PyArgs<[], object>): Tensor {
  checkNoMoreArgs("selu_", extra);
  checkTensor(input, "selu_");
  return inplace(input, Fa.selu(input));
}
/** F.celu_(input, alpha=1.0) */
export function celu_(input: Tensor, ...args: CELUArgs): Tensor {
  return inplace(input, celu(input, ...args));
}
/** F.rrelu_(input, lower=1/8, upper=1/3, training=False) */
export function rrelu_(input: Tensor, ...args: RReLUArgs): Tensor {
  return inplace(input, rrelu(input, ...args));
}
/** F.threshold_(input, threshold, value) */
export function threshold_(input: Tensor, ...args: ThresholdArgs): Tensor {
  return inplace(input, threshold(input, ...args));
}
