/**
 * The rest of torch.nn.functional's activations: hardswish, hardsigmoid, mish, logsigmoid,
 * softsign, softshrink, hardshrink, tanhshrink, threshold, celu, glu, rrelu, softmin.
 *
 * Each is built from differentiable tensor ops inside `composite`, so it records one node
 * named like PyTorch's (HardswishBackward0, ...) and its gradient (and gradient of gradient)
 * comes from the ops' own formulas. Values match PyTorch 1.13 (tests/fixtures/torch/nn/functional_activations.json).
 * `inplace=True` (hardswish, hardsigmoid, mish, threshold, celu) writes into the input and returns it, as torch
 * (through ops/inplace.ts, as activation.ts's relu); rrelu's flag is still accepted only.
 */
import { parseArgs, type PyArgs, type PyArgsExact, checkNoMoreArgs } from "../../args";
import { composite } from "../../autograd/function";
import { cppTypeName } from "../../dtype";
import { RuntimeError } from "../../errors";
import { default_generator, type Generator } from "../../random";
import { where } from "../../ops/where";
import type { Tensor } from "../../tensor";
import { parseInplace, parseSoftmax, implicitSoftmaxDim, type InplaceArgs, type SoftmaxArgs } from "./activation";
import { checkTensor, empty, floatType } from "./_util";
import { unary_ } from "../../ops/inplace";

/** fn(input), or written into input when inplace (torch's hardswish_, threshold_, ...). */
function maybeInplace(input: Tensor, inplace: boolean | undefined, op: string, fn: (x: Tensor) => Tensor): Tensor {
  return inplace ? unary_(input, `${op}_`, fn) : fn(input);
}

function checkFloating(input: Tensor, kernel: string): void {
  if (!input.dtype.is_floating_point) throw new RuntimeError(`"${kernel}" not implemented for '${cppTypeName(input.dtype)}'`);
}

/**
 * F.hardswish(input, inplace=False): x * relu6(x + 3) / 6. Its gradient is torch's hardswish_backward:
 * x / 3 + 0.5 on the closed interval [-3, 3] (-0.5 at -3 and 1.5 at 3), its second derivative 1/3 on the open
 * interval only. relu6 as hardtanh gives the second (its gradient stops at the bounds) but 0 and 1 at -3 and 3;
 * the term (clamp(x, -3, 3) - hardtanh(x, -3, 3)) * c, zero in value, adds c where only clamp's gradient passes
 * (at -3 and 3), with c = clamp(x, -3, 3) / 6 held constant so the second derivative stays torch's.
 */
export function hardswish(input: Tensor, ...args: InplaceArgs): Tensor {
  checkTensor(input, "hardswish");
  const fn = (t: Tensor) =>
    composite("HardswishBackward0", [t], (x) => {
      const atBounds = x.clamp(-3, 3).sub(x.hardtanh(-3, 3)).mul(x.detach().clamp(-3, 3).div(6));
      return x.mul(x.add(3).hardtanh(0, 6)).div(6).add(atBounds);
    });
  return maybeInplace(input, parseInplace("hardswish", args).inplace, "hardswish", fn);
}

/** F.hardsigmoid(input, inplace=False): relu6(x + 3) / 6. */
export function hardsigmoid(input: Tensor, ...args: InplaceArgs): Tensor {
  checkTensor(input, "hardsigmoid");
  const fn = (t: Tensor) => composite("HardsigmoidBackward0", [t], (x) => x.add(3).hardtanh(0, 6).div(6));
  return maybeInplace(input, parseInplace("hardsigmoid", args).inplace, "hardsigmoid", fn);
}

/** F.mish(input, inplace=False): x * tanh(softplus(x)). */
export function mish(input: Tensor, ...args: InplaceArgs): Tensor {
  checkTensor(input, "mish");
  const fn = (t: Tensor) => composite("MishBackward0", [t], (x) => x.mul(x.softplus(1, 20).tanh()));
  return maybeInplace(input, parseInplace("mish", args).inplace, "mish", fn);
}

/**
 * F.logsigmoid(input): log(sigmoid(x)), stable for any x: -log1p(exp(-x)) for x >= 0 and x - log1p(exp(x))
 * below. Each branch sees its input clamped to its own side, so the other branch's gradient stays finite, and
 * the gradient is sigmoid(-x) everywhere (0.5 at 0, as torch; min(x, 0) - log1p(exp(-|x|)) gave 1 there).
 */
