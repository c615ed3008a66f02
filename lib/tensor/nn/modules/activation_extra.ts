/**
 * Activation modules over ../functional/activation_extra.ts: Hardswish, Hardsigmoid, Mish,
 * LogSigmoid, Softsign, Softshrink, Hardshrink, Tanhshrink, Threshold, CELU, GLU, RReLU,
 * Softmin, Softmax2d. Each prints as PyTorch 1.13 prints it (`Softshrink(0.5)`, `CELU(alpha=1.0)`).
 */
import { parseArgs, type PyArgs, type PyArgsExact } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import * as Fa from "../functional/activation";
import * as Fx from "../functional/activation_extra";
import { Module } from "../module";
import { pyFloat, pyNumber } from "../repr";

/** Modules whose only setting is `inplace`, which PyTorch does not print. */
abstract class SilentInplace extends Module {
  inplace: boolean;
  constructor(...args: Fa.InplaceArgs) {
    super();
    this.inplace = Fa.parseInplace(this._get_name(), args).inplace ?? false;
  }
}

export class Hardswish extends SilentInplace {
  static override readonly __name__ = "Hardswish";
  override forward(input: Tensor): Tensor {
    return Fx.hardswish(input, this.inplace);
  }
}

export class Hardsigmoid extends SilentInplace {
  static override readonly __name__ = "Hardsigmoid";
  override forward(input: Tensor): Tensor {
    return Fx.hardsigmoid(input, this.inplace);
  }
}

export class Mish extends SilentInplace {
  static override readonly __name__ = "Mish";
  override forward(input: Tensor): Tensor {
    return Fx.mish(input, this.inplace);
  }
}

export class LogSigmoid extends Module {
  static override readonly __name__ = "LogSigmoid";
  override forward(input: Tensor): Tensor {
    return Fx.logsigmoid(input);
  }
}

export class Softsign extends Module {
  static override readonly __name__ = "Softsign";
  override forward(input: Tensor): Tensor {
    return Fx.softsign(input);
  }
}

export class Tanhshrink extends Module {
  static override readonly __name__ = "Tanhshrink";
  override forward(input: Tensor): Tensor {
    return Fx.tanhshrink(input);
  }
}

abstract class Shrink extends Module {
  lambd: number;
  constructor(...args: Fx.ShrinkArgs) {
    super();
    this.lambd = Fx.parseShrink(this._get_name(), args).lambd ?? 0.5;
  }
  override extra_repr(): string {
    return pyFloat(this.lambd);
  }
}

export class Softshrink extends Shrink {
  static override readonly __name__ = "Softshrink";
  override forward(input: Tensor): Tensor {
    return Fx.softshrink(input, this.lambd);
  }
}

export class Hardshrink extends Shrink {
  static override readonly __name__ = "Hardshrink";
  override forward(input: Tensor): Tensor {
    return Fx.hardshrink(input, this.lambd);
  }
}

export class Threshold extends Module {
  static override readonly __name__ = "Threshold";
  threshold: number;
  value: number;
  inplace: boolean;
  /** new nn.Threshold(threshold, value, inplace=false) */
  constructor(...args: Fx.ThresholdArgs) {
    super();
    const a = Fx.parseThreshold("Threshold", args);
    this.threshold = a.threshold;
    this.value = a.value;
    this.inplace = a.inplace;
  }
  override forward(input: Tensor): Tensor {
    return Fx.threshold(input, this.threshold, this.value, this.inplace);
  }
  override extra_repr(): string {
    return `threshold=${pyNumber(this.threshold)}, value=${pyNumber(this.value)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

export class CELU extends Module {
  static override readonly __name__ = "CELU";
  alpha: number;
  inplace: boolean;
  constructor(...args: Fx.CELUArgs) {
    super();
    const a = Fx.parseCELU("CELU", args);
    this.alpha = a.alpha ?? 1.0;
    this.inplace = a.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fx.celu(input, this.alpha, this.inplace);
  }
  override extra_repr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

export class GLU extends Module {
  static override readonly __name__ = "GLU";
  dim: number;
  constructor(...args: Fx.GLUArgs) {
    super();
    this.dim = Fx.parseGLU("GLU", args).dim ?? -1;
  }
  override forward(input: Tensor): Tensor {
    return Fx.glu(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim}`;
  }
}

/** Random negative slopes in train(), the mean slope (lower + upper) / 2 in eval(). */
export class RReLU extends Module {
  static override readonly __name__ = "RReLU";
  lower: number;
  upper: number;
  inplace: boolean;
  constructor(...args: PyArgs<[lower?: number, upper?: number, inplace?: boolean], { lower?: number; upper?: number; inplace?: boolean }>) {
    super();
    const a = parseArgs<{ lower?: number; upper?: number; inplace?: boolean }>("RReLU", ["lower", "upper", "inplace"], args);
    this.lower = a.lower ?? 1 / 8;
    this.upper = a.upper ?? 1 / 3;
    this.inplace = a.inplace ?? false;
  }
  override forward(input: Tensor): Tensor {
    return Fx.rrelu(input, this.lower, this.upper, this.training, this.inplace);
  }
  override extra_repr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${this.inplace ? ", inplace=True" : ""}`;
  }
}

export class Softmin extends Module {
  static override readonly __name__ = "Softmin";
  dim: number | null;
  constructor(...args: PyArgsExact<[dim?: number | null], { dim?: number | null }>) {
    super();
    this.dim = parseArgs<{ dim?: number | null }>("Softmin", ["dim"], args).dim ?? null;
  }
  override forward(input: Tensor): Tensor {
    return Fx.softmin(input, this.dim);
  }
  override extra_repr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

/** Softmax over the channels of every pixel: dim -3 of a (C, H, W) or (N, C, H, W) input. */
export class Softmax2d extends Module {
  static override readonly __name__ = "Softmax2d";
  override forward(input: Tensor): Tensor {
    if (input.dim() !== 3 && input.dim() !== 4) throw new ValueError(`Softmax2d: expected input to be 3D or 4D, got ${input.dim()}D instead`);
    return Fa.softmax(input, -3);
  }
}

