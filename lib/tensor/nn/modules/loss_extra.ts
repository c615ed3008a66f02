/**
 * Loss and distance modules over ../functional/loss_extra.ts: MarginRankingLoss,
 * HingeEmbeddingLoss, SoftMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss,
 * MultiLabelMarginLoss, TripletMarginLoss, GaussianNLLLoss, PoissonNLLLoss, PairwiseDistance, CTCLoss.
 * Constructors take PyTorch's positional order (with the deprecated size_average / reduce) or
 * an options object; class weights are buffers, as in PyTorch.
 */
import { parseArgs } from "../../args";
import { ValueError } from "../../errors";
import type { Tensor } from "../../tensor";
import * as Fl from "../functional/loss_extra";
import { ctc_loss, type CTCLossArgs, type CTCLossOptions } from "../functional/ctc_loss";
import { legacyReduction } from "../functional/loss_composed";
import type { Reduction } from "../functional/_util";
import { Module } from "../module";

export class MarginRankingLoss extends Module {
  static override readonly __name__ = "MarginRankingLoss";
  margin: number;
  reduction: Reduction;
  /** new nn.MarginRankingLoss(margin=0.0, size_average, reduce, reduction="mean") */
  constructor(...args: Fl.MarginRankingLossArgs) {
    super();
    const a = Fl.parseMarginRanking("MarginRankingLoss", args);
    this.margin = a.margin ?? 0.0;
    this.reduction = legacyReduction(a) as Reduction;
  }
  /** forward(input1, input2, target), or with target (any argument) by keyword: loss_keywords.ts maps it before this runs. */
  override forward(input1: Tensor, input2: Tensor, target: Tensor | { target: Tensor }): Tensor {
    return Fl.margin_ranking_loss(input1, input2, target as Tensor, { margin: this.margin, reduction: this.reduction });
  }
}

