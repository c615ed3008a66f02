/**
 * Loss modules. Settings follow PyTorch's constructors (positional or an options object:
 * `new nn.CrossEntropyLoss({ weight, label_smoothing: 0.1 })`). Class weights and pos_weight
 * are registered as buffers, as in PyTorch, so they appear in state_dict().
 */
import type { Tensor } from "../../tensor";
import * as Fl from "../functional/loss";
import { checkReduction, parseArgs, type Reduction } from "../functional/_util";
import { Module } from "../module";

abstract class Loss extends Module {
  reduction: Reduction;
  constructor(name: string, names: readonly string[], args: unknown[]) {
    super();
    const a = parseArgs(name, names, args);
    this.reduction = checkReduction(a.reduction);
    for (const buffer of ["weight", "pos_weight"]) {
      if (names.includes(buffer)) this.register_buffer(buffer, (a[buffer] as Tensor | null | undefined) ?? null);
    }
    const ignore = a.ignore_index as number | undefined;
    if (names.includes("ignore_index")) this.ignore_index = ignore ?? -100;
    if (names.includes("label_smoothing")) this.label_smoothing = (a.label_smoothing as number | undefined) ?? 0.0;
  }
  declare ignore_index: number;
  declare label_smoothing: number;
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

const REGRESSION = ["size_average", "reduce", "reduction"];
const WEIGHTED = ["weight", "size_average", "reduce", "reduction"];

export class MSELoss extends Loss {
  static override readonly __name__ = "MSELoss";
  constructor(...args: unknown[]) {
    super("MSELoss", REGRESSION, args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.mse_loss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends Loss {
  static override readonly __name__ = "L1Loss";
  constructor(...args: unknown[]) {
    super("L1Loss", REGRESSION, args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.l1_loss(input, target, { reduction: this.reduction });
  }
}

export class BCELoss extends Loss {
  static override readonly __name__ = "BCELoss";
  declare weight: Tensor | null;
  constructor(...args: unknown[]) {
    super("BCELoss", WEIGHTED, args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends Loss {
  static override readonly __name__ = "BCEWithLogitsLoss";
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(...args: unknown[]) {
    super("BCEWithLogitsLoss", [...WEIGHTED, "pos_weight"], args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.binary_cross_entropy_with_logits(input, target, {
      weight: this.weight,
      pos_weight: this.pos_weight,
      reduction: this.reduction,
    });
  }
}

export class CrossEntropyLoss extends Loss {
  static override readonly __name__ = "CrossEntropyLoss";
  declare weight: Tensor | null;
  constructor(...args: unknown[]) {
    super("CrossEntropyLoss", ["weight", "size_average", "ignore_index", "reduce", "reduction", "label_smoothing"], args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.cross_entropy(input, target, {
      weight: this.weight,
      ignore_index: this.ignore_index,
      reduction: this.reduction,
      label_smoothing: this.label_smoothing,
    });
  }
}

export class NLLLoss extends Loss {
  static override readonly __name__ = "NLLLoss";
  declare weight: Tensor | null;
  constructor(...args: unknown[]) {
    super("NLLLoss", ["weight", "size_average", "ignore_index", "reduce", "reduction"], args);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}
