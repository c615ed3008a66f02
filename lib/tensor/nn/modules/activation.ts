/**
 * Activation modules: thin wrappers over nn.functional that hold the settings and print as
 * PyTorch prints them. Settings are positional like PyTorch's or given in an options object:
 * `new nn.LeakyReLU(0.2)`, `new nn.LeakyReLU({ negative_slope: 0.2 })`, `new nn.Softmax({ dim: 1 })`.
 */
import { parseArgs, type PyArgs, type PyArgsExact } from "../../args";
import { float32, type DType } from "../../dtype";
import type { Tensor } from "../../tensor";
import * as Fa from "../functional/activation";
import { constant_ } from "../init";
import { empty } from "../../ops/util";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { pyFloat, pyNumber, pyStr } from "../repr";

function inplaceRepr(inplace: boolean): string {
  return inplace ? "inplace=True" : "";
}

/** The activations whose only setting is `inplace` (ReLU, ReLU6, SELU, SiLU). */
abstract class InplaceActivation extends Module {
  inplace: boolean;
  constructor(...args: Fa.InplaceArgs) {
    super();
    this.inplace = Fa.parseInplace(this._get_name(), args).inplace ?? false;
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class Sigmoid extends Module {
  static override readonly __name__ = "Sigmoid";
  override forward(input: Tensor): Tensor {
    return Fa.sigmoidOf(input);
  }
}

export class Tanh extends Module {
  static override readonly __name__ = "Tanh";
  override forward(input: Tensor): Tensor {
    return Fa.tanhOf(input);
  }
}

export class ReLU extends InplaceActivation {
  static override readonly __name__ = "ReLU";
  override forward(input: Tensor): Tensor {
    return Fa.relu(input, this.inplace);
  }
}

export class ReLU6 extends InplaceActivation {
  static override readonly __name__ = "ReLU6";
  override forward(input: Tensor): Tensor {
    return Fa.relu6(input, this.inplace);
  }
}

export class LeakyReLU extends Module {
  static override readonly __name__ = "LeakyReLU";
  negative_slope: number;
  inplace: boolean;
  constructor(...args: Fa.LeakyReLUArgs) {
    super();
    const a = Fa.parseLeakyReLU("LeakyReLU", args);
    this.negative_slope = a.negative_slope ?? 0.01;
    this.inplace = a.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.leaky_relu(input, this.negative_slope, this.inplace);
  }
  override extra_repr(): string {
    return `negative_slope=${pyFloat(this.negative_slope)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

export interface PReLUOptions {
  num_parameters?: number;
  init?: number;
  dtype?: DType;
}

/** Leaky ReLU whose negative slope is learned: one slope, or one per channel (dim 1). */
export class PReLU extends Module {
  static override readonly __name__ = "PReLU";
  num_parameters: number;
  weight: Parameter;
  init: number;
  constructor(...args: PyArgs<[num_parameters?: number, init?: number], PReLUOptions>) {
    super();
    const a = parseArgs<PReLUOptions>("PReLU", ["num_parameters", "init", "dtype"], args);
    this.num_parameters = a.num_parameters ?? 1;
    this.init = a.init ?? 0.25;
    this.weight = new Parameter(empty([this.num_parameters], a.dtype ?? float32));
    this.reset_parameters();
    this._guard_slots();
  }
  reset_parameters(): void {
    constant_(this.weight, this.init);
  }
  override forward(input: Tensor): Tensor {
    return Fa.prelu(input, this.weight);
  }
  override extra_repr(): string {
    return `num_parameters=${this.num_parameters}`;
  }
}

export class ELU extends Module {
  static override readonly __name__ = "ELU";
  alpha: number;
  inplace: boolean;
  constructor(...args: Fa.ELUArgs) {
    super();
    const a = Fa.parseELU("ELU", args);
    this.alpha = a.alpha ?? 1.0;
    this.inplace = a.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.elu(input, this.alpha, this.inplace);
  }
  override extra_repr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

export class SELU extends InplaceActivation {
  static override readonly __name__ = "SELU";
  override forward(input: Tensor): Tensor {
    return Fa.selu(input, this.inplace);
  }
}

export class GELU extends Module {
  static override readonly __name__ = "GELU";
  approximate: Fa.GeluApproximate;
  constructor(...args: Fa.GELUArgs) {
    super();
    this.approximate = Fa.parseGELU("GELU", args).approximate ?? "none";
  }
  override forward(input: Tensor): Tensor {
    return Fa.gelu(input, this.approximate);
  }
  override extra_repr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}

export class SiLU extends InplaceActivation {
  static override readonly __name__ = "SiLU";
  override forward(input: Tensor): Tensor {
    return Fa.silu(input, this.inplace);
  }
}

export class Softplus extends Module {
  static override readonly __name__ = "Softplus";
  beta: number;
  threshold: number;
  constructor(...args: Fa.SoftplusArgs) {
    super();
    const a = Fa.parseSoftplus("Softplus", args);
    this.beta = a.beta ?? 1;
    this.threshold = a.threshold ?? 20;
  }
  override forward(input: Tensor): Tensor {
    return Fa.softplus(input, this.beta, this.threshold);
  }
  override extra_repr(): string {
    // PyTorch 1.13's defaults are ints, so they print without ".0".
    return `beta=${pyNumber(this.beta)}, threshold=${pyNumber(this.threshold)}`;
  }
}

export class Hardtanh extends Module {
  static override readonly __name__ = "Hardtanh";
  min_val: number;
  max_val: number;
  inplace: boolean;
  constructor(...args: Fa.HardtanhArgs) {
    super();
    const a = Fa.parseHardtanh("Hardtanh", args);
    this.min_val = a.min_val ?? -1;
    this.max_val = a.max_val ?? 1;
    this.inplace = a.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.hardtanh(input, this.min_val, this.max_val, this.inplace);
  }
  override extra_repr(): string {
    return `min_val=${pyFloat(this.min_val)}, max_val=${pyFloat(this.max_val)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

type SoftmaxModuleArgs = PyArgsExact<[dim?: number | null], { dim?: number | null }>;
const parseDim = (fn: string, args: readonly unknown[]) => parseArgs<{ dim?: number | null }>(fn, ["dim"], args);

export class Softmax extends Module {
  static override readonly __name__ = "Softmax";
  dim: number | null;
  constructor(...args: SoftmaxModuleArgs) {
    super();
    this.dim = parseDim("Softmax", args).dim ?? null;
  }
  override forward(input: Tensor): Tensor {
    return Fa.softmax(input, this.dim ?? Fa.implicitSoftmaxDim(input.dim()));
  }
  override extra_repr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

export class LogSoftmax extends Module {
  static override readonly __name__ = "LogSoftmax";
  dim: number | null;
  constructor(...args: SoftmaxModuleArgs) {
    super();
    this.dim = parseDim("LogSoftmax", args).dim ?? null;
  }
  override forward(input: Tensor): Tensor {
    return Fa.log_softmax(input, this.dim ?? Fa.implicitSoftmaxDim(input.dim(), "log_softmax"));
  }
  override extra_repr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}
