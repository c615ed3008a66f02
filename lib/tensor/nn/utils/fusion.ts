/**
 * torch.nn.utils.fusion (PyTorch 1.13): folding an eval-mode BatchNorm into the preceding
 * convolution or linear layer, W' = W * gamma / sqrt(var + eps) (per output channel; per input
 * channel slot of a transposed convolution's weight), b' = (b - mean) * gamma / sqrt(var + eps) + beta.
 */
import { checkNoMoreArgs, parseArgs, type PyArgs } from "../../args";
import { leadingArgs } from "../../leading_args";
import { TorchError } from "../../errors";
import { ones_like, zeros_like } from "../../ops/creation";
import { Tensor } from "../../tensor";
import { deepcopyModule } from "../deepcopy";
import { Module } from "../module";
import { Parameter } from "../parameter";

type Slots = Record<string, unknown>;
const slotsOf = (m: Module) => m as unknown as Slots;
const assertionError = (message: string) => new TorchError(message, "AssertionError");

/** fuse_conv_bn_weights / fuse_linear_bn_weights by keyword: conv_w=..., conv_b=..., bn_rm=..., ... */
export interface ConvBnWeights { conv_w: Tensor; conv_b: Tensor | null; bn_rm: Tensor; bn_rv: Tensor; bn_eps: number; bn_w: Tensor | null; bn_b: Tensor | null; transpose?: boolean }
export interface LinearBnWeights { linear_w: Tensor; linear_b: Tensor | null; bn_rm: Tensor; bn_rv: Tensor; bn_eps: number; bn_w: Tensor; bn_b: Tensor }
const CONV_BN_NAMES = ["conv_w", "conv_b", "bn_rm", "bn_rv", "bn_eps", "bn_w", "bn_b"];
const LINEAR_BN_NAMES = ["linear_w", "linear_b", "bn_rm", "bn_rv", "bn_eps", "bn_w", "bn_b"];

/** The fused (weight, bias) as Parameters. */
export function fuse_conv_bn_weights(
  conv_w: Tensor, conv_b: Tensor | null, bn_rm: Tensor, bn_rv: Tensor, bn_eps: number, bn_w: Tensor | null, bn_b: Tensor | null,
  ...args: PyArgs<[transpose?: boolean], { transpose?: boolean }>
): [Parameter, Parameter];
export function fuse_conv_bn_weights(options: ConvBnWeights): [Parameter, Parameter];
export function fuse_conv_bn_weights(...all: unknown[]): [Parameter, Parameter] {
  const [conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, ...args] = leadingArgs("fuse_conv_bn_weights", CONV_BN_NAMES, 7, all) as [
    Tensor, Tensor | null, Tensor, Tensor, number, Tensor | null, Tensor | null, ...unknown[],
  ];
  const transpose = parseArgs<{ transpose: boolean }>("fuse_conv_bn_weights", ["transpose"], args).transpose ?? false;
  const b = conv_b ?? zeros_like(bn_rm);
  const w = bn_w ?? ones_like(bn_rm);
  const beta = bn_b ?? zeros_like(bn_rm);
  const rsqrt = bn_rv.add(bn_eps).rsqrt();
  const rest = new Array<number>(conv_w.dim() - 2).fill(1);
  const shape = transpose ? [1, -1, ...rest] : [-1, 1, ...rest];
  const fusedW = conv_w.mul(w.mul(rsqrt).reshape(shape));
  const fusedB = b.sub(bn_rm).mul(rsqrt).mul(w).add(beta);
  return [new Parameter(fusedW.detach(), conv_w.requires_grad), new Parameter(fusedB.detach(), b.requires_grad)];
}

