/**
 * Activation functions as PyTorch's torch.nn.functional has them. The elementwise ones are the
 * core's fused kernels; here we add PyTorch's argument forms (`F.leaky_relu(x, 0.2)` or
 * `F.leaky_relu(x, { negative_slope: 0.2 })`) and PReLU, whose slope is a learnable tensor.
 *
 * `inplace=True` (relu, relu6, leaky_relu, elu, selu, silu, hardtanh and their modules) writes into the
 * input and returns it, as torch does: code keeps references to the input (yunjey's style transfer saves
 * vgg.features' conv outputs, which the next ReLU(inplace=True) rectifies in torch). Under autograd the
 * write goes through ops/inplace.ts (the node that made the input keeps a snapshot of its old values),
 * and a leaf that requires grad raises as in torch.
 */
import { differentiateThrough, record } from "../../autograd/function";
import { where } from "../../ops/where";
import { RuntimeError } from "../../errors";
import { parseArgs, type PyArgs, checkNoMoreArgs } from "../../args";
import type { DType } from "../../dtype";
import type { Tensor } from "../../tensor";
import { checkTensor, data, empty, floatType } from "./_util";
import { unary_ } from "../../ops/inplace";
import { warnOnce } from "../../warnings";

/** fn(input), or written into input when inplace (torch's relu_, leaky_relu_, ...). */
function maybeInplace(input: Tensor, inplace: boolean | undefined, op: string, fn: (x: Tensor) => Tensor): Tensor {
  if (!inplace) return fn(input);
  const out = unary_(input, `${op}_`, fn);
  // torch's in-place leaky_relu_ / elu_ (selu_ runs elu_) have nodes of their own, backward from the result:
  // LeakyReluBackward1 / EluBackward1 where the out-of-place forms record ...Backward0.
  const node = out.grad_fn;
  if (node && (node._name === "LeakyReluBackward0" || node._name === "EluBackward0")) node._name = node._name.replace(/0$/, "1");
  return out;
}

export interface InplaceOptions {
  inplace?: boolean;
}
export interface LeakyReLUOptions extends InplaceOptions {
  negative_slope?: number;
}
export interface ELUOptions extends InplaceOptions {
  alpha?: number;
}
export type GeluApproximate = "none" | "tanh";
export interface GELUOptions {
  approximate?: GeluApproximate;
}
export interface SoftplusOptions {
  beta?: number;
  threshold?: number;
}
export interface HardtanhOptions extends InplaceOptions {
  min_val?: number;
  max_val?: number;
}
export interface SoftmaxOptions {
  dim?: number | null;
  _stacklevel?: number;
  dtype?: DType;
}

export type InplaceArgs = PyArgs<[inplace?: boolean], InplaceOptions>;
export type LeakyReLUArgs = PyArgs<[negative_slope?: number, inplace?: boolean], LeakyReLUOptions>;
export type ELUArgs = PyArgs<[alpha?: number, inplace?: boolean], ELUOptions>;
export type GELUArgs = PyArgs<[approximate?: GeluApproximate], GELUOptions>;
export type SoftplusArgs = PyArgs<[beta?: number, threshold?: number], SoftplusOptions>;
export type HardtanhArgs = PyArgs<[min_val?: number, max_val?: number, inplace?: boolean], HardtanhOptions>;
export type SoftmaxArgs = PyArgs<[dim?: number | null, _stacklevel?: number, dtype?: DType], SoftmaxOptions>;

/** Argument parsers shared with the modules (nn.LeakyReLU(...) takes F.leaky_relu's settings). */
export const parseInplace = (fn: string, args: readonly unknown[]) => parseArgs<InplaceOptions>(fn, ["inplace"], args);
export const parseLeakyReLU = (fn: string, args: readonly unknown[]) => parseArgs<LeakyReLUOptions>(fn, ["negative_slope", "inplace"], args);
export const parseELU = (fn: string, args: readonly unknown[]) => parseArgs<ELUOptions>(fn, ["alpha", "inplace"], args);
export const parseGELU = (fn: string, args: readonly unknown[]) => parseArgs<GELUOptions>(fn, ["approximate"], args);
export const parseSoftplus = (fn: string, args: readonly unknown[]) => parseArgs<SoftplusOptions>(fn, ["beta", "threshold"], args);
export const parseHardtanh = (fn: string, args: readonly unknown[]) => parseArgs<HardtanhOptions>(fn, ["min_val", "max_val", "inplace"], args);
export const parseSoftmax = (fn: string, args: readonly unknown[]) => parseArgs<SoftmaxOptions>(fn, ["dim", "_stacklevel", "dtype"], args);

