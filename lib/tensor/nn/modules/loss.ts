/**
 * Loss modules. Settings follow PyTorch's constructors (positional or an options object:
 * `new nn.CrossEntropyLoss({ weight, label_smoothing: 0.1 })`). Class weights and pos_weight
 * are registered as buffers, as in PyTorch, so they appear in state_dict().
 */
import { parseArgs, type PyArgs, type PyArgsExact } from "../../args";
import type { Tensor } from "../../tensor";
import * as Fl from "../functional/loss";
import * as Fc from "../functional/loss_composed";
import { checkReduction, type Reduction } from "../functional/_util";
import { Module, moduleTypeName } from "../module";

/** Every loss module keeps its reduction; the weighted ones register their weights as buffers. */
abstract class Loss extends Module {
  reduction: Reduction;
  constructor(settings: Fl.RegressionLossOptions) {
    super();
    this.reduction = Fl.lossReduction(settings);
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** MSELoss and L1Loss: the reduction is their only setting. */
abstract class RegressionLoss extends Loss {
  constructor(...args: Fl.RegressionLossArgs) {
    // new.target names the concrete class (MSELoss, L1Loss) in argument errors.
    super(Fl.parseRegressionLoss(moduleTypeName(new.target), args));
  }
}

abstract class WeightedLoss extends Loss {
  declare weight: Tensor | null;
  constructor(settings: Fl.WeightedLossOptions) {
    super(settings);
    this.register_buffer("weight", settings.weight ?? null);
  }
}

export class MSELoss extends RegressionLoss {
  static override readonly __name__ = "MSELoss";
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.mse_loss(input, target, { reduction: this.reduction });
  }
}

export class L1Loss extends RegressionLoss {
  static override readonly __name__ = "L1Loss";
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.l1_loss(input, target, { reduction: this.reduction });
  }
}

export class BCELoss extends WeightedLoss {
  static override readonly __name__ = "BCELoss";
  constructor(...args: Fl.WeightedLossArgs) {
    super(Fl.parseWeightedLoss("BCELoss", args));
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends WeightedLoss {
  static override readonly __name__ = "BCEWithLogitsLoss";
  declare pos_weight: Tensor | null;
  constructor(...args: Fl.BCEWithLogitsArgs) {
    const settings = Fl.parseBCEWithLogits("BCEWithLogitsLoss", args);
    super(settings);
    this.register_buffer("pos_weight", settings.pos_weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.binary_cross_entropy_with_logits(input, target, {
      weight: this.weight,
      pos_weight: this.pos_weight,
      reduction: this.reduction,
    });
  }
}

export class CrossEntropyLoss extends WeightedLoss {
  static override readonly __name__ = "CrossEntropyLoss";
  ignore_index: number;
  label_smoothing: number;
  constructor(...args: Fl.CrossEntropyArgs) {
    const settings = Fl.parseCrossEntropy("CrossEntropyLoss", args);
    super(settings);
    this.ignore_index = settings.ignore_index ?? -100;
    this.label_smoothing = settings.label_smoothing ?? 0.0;
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

export class NLLLoss extends WeightedLoss {
  static override readonly __name__ = "NLLLoss";
  ignore_index: number;
  constructor(...args: Fl.NLLLossArgs) {
    const settings = Fl.parseNLLLoss("NLLLoss", args);
    super(settings);
    this.ignore_index = settings.ignore_index ?? -100;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}

export class HuberLoss extends Module {
  static override readonly __name__ = "HuberLoss";
  reduction: Reduction;
  delta: number;
  /** new nn.HuberLoss(reduction="mean", delta=1) or nn.HuberLoss({ delta }) */
  constructor(...args: PyArgs<[reduction?: Reduction, delta?: number], Fc.HuberLossOptions>) {
    super();
    const a = parseArgs<Fc.HuberLossOptions>("HuberLoss", ["reduction", "delta"], args);
    this.reduction = checkReduction(a.reduction);
    this.delta = a.delta ?? 1.0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fc.huber_loss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class SmoothL1Loss extends Module {
  static override readonly __name__ = "SmoothL1Loss";
  reduction: Reduction;
  beta: number;
  /** new nn.SmoothL1Loss(size_average, reduce, reduction="mean", beta=1) or nn.SmoothL1Loss({ beta }) */
  constructor(...args: Fc.SmoothL1LossArgs) {
    super();
    const a = Fc.parseSmoothL1("SmoothL1Loss", args);
    this.reduction = Fc.legacyReduction(a) as Reduction;
    this.beta = a.beta ?? 1.0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fc.smooth_l1_loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class KLDivLoss extends Module {
  static override readonly __name__ = "KLDivLoss";
  reduction: Reduction | "batchmean";
  log_target: boolean;
  /** new nn.KLDivLoss({ reduction: "batchmean", log_target }) (input: log-probabilities) */
  constructor(...args: Fc.KLDivArgs) {
    super();
    const a = Fc.parseKLDiv("KLDivLoss", args);
    this.reduction = Fc.legacyReduction(a, ["batchmean"]) as Reduction | "batchmean";
    this.log_target = a.log_target ?? false;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fc.kl_div(input, target, { reduction: this.reduction, log_target: this.log_target });
  }
}

export class CosineEmbeddingLoss extends Module {
  static override readonly __name__ = "CosineEmbeddingLoss";
  reduction: Reduction;
  margin: number;
  /** new nn.CosineEmbeddingLoss(margin=0, size_average, reduce, reduction="mean") or with options */
  constructor(...args: Fc.CosineEmbeddingArgs) {
    super();
    const a = Fc.parseCosineEmbedding("CosineEmbeddingLoss", args);
    this.reduction = Fc.legacyReduction(a) as Reduction;
    this.margin = a.margin ?? 0.0;
  }
  /** forward(input1, input2, target), or with target (any argument) by keyword: loss_keywords.ts maps it before this runs. */
  override forward(input1: Tensor, input2: Tensor, target: Tensor | { target: Tensor }): Tensor {
    return Fc.cosine_embedding_loss(input1, input2, target as Tensor, { margin: this.margin, reduction: this.reduction });
  }
}

export class CosineSimilarity extends Module {
  static override readonly __name__ = "CosineSimilarity";
  dim: number;
  eps: number;
  /** new nn.CosineSimilarity(dim=1, eps=1e-8) or nn.CosineSimilarity({ dim, eps }) */
  constructor(...args: PyArgsExact<[dim?: number, eps?: number], Fc.CosineSimilarityOptions>) {
    super();
    const a = parseArgs<Fc.CosineSimilarityOptions>("CosineSimilarity", ["dim", "eps"], args);
    this.dim = a.dim ?? 1;
    this.eps = a.eps ?? 1e-8;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return Fc.cosine_similarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}
