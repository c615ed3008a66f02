/**
 * torch.nn.functional's other normalizations: normalize (unit p-norm along a dim), group_norm,
 * instance_norm (with optional running statistics) and local_response_norm. All are built
 * from differentiable tensor ops, so gradients (and gradients of gradients) come from the ops;
 * values match PyTorch 1.13 (tests/fixtures/torch/nn/functional_norm.json).
 */
import { parseArgs, type PyArgs, type PyArgsExact } from "../../args";
import { RuntimeError, ValueError } from "../../errors";
import { no_grad } from "../../autograd/grad_mode";
import { composite } from "../../autograd/function";
import { cat } from "../../ops/join";
import type { Tensor } from "../../tensor";
import { torchSize } from "../repr";
import { checkTensor } from "./_util";
import { batch_norm } from "./normalization";

export interface NormalizeOptions {
  p?: number;
  dim?: number;
  eps?: number;
  out?: null;
}

/** F.normalize(input, p=2.0, dim=1, eps=1e-12): input / max(||input||_p along dim, eps). */
export function normalize(input: Tensor, ...args: PyArgsExact<[p?: number, dim?: number, eps?: number, out?: null], NormalizeOptions>): Tensor {
  checkTensor(input, "normalize");
  const a = parseArgs<NormalizeOptions>("normalize", ["p", "dim", "eps", "out"], args);
  const denom = input.norm(a.p ?? 2, a.dim ?? 1, true).clamp_min(a.eps ?? 1e-12);
  return input.div(denom.expand_as(input));
}

/** The shape [1, C, 1, ...] that broadcasts a per-channel vector over (N, C, *) input. */
function channelShape(input: Tensor): number[] {
  return [1, input.shape[1], ...new Array<number>(input.dim() - 2).fill(1)];
}

function affine(y: Tensor, input: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined): Tensor {
  let out = y;
  if (weight) out = out.mul(weight.reshape(channelShape(input)));
  if (bias) out = out.add(bias.reshape(channelShape(input)));
  return out;
}