export function relu(input: Tensor, ...args: InplaceArgs): Tensor {
  checkTensor(input, "relu");
  return parseInplace("relu", args).inplace ? input.relu_() : input.relu();
}

export function relu6(input: Tensor, ...args: InplaceArgs): Tensor {
  checkTensor(input, "relu6");
  return maybeInplace(input, parseInplace("relu6", args).inplace, "hardtanh", (x) => x.hardtanh(0, 6));
}

/** nn.Sigmoid's forward: torch.sigmoid, without F.sigmoid's deprecation warning. */
export function sigmoidOf(input: Tensor, ...extra: never[]): Tensor {
  checkTensor(input, "sigmoid");
  checkNoMoreArgs("sigmoid", extra);
  return input.sigmoid();
}

/** nn.Tanh's forward: torch.tanh, without F.tanh's deprecation warning. */
export function tanhOf(input: Tensor, ...extra: never[]): Tensor {
  checkTensor(input, "tanh");
  checkNoMoreArgs("tanh", extra);
  return input.tanh();
}

/** F.sigmoid, deprecated in torch 1.13: its UserWarning once (Python shows it once, from functional.py), then torch.sigmoid. */
export function sigmoid(input: Tensor, ...extra: never[]): Tensor {
  warnOnce("UserWarning: nn.functional.sigmoid is deprecated. Use torch.sigmoid instead.");
  return sigmoidOf(input, ...extra);
}

/** F.tanh, deprecated in torch 1.13: its UserWarning once, then torch.tanh. */
export function tanh(input: Tensor, ...extra: never[]): Tensor {
  warnOnce("UserWarning: nn.functional.tanh is deprecated. Use torch.tanh instead.");
  return tanhOf(input, ...extra);
}

/** F.leaky_relu(input, negative_slope=0.01, inplace=False) */
export function leaky_relu(input: Tensor, ...args: LeakyReLUArgs): Tensor {
  checkTensor(input, "leaky_relu");
  const a = parseLeakyReLU("leaky_relu", args);
  return maybeInplace(input, a.inplace, "leaky_relu", (x) => x.leaky_relu(a.negative_slope ?? 0.01));
}

/** F.elu(input, alpha=1.0, inplace=False) */
export function elu(input: Tensor, ...args: ELUArgs): Tensor {
  checkTensor(input, "elu");
  const a = parseELU("elu", args);
  return maybeInplace(input, a.inplace, "elu", (x) => x.elu(a.alpha ?? 1));
}

export function selu(input: Tensor, ...args: InplaceArgs): Tensor {
  checkTensor(input, "selu");
  return maybeInplace(input, parseInplace("selu", args).inplace, "selu", (x) => x.selu());
}

/** F.gelu(input, approximate='none'); also F.gelu(x, "tanh"). */
export function gelu(input: Tensor, ...args: GELUArgs): Tensor {
  checkTensor(input, "gelu");
  const approximate: string = parseGELU("gelu", args).approximate ?? "none";
  if (approximate !== "none" && approximate !== "tanh") {
    throw new RuntimeError(`approximate argument must be either none or tanh, got '${approximate}'`);
  }
  return input.gelu({ approximate });
}

export function silu(input: Tensor, ...args: InplaceArgs): Tensor {
  checkTensor(input, "silu");
  return maybeInplace(input, parseInplace("silu", args).inplace, "silu", (x) => x.silu());
}

/** F.softplus(input, beta=1, threshold=20): log(1 + exp(beta*x)) / beta, linear above threshold. */
export function softplus(input: Tensor, ...args: SoftplusArgs): Tensor {
  checkTensor(input, "softplus");
  const a = parseSoftplus("softplus", args);
  return input.softplus(a.beta ?? 1, a.threshold ?? 20);
}