/** A copy of conv with bn folded in: `fuse_conv_bn_eval(conv.eval(), bn.eval())`. */
export function fuse_conv_bn_eval<M extends Module>(conv: M, bn: Module, ...args: PyArgs<[transpose?: boolean], { transpose?: boolean }>): M;
/** fuse_conv_bn_eval(conv, bn=bn, transpose=False), or every argument by keyword. */
export function fuse_conv_bn_eval<M extends Module>(conv: M, options: { bn: Module; transpose?: boolean }): M;
export function fuse_conv_bn_eval<M extends Module>(options: { conv: M; bn: Module; transpose?: boolean }): M;
export function fuse_conv_bn_eval<M extends Module>(...all: unknown[]): M {
  const [conv, bn, ...args] = leadingArgs("fuse_conv_bn_eval", ["conv", "bn"], 2, all) as [M, Module, ...unknown[]];
  const transpose = parseArgs<{ transpose: boolean }>("fuse_conv_bn_eval", ["transpose"], args).transpose ?? false;
  if (conv.training || bn.training) throw assertionError("Fusion only for eval!");
  const fused = deepcopyModule(conv);
  const s = slotsOf(fused);
  const b = slotsOf(bn);
  const [w, bias] = fuse_conv_bn_weights(
    s.weight as Tensor, (s.bias as Tensor | null) ?? null, b.running_mean as Tensor, b.running_var as Tensor, b.eps as number,
    (b.weight as Tensor | null) ?? null, (b.bias as Tensor | null) ?? null, transpose,
  );
  s.weight = w;
  s.bias = bias;
  return fused;
}

/** The fused (weight, bias) of a Linear followed by BatchNorm1d. */
export function fuse_linear_bn_weights(
  linear_w: Tensor, linear_b: Tensor | null, bn_rm: Tensor, bn_rv: Tensor, bn_eps: number, bn_w: Tensor, bn_b: Tensor,
): [Parameter, Parameter];
export function fuse_linear_bn_weights(options: LinearBnWeights): [Parameter, Parameter];
export function fuse_linear_bn_weights(...all: unknown[]): [Parameter, Parameter] {
  const [linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, ...extra] = leadingArgs("fuse_linear_bn_weights", LINEAR_BN_NAMES, 7, all) as [
    Tensor, Tensor | null, Tensor, Tensor, number, Tensor, Tensor, ...unknown[],
  ];
  checkNoMoreArgs("fuse_linear_bn_weights", extra);
  const b = linear_b ?? zeros_like(bn_rm);
  const scale = bn_w.mul(bn_rv.add(bn_eps).rsqrt());
  const fusedW = linear_w.mul(scale.unsqueeze(-1));
  const fusedB = b.sub(bn_rm).mul(scale).add(bn_b);
  return [new Parameter(fusedW.detach(), linear_w.requires_grad), new Parameter(fusedB.detach(), b.requires_grad)];
}

/** A copy of linear with bn folded in. */
export function fuse_linear_bn_eval<M extends Module>(linear: M, bn: Module): M;
/** fuse_linear_bn_eval(linear, bn=bn), or every argument by keyword. */
export function fuse_linear_bn_eval<M extends Module>(linear: M, options: { bn: Module }): M;
export function fuse_linear_bn_eval<M extends Module>(options: { linear: M; bn: Module }): M;
export function fuse_linear_bn_eval<M extends Module>(...all: unknown[]): M {
  const [linear, bn, ...extra] = leadingArgs("fuse_linear_bn_eval", ["linear", "bn"], 2, all) as [M, Module, ...unknown[]];
  checkNoMoreArgs("fuse_linear_bn_eval", extra);
  if (linear.training || bn.training) throw assertionError("Fusion only for eval!");
  const fused = deepcopyModule(linear);
  const s = slotsOf(fused);
  const b = slotsOf(bn);
  const [w, bias] = fuse_linear_bn_weights(
    s.weight as Tensor, (s.bias as Tensor | null) ?? null, b.running_mean as Tensor, b.running_var as Tensor, b.eps as number, b.weight as Tensor, b.bias as Tensor,
  );
  s.weight = w;
  s.bias = bias;
  return fused;
}

export const fusion = { fuse_conv_bn_eval, fuse_conv_bn_weights, fuse_linear_bn_eval, fuse_linear_bn_weights };
