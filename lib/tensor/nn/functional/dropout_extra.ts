/**
 * The dropout variants of torch.nn.functional: dropout1d / dropout2d / dropout3d (whole
 * channels), alpha_dropout and feature_alpha_dropout (SELU networks: dropped units take the
 * SELU saturation value and an affine map keeps mean and variance).
 *
 * Masks are drawn like F.dropout's, as PyTorch 1.13's _dropout_impl on CPU (no MKL):
 * bernoulli_(1 - p), one 53-bit uniform per element (here per channel for the feature
 * variants), kept when u < 1 - p; the same seed drops the same units as in PyTorch.
 */
import { parseArgs, type PyArgs } from "../../args";
import { RuntimeError, ValueError } from "../../errors";
import { default_generator, type Generator } from "../../random";
import type { Tensor } from "../../tensor";
import { unary_ } from "../../ops/inplace";
import { checkTensor, empty, floatType } from "./_util";
import { warnOnce } from "../../warnings";

export interface DropoutNdOptions {
  p?: number;
  training?: boolean;
  inplace?: boolean;
  /** Keyword only: the stream the mask is drawn from (default: torch's seeded generator). */
  generator?: Generator;
}
export type DropoutNdArgs = PyArgs<[p?: number, training?: boolean, inplace?: boolean], DropoutNdOptions>;

interface Parsed {
  p: number;
  training: boolean;
  gen: Generator;
  /** The dropped values written into the input and the input returned (inplace=True), as torch's `${fn}_`, or a new tensor. */
  apply: (input: Tensor, compute: (x: Tensor) => Tensor) => Tensor;
}

