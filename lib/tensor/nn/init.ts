/**
 * torch.nn.init: in-place initialisers, run without recording gradients, drawing from the
 * engine's seeded generator (or `{ generator }`), with PyTorch's formulas and messages.
 */
import { parseArgs, type PyArgs } from "../args";
import { ValueError } from "../errors";
import { withFixedArityAll } from "../ops/fixed_arity";
import { checkUniformBounds, floatArg } from "../ops/inplace";
import { default_generator, type Generator } from "../random";
import type { Tensor } from "../tensor";
import { dirac_, eye_, orthogonal_, sparse_, trunc_normal_ } from "./init_extra";
import { fillInPlace, wide } from "./init_fill";
import { deprecatedInits } from "./init_deprecated";

interface GenOpt {
  generator?: Generator;
}

export interface UniformOptions extends GenOpt {
  a?: number | Tensor; // a 0-dim tensor reads as its value (Python's float())
  b?: number | Tensor;
}

/** Fills with U(a, b): `uniform_(w, -0.1, 0.1)` or `uniform_(w, { a: -0.1, b: 0.1, generator })`. */
export function uniform_(tensor: Tensor, ...args: PyArgs<[a?: number | Tensor, b?: number | Tensor], UniformOptions>): Tensor {
  const o = parseArgs<UniformOptions>("uniform_", ["a", "b", "generator"], args);
  const gen = o.generator ?? default_generator;
  const [a, b] = [floatArg("uniform_", "from", 1, o.a, args) ?? 0, floatArg("uniform_", "to", 2, o.b, args) ?? 1]; // tensor.uniform_(a, b)
  checkUniformBounds(a, b); // torch's init.uniform_ is tensor.uniform_: a > b raises its range error
  return fillInPlace(tensor, (out) => gen.fillUniform(out, a, b, wide(tensor)));
}

export interface NormalOptions extends GenOpt {
  mean?: number | Tensor; // a 0-dim tensor reads as its value (Python's float())
  std?: number | Tensor;
}

/** Fills with N(mean, std^2): `normal_(w, 0, 0.02)` or `normal_(w, { std: 0.02 })`. */
export function normal_(tensor: Tensor, ...args: PyArgs<[mean?: number | Tensor, std?: number | Tensor], NormalOptions>): Tensor {
  const o = parseArgs<NormalOptions>("normal_", ["mean", "std", "generator"], args);
  const gen = o.generator ?? default_generator;
  const [mean, std] = [floatArg("normal_", "mean", 1, o.mean, args) ?? 0, floatArg("normal_", "std", 2, o.std, args) ?? 1]; // tensor.normal_(mean, std)
  return fillInPlace(tensor, (out) => gen.fillNormal(out, mean, std, wide(tensor), !tensor.is_contiguous())); // a view: serial draws, as torch
}

/** Fills with val: `constant_(b, 0.1)` or `constant_(b, { val: 0.1 })`. */
export function constant_(tensor: Tensor, val: number | { val: number }): Tensor {
  const v = typeof val === "number" ? val : parseArgs<{ val: number }>("constant_", ["val"], [val]).val;
  if (typeof v !== "number") throw new ValueError("constant_() missing required argument 'val'");
  return fillInPlace(tensor, (out) => out.fill(v));
}

export function zeros_(tensor: Tensor): Tensor {
  return constant_(tensor, 0);
}

export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "conv_transpose1d"
  | "conv_transpose2d"
  | "conv_transpose3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "selu";

const LINEAR_FNS = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"];

/**
 * The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh,
 * sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope defaults to 0.01) and 3/4
 * for selu.
 */
export function calculate_gain(nonlinearity: Nonlinearity | string, ...args: PyArgs<[param?: number | null], { param?: number | null }>): number {
  const { param } = parseArgs<{ param?: number | null }>("calculate_gain", ["param"], args); // calculate_gain("leaky_relu", param=0.2)
  if (LINEAR_FNS.includes(nonlinearity) || nonlinearity === "sigmoid") return 1;
  if (nonlinearity === "tanh") return 5.0 / 3;
  if (nonlinearity === "relu") return Math.sqrt(2.0);
  if (nonlinearity === "leaky_relu") {
    let slope: number;
    if (param === undefined || param === null) slope = 0.01;
    else if (typeof param === "number") slope = param;
    else throw new ValueError(`negative_slope ${String(param)} not a valid number`);
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === "selu") return 3.0 / 4;
  throw new ValueError(`Unsupported nonlinearity ${nonlinearity}`);
}