export function logsigmoid(input: Tensor, ...extra: never[]): Tensor {
  checkTensor(input, "logsigmoid");
  checkNoMoreArgs("logsigmoid", extra);
  checkFloating(input, "log_sigmoid_cpu"); // torch 1.13 has no integer or bool kernel (F.logsigmoid(labels) in a DPO loss)
  return composite("LogSigmoidBackward0", [input], (x) => {
    const pos = x.clamp_min(0).neg().exp().log1p().neg();
    const neg = x.clamp_max(0);
    return where(x.ge(0), pos, neg.sub(neg.exp().log1p()));
  });
}

/** F.softsign(input): x / (1 + |x|). */
export function softsign(input: Tensor, ...extra: never[]): Tensor {
  checkTensor(input, "softsign");
  checkNoMoreArgs("softsign", extra);
  return input.div(input.abs().add(1));
}

export interface ShrinkOptions {
  lambd?: number;
}
export type ShrinkArgs = PyArgs<[lambd?: number], ShrinkOptions>;
export const parseShrink = (fn: string, args: readonly unknown[]) => parseArgs<ShrinkOptions>(fn, ["lambd"], args);

function shrinkLambda(fn: string, args: readonly unknown[]): number {
  const lambd = parseShrink(fn, args).lambd ?? 0.5;
  if (!(lambd >= 0)) throw new RuntimeError(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return lambd;
}

/** F.softshrink(input, lambd=0.5): x - lambd above lambd, x + lambd below -lambd, else 0. */
export function softshrink(input: Tensor, ...args: ShrinkArgs): Tensor {
  checkTensor(input, "softshrink");
  const lambd = shrinkLambda("softshrink", args);
  return composite("SoftshrinkBackward0", [input], (x) => x.sub(x.clamp(-lambd, lambd)));
}

/** F.hardshrink(input, lambd=0.5): x where |x| > lambd, else 0. */
export function hardshrink(input: Tensor, ...args: ShrinkArgs): Tensor {
  checkTensor(input, "hardshrink");
  const lambd = shrinkLambda("hardshrink", args);
  return composite("HardshrinkBackward0", [input], (x) => where(x.abs().gt(lambd), x, 0));
}

/** F.tanhshrink(input): x - tanh(x). */
export function tanhshrink(input: Tensor, ...extra: never[]): Tensor {
  checkTensor(input, "tanhshrink");
  checkNoMoreArgs("tanhshrink", extra);
  return input.sub(input.tanh());
}

export interface ThresholdOptions {
  threshold?: number;
  value?: number;
  inplace?: boolean;
}
export type ThresholdArgs = PyArgs<[threshold: number, value: number, inplace?: boolean], ThresholdOptions>;
export function parseThreshold(fn: string, args: readonly unknown[]): { threshold: number; value: number; inplace: boolean } {
  const a = parseArgs<ThresholdOptions>(fn, ["threshold", "value", "inplace"], args);
  if (a.threshold === undefined) throw new RuntimeError(`${fn}() missing required argument 'threshold'`);
  if (a.value === undefined) throw new RuntimeError(`${fn}() missing required argument 'value'`);
  return { threshold: a.threshold, value: a.value, inplace: a.inplace ?? false };
}

/** F.threshold(input, threshold, value, inplace=False): x where x > threshold, else value. */
export function threshold(input: Tensor, ...args: ThresholdArgs): Tensor {
  checkTensor(input, "threshold");
  const a = parseThreshold("threshold", args);
  const node = a.inplace ? "ThresholdBackward1" : "ThresholdBackward0"; // threshold_ / threshold
  return maybeInplace(input, a.inplace, "threshold", (t) => composite(node, [t], (x) => where(x.gt(a.threshold), x, a.value)));
}

export interface CELUOptions {
  alpha?: number;
  inplace?: boolean;
}
export type CELUArgs = PyArgs<[alpha?: number, inplace?: boolean], CELUOptions>;
export const parseCELU = (fn: string, args: readonly unknown[]) => parseArgs<CELUOptions>(fn, ["alpha", "inplace"], args);

/** F.celu(input, alpha=1.0, inplace=False): max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
export function celu(input: Tensor, ...args: CELUArgs): Tensor {
  checkTensor(input, "celu");
  const a = parseCELU("celu", args);
  const alpha = a.alpha ?? 1;
  if (alpha === 0) throw new RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU");
  // celu(x, alpha) = alpha * elu(x / alpha, 1): the same two branches.
  const node = a.inplace ? "CeluBackward1" : "CeluBackward0"; // celu_ / celu
  return maybeInplace(input, a.inplace, "celu", (t) => composite(node, [t], (x) => x.div(alpha).elu(1).mul(alpha)));
}

export interface GLUOptions {
  dim?: number;
}
export type GLUArgs = PyArgsExact<[dim?: number], GLUOptions>;
export const parseGLU = (fn: string, args: readonly unknown[]) => parseArgs<GLUOptions>(fn, ["dim"], args);

/** F.glu(input, dim=-1): the first half of `dim` gated by the sigmoid of the second half. */
export function glu(input: Tensor, ...args: GLUArgs): Tensor {
  checkTensor(input, "glu");
  if (input.dim() === 0) throw new RuntimeError("glu does not support scalars because halving size must be even");
  checkFloating(input, "glu_cpu");
  const dim = parseGLU("glu", args).dim ?? -1;
  const d = dim < 0 ? dim + input.dim() : dim;
  if (d < 0 || d >= input.dim()) {
    throw new RuntimeError(`Dimension out of range (expected to be in range of [${-input.dim()}, ${input.dim() - 1}], but got ${dim})`);
  }
  const n = input.shape[d];
  if (n % 2 !== 0) throw new RuntimeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  return composite("GluBackward0", [input], (x) => x.narrow(d, 0, n / 2).mul(x.narrow(d, n / 2, n / 2).sigmoid()));
}

export interface RReLUOptions {
  lower?: number;
  upper?: number;
  training?: boolean;
  inplace?: boolean;
  /** Keyword only: the stream the training slopes are drawn from (default: torch's seeded generator). */
  generator?: Generator;
}
export type RReLUArgs = PyArgs<[lower?: number, upper?: number, training?: boolean, inplace?: boolean], RReLUOptions>;

/**
 * F.rrelu(input, lower=1/8, upper=1/3, training=False, inplace=False): leaky ReLU whose
 * negative slope is drawn uniformly from [lower, upper] per element in training, and is the
 * fixed (lower + upper) / 2 otherwise. The training slopes are PyTorch's CPU stream: one double
 * uniform (53 bits) per element <= 0, in order, none for the others, with the bounds first rounded to
 * the input's float type (torch's opmath) and the slope then rounded to it, so torch.manual_seed(0)
 * gives torch's values.
 */
export function rrelu(input: Tensor, ...args: RReLUArgs): Tensor {
  checkTensor(input, "rrelu");
  const a = parseArgs<RReLUOptions>("rrelu", ["lower", "upper", "training", "inplace", "generator"], args);
  const lower = a.lower ?? 1 / 8;
  const upper = a.upper ?? 1 / 3;
  if (lower > upper) throw new RuntimeError(`Lower bound should be less than or equal to the upper bound`);
  // inplace=True (nn.RReLU(inplace=True)): written into the input and returned, as torch's rrelu_.
  const apply = (compute: (t: Tensor) => Tensor): Tensor => (a.inplace ? unary_(input, "rrelu_", compute) : compute(input));
  const node = a.inplace ? "RreluWithNoiseBackward1" : "RreluWithNoiseBackward0"; // torch 1.13's rrelu_with_noise_ / rrelu_with_noise
  if (!(a.training ?? false)) return apply((t) => composite(node, [t], (x) => x.leaky_relu((lower + upper) / 2)));
  const gen = a.generator ?? default_generator;
  return apply((t) => {
    const dt = floatType(t);
    const s = empty(t.shape, dt);
    const round = dt.name === "float32" ? Math.fround : (v: number) => v;
    const [lo, hi] = [round(lower), round(upper)];
    const x = t.detach().contiguous().to(dt);
    const xd = x._data.subarray(x._offset, x._offset + x.numel());
    for (let i = 0; i < xd.length; i++) s._data[i] = xd[i] <= 0 ? gen.uniform53() * (hi - lo) + lo : 1;
    return composite(node, [t], (x) => where(x.ge(0), x, x.mul(s)));
  });
}

/** F.softmin(input, dim=None, _stacklevel=3, dtype=None): softmax(-input, dim). */
export function softmin(input: Tensor, ...args: SoftmaxArgs): Tensor {
  checkTensor(input, "softmin");
  const a = parseSoftmax("softmin", args);
  const x = a.dtype ? input.to(a.dtype) : input;
  return x.neg().softmax(a.dim ?? implicitSoftmaxDim(x.dim(), "softmin"));
}
