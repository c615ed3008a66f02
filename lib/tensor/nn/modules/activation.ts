/**
 * Activation modules: thin wrappers over nn.functional that hold the settings and print as
 * PyTorch prints them. Settings are positional like PyTorch's or given in an options object:
 * `new nn.LeakyReLU(0.2)`, `new nn.LeakyReLU({ negative_slope: 0.2 })`, `new nn.Softmax({ dim: 1 })`.
 */
import { float32 } from "../../dtype";
import type { Tensor } from "../../tensor";
import * as Fa from "../functional/activation";
import { parseArgs } from "../functional/_util";
import { constant_ } from "../init";
import { empty } from "../../ops/util";
import { Module } from "../module";
import { Parameter } from "../parameter";
import { pyFloat, pyNumber, pyStr } from "../repr";

function inplaceRepr(inplace: boolean): string {
  return inplace ? "inplace=True" : "";
}

export class Sigmoid extends Module {
  static override readonly __name__ = "Sigmoid";
  override forward(input: Tensor): Tensor {
    return Fa.sigmoid(input);
  }
}

export class Tanh extends Module {
  static override readonly __name__ = "Tanh";
  override forward(input: Tensor): Tensor {
    return Fa.tanh(input);
  }
}

export class ReLU extends Module {
  static override readonly __name__ = "ReLU";
  inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    this.inplace = (parseArgs("ReLU", ["inplace"], args).inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.relu(input);
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class ReLU6 extends Module {
  static override readonly __name__ = "ReLU6";
  inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    this.inplace = (parseArgs("ReLU6", ["inplace"], args).inplace as boolean | undefined) ?? false;
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
  override forward(input: Tensor): Tensor {
    return Fa.relu6(input);
  }
}

export class LeakyReLU extends Module {
  static override readonly __name__ = "LeakyReLU";
  negative_slope: number;
  inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs("LeakyReLU", ["negative_slope", "inplace"], args);
    this.negative_slope = (a.negative_slope as number | undefined) ?? 0.01;
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.leaky_relu(input, this.negative_slope);
  }
  override extra_repr(): string {
    return `negative_slope=${pyFloat(this.negative_slope)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

/** Leaky ReLU whose negative slope is learned: one slope, or one per channel (dim 1). */
export class PReLU extends Module {
  static override readonly __name__ = "PReLU";
  num_parameters: number;
  weight: Parameter;
  init: number;
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs("PReLU", ["num_parameters", "init", "dtype"], args);
    this.num_parameters = (a.num_parameters as number | undefined) ?? 1;
    this.init = (a.init as number | undefined) ?? 0.25;
    this.weight = new Parameter(empty([this.num_parameters], (a.dtype as typeof float32 | undefined) ?? float32));
    this.reset_parameters();
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
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs("ELU", ["alpha", "inplace"], args);
    this.alpha = (a.alpha as number | undefined) ?? 1.0;
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.elu(input, this.alpha);
  }
  override extra_repr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

export class SELU extends Module {
  static override readonly __name__ = "SELU";
  inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    this.inplace = (parseArgs("SELU", ["inplace"], args).inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.selu(input);
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class GELU extends Module {
  static override readonly __name__ = "GELU";
  approximate: "none" | "tanh";
  constructor(...args: unknown[]) {
    super();
    this.approximate = (parseArgs("GELU", ["approximate"], args).approximate as "none" | "tanh" | undefined) ?? "none";
  }
  override forward(input: Tensor): Tensor {
    return Fa.gelu(input, this.approximate);
  }
  override extra_repr(): string {
    return `approximate=${pyStr(this.approximate)}`;
  }
}

export class SiLU extends Module {
  static override readonly __name__ = "SiLU";
  inplace: boolean;
  constructor(...args: unknown[]) {
    super();
    this.inplace = (parseArgs("SiLU", ["inplace"], args).inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.silu(input);
  }
  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class Softplus extends Module {
  static override readonly __name__ = "Softplus";
  beta: number;
  threshold: number;
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs("Softplus", ["beta", "threshold"], args);
    this.beta = (a.beta as number | undefined) ?? 1;
    this.threshold = (a.threshold as number | undefined) ?? 20;
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
  constructor(...args: unknown[]) {
    super();
    const a = parseArgs("Hardtanh", ["min_val", "max_val", "inplace"], args);
    this.min_val = (a.min_val as number | undefined) ?? -1;
    this.max_val = (a.max_val as number | undefined) ?? 1;
    this.inplace = (a.inplace as boolean | undefined) ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fa.hardtanh(input, this.min_val, this.max_val);
  }
  override extra_repr(): string {
    return `min_val=${pyFloat(this.min_val)}, max_val=${pyFloat(this.max_val)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

export class Softmax extends Module {
  static override readonly __name__ = "Softmax";
  dim: number | null;
  constructor(...args: unknown[]) {
    super();
    this.dim = (parseArgs("Softmax", ["dim"], args).dim as number | null | undefined) ?? null;
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
  constructor(...args: unknown[]) {
    super();
    this.dim = (parseArgs("LogSoftmax", ["dim"], args).dim as number | null | undefined) ?? null;
  }
  override forward(input: Tensor): Tensor {
    return Fa.log_softmax(input, this.dim ?? Fa.implicitSoftmaxDim(input.dim(), "log_softmax"));
  }
  override extra_repr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}