/** fan_in = size(1) * receptive field, fan_out = size(0) * receptive field. */
export function _calculate_fan_in_and_fan_out(tensor: Tensor): [number, number] {
  const shape = tensor.shape;
  if (shape.length < 2) {
    throw new ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
  }
  let receptive = 1;
  for (let i = 2; i < shape.length; i++) receptive *= shape[i];
  return [shape[1] * receptive, shape[0] * receptive];
}

export type FanMode = "fan_in" | "fan_out";

function correctFan(tensor: Tensor, mode: string): number {
  if (mode !== "fan_in" && mode !== "fan_out") {
    throw new ValueError(`Mode ${mode} not supported, please use one of ['fan_in', 'fan_out']`);
  }
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  return mode === "fan_in" ? fanIn : fanOut;
}

export interface XavierOptions extends GenOpt {
  gain?: number;
}

/** Glorot's std = gain * sqrt(2 / (fan_in + fan_out)), from `xavier_*_(w, gain)` or `(w, { gain })`. */
function xavierStd(fn: string, tensor: Tensor, args: readonly unknown[]): { std: number; generator?: Generator } {
  const o = parseArgs<XavierOptions>(fn, ["gain", "generator"], args);
  const [fanIn, fanOut] = _calculate_fan_in_and_fan_out(tensor);
  return { std: (o.gain ?? 1) * Math.sqrt(2.0 / (fanIn + fanOut)), generator: o.generator };
}

/** Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). `xavier_uniform_(w, gain)` */
export function xavier_uniform_(tensor: Tensor, ...args: PyArgs<[gain?: number], XavierOptions>): Tensor {
  const { std, generator } = xavierStd("xavier_uniform_", tensor, args);
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a, { generator });
}

/** Glorot: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavier_normal_(tensor: Tensor, ...args: PyArgs<[gain?: number], XavierOptions>): Tensor {
  const { std, generator } = xavierStd("xavier_normal_", tensor, args);
  return normal_(tensor, 0, std, { generator });
}

export interface KaimingOptions extends GenOpt {
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

type KaimingArgs = PyArgs<[a?: number, mode?: FanMode, nonlinearity?: Nonlinearity], KaimingOptions>;

/** He's gain / sqrt(fan), from PyTorch's (a=0, mode="fan_in", nonlinearity="leaky_relu"). */
function kaimingStd(fn: string, tensor: Tensor, args: readonly unknown[]): { std: number; generator?: Generator } {
  const o = parseArgs<KaimingOptions>(fn, ["a", "mode", "nonlinearity", "generator"], args);
  const fan = correctFan(tensor, o.mode ?? "fan_in");
  return { std: calculate_gain(o.nonlinearity ?? "leaky_relu", o.a ?? 0) / Math.sqrt(fan), generator: o.generator };
}

/**
 * He: U(-bound, bound), bound = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).
 * `kaiming_uniform_(w, a=0, mode="fan_in", nonlinearity="leaky_relu")` or with an options object.
 */
export function kaiming_uniform_(tensor: Tensor, ...args: KaimingArgs): Tensor {
  const { std, generator } = kaimingStd("kaiming_uniform_", tensor, args);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound, { generator });
}

/** He: N(0, std^2), std = gain / sqrt(fan). */
export function kaiming_normal_(tensor: Tensor, ...args: KaimingArgs): Tensor {
  const { std, generator } = kaimingStd("kaiming_normal_", tensor, args);
  return normal_(tensor, 0, std, { generator });
}

const underscoreInits = { uniform_, normal_, constant_, eye_, dirac_, xavier_uniform_, xavier_normal_, kaiming_uniform_, kaiming_normal_, orthogonal_, sparse_ };

const initAll = {
  // PyTorch 1.13's deprecated names without the underscore: warn, then call the _ form (init_deprecated.ts)
  ...deprecatedInits(underscoreInits),
  uniform_,
  normal_,
  constant_,
  zeros_,
  ones_,
  calculate_gain,
  _calculate_fan_in_and_fan_out,
  xavier_uniform_,
  xavier_normal_,
  kaiming_uniform_,
  kaiming_normal_,
  // API breadth a4
  eye_,
  dirac_,
  trunc_normal_,
  orthogonal_,
  sparse_,
};

// The operand-only inits refuse extra arguments, constant(_) any keyword but val (ops/fixed_arity.ts).
export const init = {
  ...initAll,
  ...withFixedArityAll(initAll, { zeros_: 1, ones_: 1, eye_: 1, eye: 1 }, { constant_: ["val"], constant: ["val"] }),
};