function parse(fn: string, args: readonly unknown[], trainingDefault: boolean): Parsed {
  const a = parseArgs<DropoutNdOptions>(fn, ["p", "training", "inplace", "generator"], args);
  const p = a.p ?? 0.5;
  if (!(p >= 0 && p <= 1)) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${p}`);
  const apply = (input: Tensor, compute: (x: Tensor) => Tensor): Tensor => (a.inplace ? unary_(input, `${fn}_`, compute) : compute(input));
  return { p, training: a.training ?? trainingDefault, gen: a.generator ?? default_generator, apply };
}

/** A 0/1 noise tensor of `shape` (kept with probability 1 - p), in x's floating dtype. */
function bernoulliNoise(x: Tensor, shape: readonly number[], p: number, gen: Generator): Tensor {
  const noise = empty(shape, floatType(x));
  const keep = 1 - p;
  for (let i = 0; i < noise._data.length; i++) noise._data[i] = gen.uniform53() < keep ? 1 : 0;
  return noise;
}

/** The noise shape of feature dropout: one draw per (sample, channel), broadcast over the rest. */
function featureShape(x: Tensor): number[] {
  if (x.dim() < 2) throw new RuntimeError("Feature dropout requires at least 2 dimensions in the input");
  return [x.shape[0], x.shape[1], ...new Array<number>(x.dim() - 2).fill(1)];
}

/**
 * PyTorch's _dropout_impl: plain (or alpha) dropout with noise of `shape`, on x.
 * Alpha dropout: out = x * a * noise + b, b = a * alpha' * p - a * alpha' * (1 - noise),
 * alpha' = 1.7580993408473766 (SELU's -scale * alpha), a = 1 / sqrt((alpha'^2 p + 1)(1 - p)).
 */
function dropoutImpl(x: Tensor, p: number, gen: Generator, shape: readonly number[], alpha: boolean): Tensor {
  if (p === 1) return x.mul(0);
  const noise = bernoulliNoise(x, shape, p, gen);
  if (!alpha) return x.mul(noise.div(1 - p));
  const ALPHA = 1.7580993408473766;
  const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
  const b = noise.sub(1).mul(ALPHA * a).add(ALPHA * a * p);
  return x.mul(noise.mul(a)).add(b);
}

export function featureDropout(x: Tensor, p: number, gen: Generator, alpha: boolean): Tensor {
  return dropoutImpl(x, p, gen, featureShape(x), alpha);
}

/** F.dropout1d(input, p=0.5, training=True, inplace=False): zeroes whole channels of (N, C, L) or (C, L). */
export function dropout1d(input: Tensor, ...args: DropoutNdArgs): Tensor {
  checkTensor(input, "dropout1d");
  const { p, training, gen, apply } = parse("dropout1d", args, true);
  const d = input.dim();
  if (d !== 2 && d !== 3) {
    throw new RuntimeError(
      `dropout1d: Expected 2D or 3D input, but received a ${d}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).`,
    );
  }
  if (!training || p === 0 || input.numel() === 0) return input;
  return apply(input, (x) => (d === 2 ? featureDropout(x.unsqueeze(0), p, gen, false).squeeze(0) : featureDropout(x, p, gen, false)));
}

function warnDims(fn: string, d: number, ok: readonly number[], spatial: number): void {
  if (ok.includes(d)) return;
  warnOnce(
    `UserWarning: ${fn}: Received a ${d}-D input to ${fn}, which is deprecated and will result in an error in a future release. To retain the behavior and silence this warning, please use dropout instead. Note that ${fn} exists to provide channel-wise dropout on inputs with ${spatial} spatial dimensions, a channel dimension, and an optional batch dimension (i.e. ${ok[0]}D or ${ok[1]}D inputs).`,
  );
}

/**
 * F.dropout2d(input, p=0.5, training=True, inplace=False): zeroes whole channels of (N, C, H, W).
 * As in PyTorch 1.13, 3-D input is taken as (N, C, L) (1-D channel dropout), with its warning.
 */
export function dropout2d(input: Tensor, ...args: DropoutNdArgs): Tensor {
  checkTensor(input, "dropout2d");
  const { p, training, gen, apply } = parse("dropout2d", args, true);
  const d = input.dim();
  warnDims("dropout2d", d, [3, 4], 2);
  if (d === 3) {
    warnOnce(
      "UserWarning: dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
    );
  }
  if (!training || p === 0 || input.numel() === 0) return input;
  return apply(input, (x) => featureDropout(x, p, gen, false));
}

/** F.dropout3d(input, p=0.5, training=True, inplace=False): zeroes whole channels of (N, C, D, H, W) or (C, D, H, W). */
export function dropout3d(input: Tensor, ...args: DropoutNdArgs): Tensor {
  checkTensor(input, "dropout3d");
  const { p, training, gen, apply } = parse("dropout3d", args, true);
  const d = input.dim();
  warnDims("dropout3d", d, [4, 5], 3);
  if (!training || p === 0 || input.numel() === 0) return input;
  return apply(input, (x) => (d !== 5 ? featureDropout(x.unsqueeze(0), p, gen, false).squeeze(0) : featureDropout(x, p, gen, false)));
}

/** F.alpha_dropout(input, p=0.5, training=False, inplace=False) (note: training defaults to False, as in PyTorch). */
export function alpha_dropout(input: Tensor, ...args: DropoutNdArgs): Tensor {
  checkTensor(input, "alpha_dropout");
  const { p, training, gen, apply } = parse("alpha_dropout", args, false);
  if (!training || p === 0 || input.numel() === 0) return input;
  return apply(input, (x) => dropoutImpl(x, p, gen, x.shape, true));
}

/** F.feature_alpha_dropout(input, p=0.5, training=False, inplace=False): alpha dropout of whole channels. */
export function feature_alpha_dropout(input: Tensor, ...args: DropoutNdArgs): Tensor {
  checkTensor(input, "feature_alpha_dropout");
  const { p, training, gen, apply } = parse("feature_alpha_dropout", args, false);
  if (!training || p === 0 || input.numel() === 0) return input;
  return apply(input, (x) => featureDropout(x, p, gen, true));
}