export class HingeEmbeddingLoss extends Module {
  static override readonly __name__ = "HingeEmbeddingLoss";
  margin: number;
  reduction: Reduction;
  /** new nn.HingeEmbeddingLoss(margin=1.0, size_average, reduce, reduction="mean") */
  constructor(...args: Fl.HingeEmbeddingLossArgs) {
    super();
    const a = Fl.parseMarginRanking("HingeEmbeddingLoss", args);
    this.margin = a.margin ?? 1.0;
    this.reduction = legacyReduction(a) as Reduction;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.hinge_embedding_loss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

export class SoftMarginLoss extends Module {
  static override readonly __name__ = "SoftMarginLoss";
  reduction: Reduction;
  /** new nn.SoftMarginLoss(size_average, reduce, reduction="mean") */
  constructor(...args: Fl.SoftMarginLossArgs) {
    super();
    this.reduction = legacyReduction(Fl.parseLegacy("SoftMarginLoss", args)) as Reduction;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.soft_margin_loss(input, target, { reduction: this.reduction });
  }
}

export class MultiLabelSoftMarginLoss extends Module {
  static override readonly __name__ = "MultiLabelSoftMarginLoss";
  reduction: Reduction;
  declare weight: Tensor | null;
  /** new nn.MultiLabelSoftMarginLoss(weight=None, size_average, reduce, reduction="mean") */
  constructor(...args: Fl.MultiLabelSoftMarginLossArgs) {
    super();
    const a = Fl.parseWeightedLegacy("MultiLabelSoftMarginLoss", args);
    this.reduction = legacyReduction(a) as Reduction;
    this.register_buffer("weight", a.weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.multilabel_soft_margin_loss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class MultiMarginLoss extends Module {
  static override readonly __name__ = "MultiMarginLoss";
  p: number;
  margin: number;
  reduction: Reduction;
  declare weight: Tensor | null;
  /** new nn.MultiMarginLoss(p=1, margin=1.0, weight=None, size_average, reduce, reduction="mean") */
  constructor(...args: Fl.MultiMarginLossArgs) {
    super();
    const a = Fl.parseMultiMargin("MultiMarginLoss", args);
    this.p = a.p ?? 1;
    if (this.p !== 1 && this.p !== 2) throw new ValueError("only p == 1 and p == 2 supported");
    if (a.weight && a.weight.dim() !== 1) throw new ValueError(`MultiMarginLoss: expected weight to be None or 1D tensor, got ${a.weight.dim()}D instead`);
    this.margin = a.margin ?? 1.0;
    this.reduction = legacyReduction(a) as Reduction;
    this.register_buffer("weight", a.weight ?? null);
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.multi_margin_loss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

export class MultiLabelMarginLoss extends Module {
  static override readonly __name__ = "MultiLabelMarginLoss";
  reduction: Reduction;
  /** new nn.MultiLabelMarginLoss(size_average, reduce, reduction="mean") */
  constructor(...args: Fl.MultiLabelMarginLossArgs) {
    super();
    this.reduction = legacyReduction(Fl.parseLegacy("MultiLabelMarginLoss", args)) as Reduction;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return Fl.multilabel_margin_loss(input, target, { reduction: this.reduction });
  }
}

export class TripletMarginLoss extends Module {
  static override readonly __name__ = "TripletMarginLoss";
  margin: number;
  p: number;
  eps: number;
  swap: boolean;
  reduction: Reduction;
  /** new nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-6, swap=false, size_average, reduce, reduction="mean") */
  constructor(...args: Fl.TripletMarginLossArgs) {
    super();
    const a = Fl.parseTriplet("TripletMarginLoss", args);
    this.margin = a.margin ?? 1.0;
    this.p = a.p ?? 2.0;
    this.eps = a.eps ?? 1e-6;
    this.swap = a.swap ?? false;
    this.reduction = legacyReduction(a) as Reduction;
  }
  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    return Fl.triplet_margin_loss(anchor, positive, negative, { margin: this.margin, p: this.p, eps: this.eps, swap: this.swap, reduction: this.reduction });
  }
}

/** new nn.GaussianNLLLoss({ full=false, eps=1e-6, reduction="mean" }): keyword-only settings, as in PyTorch. */
export class GaussianNLLLoss extends Module {
  static override readonly __name__ = "GaussianNLLLoss";
  full: boolean;
  eps: number;
  reduction: Reduction;
  constructor(options: Fl.GaussianNLLLossOptions = {}) {
    super();
    const a = parseArgs<Fl.GaussianNLLLossOptions>("GaussianNLLLoss", ["full", "eps", "reduction"], [options]);
    this.full = a.full ?? false;
    this.eps = a.eps ?? 1e-6;
    this.reduction = a.reduction ?? "mean";
  }
  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return Fl.gaussian_nll_loss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export class PoissonNLLLoss extends Module {
  static override readonly __name__ = "PoissonNLLLoss";
  log_input: boolean;
  full: boolean;
  eps: number;
  reduction: Reduction;
  /** new nn.PoissonNLLLoss(log_input=true, full=false, size_average, eps=1e-8, reduce, reduction="mean") */
  constructor(...args: Fl.PoissonNLLLossArgs) {
    super();
    const a = Fl.parsePoisson("PoissonNLLLoss", args);
    this.log_input = a.log_input ?? true;
    this.full = a.full ?? false;
    this.eps = a.eps ?? 1e-8;
    this.reduction = legacyReduction(a) as Reduction;
  }
  override forward(log_input: Tensor, target: Tensor): Tensor {
    return Fl.poisson_nll_loss(log_input, target, { log_input: this.log_input, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

export class PairwiseDistance extends Module {
  static override readonly __name__ = "PairwiseDistance";
  norm: number;
  eps: number;
  keepdim: boolean;
  /** new nn.PairwiseDistance(p=2.0, eps=1e-6, keepdim=false) */
  constructor(...args: Fl.PairwiseDistanceModuleArgs) {
    super();
    const a = Fl.parsePairwise("PairwiseDistance", args);
    this.norm = a.p ?? 2.0;
    this.eps = a.eps ?? 1e-6;
    this.keepdim = a.keepdim ?? false;
  }
  override forward(x1: Tensor, x2: Tensor): Tensor {
    return Fl.pairwise_distance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}

/** new nn.CTCLoss(blank=0, reduction="mean", zero_infinity=false); forward(log_probs, targets, input_lengths, target_lengths) */
export class CTCLoss extends Module {
  static override readonly __name__ = "CTCLoss";
  blank: number;
  reduction: Reduction;
  zero_infinity: boolean;
  constructor(...args: CTCLossArgs) {
    super();
    const a = parseArgs<CTCLossOptions>("CTCLoss", ["blank", "reduction", "zero_infinity"], args);
    this.blank = a.blank ?? 0;
    this.reduction = a.reduction ?? "mean";
    this.zero_infinity = a.zero_infinity ?? false;
  }
  override forward(
    log_probs: Tensor, targets: Tensor, input_lengths: Tensor | readonly number[], target_lengths: Tensor | readonly number[],
  ): Tensor {
    return ctc_loss(log_probs, targets, input_lengths, target_lengths, { blank: this.blank, reduction: this.reduction, zero_infinity: this.zero_infinity });
  }
}