export interface GroupNormOptions {
  num_groups?: number;
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/** F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-05): normalizes each group of C / num_groups channels per sample. */
export function group_norm(
  input: Tensor,
  ...args: PyArgs<[num_groups: number, weight?: Tensor | null, bias?: Tensor | null, eps?: number], GroupNormOptions>
): Tensor {
  checkTensor(input, "group_norm");
  const a = parseArgs<GroupNormOptions>("group_norm", ["num_groups", "weight", "bias", "eps"], args);
  const G = a.num_groups;
  if (G === undefined) throw new RuntimeError("group_norm() missing 1 required positional argument: 'num_groups'");
  if (input.dim() < 2) throw new RuntimeError(`Expected at least 2 dimensions for input tensor but received ${input.dim()}`);
  const [N, C] = input.shape;
  if (C % G !== 0) {
    throw new RuntimeError(`Expected number of channels in input to be divisible by num_groups, but got input of shape [${input.shape.join(", ")}] and num_groups=${G}`);
  }
  for (const [name, t] of [["weight", a.weight], ["bias", a.bias]] as const) {
    if (t && (t.dim() !== 1 || t.numel() !== C)) {
      throw new RuntimeError(`Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape [${t.shape.join(", ")}] and input of shape [${input.shape.join(", ")}]`);
    }
  }
  const weight = a.weight ?? null, bias = a.bias ?? null;
  const inputs = [input, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  // One node, as torch's fused kernel has (what a printed output shows).
  return composite("NativeGroupNormBackward0", inputs, (x, ...rest) => {
    const g = x.reshape(N, G, -1);
    const mean = g.mean(-1, true);
    const variance = g.var(-1, false, true);
    const y = g.sub(mean).div(variance.add(a.eps ?? 1e-5).sqrt()).reshape(x.shape.slice());
    return affine(y, x, weight ? rest[0] : null, bias ? rest[weight ? 1 : 0] : null);
  });
}

export interface InstanceNormOptions {
  running_mean?: Tensor | null;
  running_var?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  use_input_stats?: boolean;
  momentum?: number;
  eps?: number;
}
export type InstanceNormArgs = PyArgs<
  [running_mean?: Tensor | null, running_var?: Tensor | null, weight?: Tensor | null, bias?: Tensor | null, use_input_stats?: boolean, momentum?: number, eps?: number],
  InstanceNormOptions
>;

/**
 * F.instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
 * use_input_stats=True, momentum=0.1, eps=1e-05): normalizes every (sample, channel) over its
 * spatial positions. With use_input_stats and running buffers, the buffers move toward the
 * batch average of the per-instance mean and unbiased variance (as PyTorch's batch_norm over
 * the reshaped (1, N*C, *) input does); without use_input_stats the buffers normalize.
 */
export function instance_norm(input: Tensor, ...args: InstanceNormArgs): Tensor {
  checkTensor(input, "instance_norm");
  const a = parseArgs<InstanceNormOptions>("instance_norm", ["running_mean", "running_var", "weight", "bias", "use_input_stats", "momentum", "eps"], args);
  const eps = a.eps ?? 1e-5;
  const useInputStats = a.use_input_stats ?? true;
  if (input.dim() < 2) throw new ValueError(`Expected 2D or higher input (got ${input.dim()}D input)`);
  const [N, C] = input.shape;
  const spatial = input.numel() / (N * C);
  if (useInputStats && spatial <= 1) {
    throw new ValueError(`Expected more than 1 spatial element when training, got input size ${torchSize(input.shape)}`);
  }
  // torch 1.13 normalises the input as one [1, N*C, ...] batch, each statistic and affine parameter repeated N times
  for (const [name, t] of [["running_mean", a.running_mean], ["running_var", a.running_var], ["weight", a.weight], ["bias", a.bias]] as const) {
    if (t && t.numel() !== C) throw new RuntimeError(`${name} should contain ${N * C} elements not ${N * t.numel()}`);
  }
  if (!useInputStats && (!a.running_mean || !a.running_var)) throw new RuntimeError("Expected running_mean and running_var to be defined when use_input_stats is false");
  // As aten's instance_norm, so the graph is torch's (ViewBackward0 <- NativeBatchNormBackward0 <- [ViewBackward0,
  // RepeatBackward0, RepeatBackward0]): one batch_norm of the [1, N*C, ...] view, the statistics and affine parameters
  // repeated N times, the repeated running statistics averaged back over N.
  const shape = [1, N * C, ...input.shape.slice(2)];
  const runningMean = a.running_mean ? a.running_mean.repeat(N) : null;
  const runningVar = a.running_var ? a.running_var.repeat(N) : null;
  const out = batch_norm(input.contiguous().view(shape), runningMean, runningVar, {
    weight: a.weight ? a.weight.repeat(N) : null, bias: a.bias ? a.bias.repeat(N) : null, training: useInputStats, momentum: a.momentum ?? 0.1, eps,
  });
  if (useInputStats) {
    no_grad(() => {
      if (a.running_mean) a.running_mean.copy_(runningMean!.view(N, C).mean(0));
      if (a.running_var) a.running_var.copy_(runningVar!.view(N, C).mean(0));
    });
  }
  return out.view(input.shape.slice());
}

export interface LocalResponseNormOptions {
  size?: number;
  alpha?: number;
  beta?: number;
  k?: number;
}

/**
 * F.local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0): each value divided by
 * (k + alpha * mean of squares over `size` neighbouring channels)^beta, the window zero-padded
 * by size // 2 before and (size - 1) // 2 after, as PyTorch's avg_pool with padding counted.
 */
export function local_response_norm(
  input: Tensor,
  ...args: PyArgs<[size: number, alpha?: number, beta?: number, k?: number], LocalResponseNormOptions>
): Tensor {
  checkTensor(input, "local_response_norm");
  const a = parseArgs<LocalResponseNormOptions>("local_response_norm", ["size", "alpha", "beta", "k"], args);
  const size = a.size;
  if (size === undefined) throw new RuntimeError("local_response_norm() missing 1 required positional argument: 'size'");
  if (input.dim() < 3) throw new ValueError(`Expected 3D or higher dimensionality                          input (got ${input.dim()} dimensions)`);
  if (input.numel() === 0) return input;
  const C = input.shape[1];
  const sq = input.mul(input);
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  const zeros = (n: number): Tensor => sq.narrow(1, 0, 1).mul(0).expand([input.shape[0], n, ...input.shape.slice(2)]);
  const parts: Tensor[] = [];
  if (before > 0) parts.push(zeros(before));
  parts.push(sq);
  if (after > 0) parts.push(zeros(after));
  const padded = parts.length === 1 ? sq : cat(parts, 1);
  let sum = padded.narrow(1, 0, C);
  for (let j = 1; j < size; j++) sum = sum.add(padded.narrow(1, j, C));
  const div = sum.div(size).mul(a.alpha ?? 1e-4).add(a.k ?? 1.0).pow(a.beta ?? 0.75);
  return input.div(div);
}
