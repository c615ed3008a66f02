/**
 * torch.nn.grad: the gradients of a convolution with respect to its input and its weight, as
 * functions of their own (conv{1,2,3}d_input(input_size, weight, grad_output, stride, padding,
 * dilation, groups) and conv{1,2,3}d_weight(input, weight_size, grad_output, ...)). The "Fusing
 * Convolution and Batch Norm using Custom Function" tutorial calls them from a custom backward.
 *
 * A convolution is linear in its input and in its weight, so the gradient with respect to one of
 * them does not depend on that one's value: it is autograd's gradient of conv(zeros, weight)
 * (or conv(input, zeros)) against grad_output, the convolution_backward torch 1.13 calls. Under
 * grad mode, with weight / input / grad_output requiring grad, the result is recorded, so it can
 * be differentiated again (double backward), as torch's.
 */
import { parseArgs, type PyArgs } from "../args";
import { runBackward } from "../autograd/engine";
import { is_grad_enabled } from "../autograd/grad_mode";
import { RuntimeError } from "../errors";
import { zeros } from "../ops/creation";
import type { Tensor } from "../tensor";
import { conv1d, conv2d, type Size } from "./functional/conv";
import { conv3d } from "./functional/conv3d";

interface ConvGradOptions { stride?: Size; padding?: Size; dilation?: Size; groups?: number }
type ConvGradArgs = PyArgs<[stride?: Size, padding?: Size, dilation?: Size, groups?: number], ConvGradOptions>;
type ConvFn = (input: Tensor, weight: Tensor, bias: null, stride: Size, padding: Size, dilation: Size, groups: number) => Tensor;

const CONVS: Record<1 | 2 | 3, ConvFn> = { 1: conv1d as ConvFn, 2: conv2d as ConvFn, 3: conv3d as ConvFn };

function options(fn: string, args: ConvGradArgs): Required<ConvGradOptions> {
  const o = parseArgs<ConvGradOptions>(fn, ["stride", "padding", "dilation", "groups"], args);
  return { stride: o.stride ?? 1, padding: o.padding ?? 0, dilation: o.dilation ?? 1, groups: o.groups ?? 1 };
}

function sizeOf(fn: string, what: string, size: readonly number[] | Tensor, rank: number): number[] {
  const s = Array.isArray(size) ? (size as number[]) : ((size as Tensor).shape as number[]);
  if (s.length !== rank || s.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new RuntimeError(`${fn}: ${what} must be a sequence of ${rank} non-negative integers, got [${s.join(", ")}]`);
  }
  return s.slice();
}

/** d conv(x, weight) / d x applied to grad_output, for x of shape input_size. */
function convInput(fn: string, n: 1 | 2 | 3, inputSize: readonly number[], weight: Tensor, gradOutput: Tensor, args: ConvGradArgs): Tensor {
  const o = options(fn, args);
  const size = sizeOf(fn, "input_size", inputSize, n + 2);
  const x = zeros(size, { dtype: gradOutput.dtype, requires_grad: true });
  const y = CONVS[n](x, weight, null, o.stride, o.padding, o.dilation, o.groups);
  return gradOf(fn, y, x, gradOutput, weight);
}

/** d conv(input, w) / d w applied to grad_output, for w of shape weight_size. */
function convWeight(fn: string, n: 1 | 2 | 3, input: Tensor, weightSize: readonly number[], gradOutput: Tensor, args: ConvGradArgs): Tensor {
  const o = options(fn, args);
  const size = sizeOf(fn, "weight_size", weightSize, n + 2);
  const w = zeros(size, { dtype: gradOutput.dtype, requires_grad: true });
  const y = CONVS[n](input, w, null, o.stride, o.padding, o.dilation, o.groups);
  return gradOf(fn, y, w, gradOutput, input);
}

function gradOf(fn: string, y: Tensor, wrt: Tensor, gradOutput: Tensor, other: Tensor): Tensor {
  if (y.shape.length !== gradOutput.shape.length || y.shape.some((d, i) => d !== gradOutput.shape[i])) {
    throw new RuntimeError(`${fn}: grad_output has shape [${gradOutput.shape.join(", ")}], but the convolution's output has shape [${y.shape.join(", ")}]`);
  }
  // Recorded only when someone could differentiate the result again.
  const createGraph = is_grad_enabled() && (gradOutput.requires_grad || other.requires_grad);
  const [g] = runBackward([y], [createGraph ? gradOutput : gradOutput.detach()], { capture: [wrt], create_graph: createGraph, stop_at_capture: true });
  return g ?? zeros(wrt.shape as number[], { dtype: gradOutput.dtype });
}

export function conv1d_input(input_size: readonly number[], weight: Tensor, grad_output: Tensor, ...args: ConvGradArgs): Tensor {
  return convInput("conv1d_input", 1, input_size, weight, grad_output, args);
}
export function conv1d_weight(input: Tensor, weight_size: readonly number[], grad_output: Tensor, ...args: ConvGradArgs): Tensor {
  return convWeight("conv1d_weight", 1, input, weight_size, grad_output, args);
}
export function conv2d_input(input_size: readonly number[], weight: Tensor, grad_output: Tensor, ...args: ConvGradArgs): Tensor {
  return convInput("conv2d_input", 2, input_size, weight, grad_output, args);
}
export function conv2d_weight(input: Tensor, weight_size: readonly number[], grad_output: Tensor, ...args: ConvGradArgs): Tensor {
  return convWeight("conv2d_weight", 2, input, weight_size, grad_output, args);
}
export function conv3d_input(input_size: readonly number[], weight: Tensor, grad_output: Tensor, ...args: ConvGradArgs): Tensor {
  return convInput("conv3d_input", 3, input_size, weight, grad_output, args);
}
export function conv3d_weight(input: Tensor, weight_size: readonly number[], grad_output: Tensor, ...args: ConvGradArgs): Tensor {
  return convWeight("conv3d_weight", 3, input, weight_size, grad_output, args);
}

/** torch.nn.grad */
export const grad = { conv1d_input, conv1d_weight, conv2d_input, conv2d_weight, conv3d_input, conv3d_weight };