export function hardtanh(input: Tensor, ...args: HardtanhArgs): Tensor {
  checkTensor(input, "hardtanh");
  const a = parseHardtanh("hardtanh", args);
  return maybeInplace(input, a.inplace, "hardtanh", (x) => x.hardtanh(a.min_val ?? -1, a.max_val ?? 1));
}

/**
 * PyTorch's legacy rule when softmax gets no dim: 0 for 0-, 1- and 3-d input, else 1, with its
 * warning once (Python's default filter shows it once per call site: a training loop's nn.Softmax()
 * warned at every step).
 */
export function implicitSoftmaxDim(ndim: number, fn = "softmax"): number {
  warnOnce(`UserWarning: Implicit dimension choice for ${fn} has been deprecated. Change the call to include dim=X as an argument.`);
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** F.softmax(input, dim) or F.softmax(input, { dim }). */
export function softmax(input: Tensor, ...args: SoftmaxArgs): Tensor {
  checkTensor(input, "softmax");
  const a = parseSoftmax("softmax", args);
  const dim = a.dim ?? implicitSoftmaxDim(input.dim());
  return a.dtype ? input.softmax(dim, a.dtype) : input.softmax(dim);
}

/** F.log_softmax(input, dim) or F.log_softmax(input, { dim }). */
export function log_softmax(input: Tensor, ...args: SoftmaxArgs): Tensor {
  checkTensor(input, "log_softmax");
  const a = parseSoftmax("log_softmax", args);
  const dim = a.dim ?? implicitSoftmaxDim(input.dim(), "log_softmax");
  return a.dtype ? input.log_softmax(dim, a.dtype) : input.log_softmax(dim);
}

/**
 * F.prelu(input, weight): max(0, x) + weight * min(0, x), with one slope shared by all
 * channels (weight of one element) or one per channel (dim 1 of the input).
 */
export function prelu(input: Tensor, weight: Tensor, ...extra: PyArgs<[], object>): Tensor {
  checkNoMoreArgs("prelu", extra); // F.prelu(input, weight) has no other parameter
  checkTensor(input, "prelu");
  checkTensor(weight, "prelu", "weight");
  const C = weight.numel();
  const channels = input.dim() >= 2 ? input.shape[1] : 1;
  if (C !== 1 && C !== channels) {
    throw new RuntimeError(
      `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${C} and channel size = ${channels}.`,
    );
  }
  const dt = floatType(input);
  const x = data(input.dtype === dt ? input : input.to(dt));
  const w = data(weight);
  // Elements are laid out as [outer, C, inner]: the channel of flat index i is floor(i / inner) % C.
  const inner = input.dim() >= 2 ? input.shape.slice(2).reduce((p, s) => p * s, 1) : 1;
  const chanOf = (i: number): number => (C === 1 ? 0 : Math.floor(i / inner) % C);
  const out = empty(input.shape, dt);
  const y = out._data;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = v > 0 ? v : w[chanOf(i)] * v;
  }
  return record(
    out,
    "PreluBackward0",
    [input, weight],
    (g) => {
      const gd = data(g);
      const gx = empty(input.shape, dt);
      const gw = empty(weight.shape, weight.dtype);
      const gwAcc = new Float64Array(C);
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        const c = chanOf(i);
        if (v > 0) gx._data[i] = gd[i];
        else {
          gx._data[i] = w[c] * gd[i];
          gwAcc[c] += v * gd[i];
        }
      }
      gw._data.set(gwAcc);
      return [input.requires_grad ? gx : null, weight.requires_grad ? gw : null];
    },
    [input, weight],
    // create_graph: max(0, x) + w min(0, x) per channel, in recorded ops.
    (g) => differentiateThrough((xx, ww) => {
      const wb = C === 1 ? ww.reshape([]) : ww.reshape([C, ...new Array<number>(Math.max(0, input.dim() - 2)).fill(1)]);
      return where(xx.gt(0), xx, xx.mul(wb));
    }, [input, weight], g),
  );
}

