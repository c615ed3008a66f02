/**
 * The rest of torch.nn.functional's losses and distances: margin_ranking_loss,
 * hinge_embedding_loss, soft_margin_loss, multilabel_soft_margin_loss, multi_margin_loss,
 * multilabel_margin_loss, triplet_margin_loss, gaussian_nll_loss, poisson_nll_loss,
 * pairwise_distance and pdist. Built from differentiable tensor ops (gradients and gradients
 * of gradients from the ops), following PyTorch 1.13's formulas (tests/fixtures/torch/nn/functional_loss.json).
 * Every loss takes PyTorch's deprecated size_average / reduce pair as well as `reduction`.
 */
import { parseArgs, type PyArgs, type PyArgsExact } from "../../args";
import { is_grad_enabled } from "../../autograd/grad_mode";
import { composite } from "../../autograd/function";
import { cppTypeName, int64 } from "../../dtype";
import { RuntimeError, ValueError } from "../../errors";
import { where } from "../../ops/where";
import type { Tensor } from "../../tensor";
import { logsigmoid } from "./activation_extra";
import { legacyReduction } from "./loss_composed";
import { FLOAT_LABELS_HINT } from "./loss";
import { checkTensor, data, empty, type Reduction } from "./_util";

interface LegacyReduction {
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: Reduction;
}

function reduce(v: Tensor, reduction: string): Tensor {
  if (reduction === "none") return v;
  return reduction === "sum" ? v.sum() : v.mean();
}

export interface MarginRankingLossOptions extends LegacyReduction {
  margin?: number;
}
export type MarginRankingLossArgs = PyArgs<[margin?: number, size_average?: boolean | null, reduce?: boolean | null, reduction?: Reduction], MarginRankingLossOptions>;
export const parseMarginRanking = (fn: string, args: readonly unknown[]) =>
  parseArgs<MarginRankingLossOptions>(fn, ["margin", "size_average", "reduce", "reduction"], args);

/** F.margin_ranking_loss(input1, input2, target, margin=0, ...): max(0, -target * (input1 - input2) + margin). */
export function margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, ...args: MarginRankingLossArgs): Tensor {
  for (const [t, n] of [[input1, "input1"], [input2, "input2"], [target, "target"]] as const) checkTensor(t, "margin_ranking_loss", n);
  const a = parseMarginRanking("margin_ranking_loss", args);
  const reduction = legacyReduction(a);
  if (input1.dim() !== input2.dim() || input1.dim() !== target.dim()) {
    throw new RuntimeError(
      `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: torch.Size([${input1.shape.join(", ")}]), input2: torch.Size([${input2.shape.join(", ")}]), target: torch.Size([${target.shape.join(", ")}]) `,
    );
  }
  return reduce(target.neg().mul(input1.sub(input2)).add(a.margin ?? 0).clamp_min(0), reduction);
}

export type HingeEmbeddingLossArgs = MarginRankingLossArgs;

/** F.hinge_embedding_loss(input, target, margin=1.0, ...): x where target is 1, max(0, margin - x) where it is -1. */
export function hinge_embedding_loss(input: Tensor, target: Tensor, ...args: HingeEmbeddingLossArgs): Tensor {
  checkTensor(input, "hinge_embedding_loss");
  checkTensor(target, "hinge_embedding_loss", "target");
  const a = parseMarginRanking("hinge_embedding_loss", args);
  const reduction = legacyReduction(a);
  const margin = a.margin ?? 1.0;
  const marginClamp = input.neg().add(margin).clamp_min(0);
  const out = where(target.ne(1), marginClamp, 0).add(where(target.ne(-1), input, 0));
  return reduce(out, reduction);
}

export type SoftMarginLossArgs = PyArgs<[size_average?: boolean | null, reduce?: boolean | null, reduction?: Reduction], LegacyReduction>;
export const parseLegacy = (fn: string, args: readonly unknown[]) => parseArgs<LegacyReduction>(fn, ["size_average", "reduce", "reduction"], args);

/** F.soft_margin_loss(input, target, ...): log(1 + exp(-target * input)), computed stably as -logsigmoid(target * input). */
export function soft_margin_loss(input: Tensor, target: Tensor, ...args: SoftMarginLossArgs): Tensor {
  checkTensor(input, "soft_margin_loss");
  checkTensor(target, "soft_margin_loss", "target");
  const reduction = legacyReduction(parseLegacy("soft_margin_loss", args));
  // ATen has no derivative in the target here (torch 1.13 refuses one that requires grad, before computing)
  if (is_grad_enabled() && target.requires_grad) {
    throw new RuntimeError("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot have requires_grad True.");
  }
  return composite("SoftMarginLossBackward0", [input], (x) => reduce(logsigmoid(target.mul(x)).neg(), reduction));
}

export interface WeightedLegacyOptions extends LegacyReduction {
  weight?: Tensor | null;
}
export type MultiLabelSoftMarginLossArgs = PyArgs<
  [weight?: Tensor | null, size_average?: boolean | null, reduce?: boolean | null, reduction?: Reduction],
  WeightedLegacyOptions
>;
export const parseWeightedLegacy = (fn: string, args: readonly unknown[]) =>
  parseArgs<WeightedLegacyOptions>(fn, ["weight", "size_average", "reduce", "reduction"], args);

/**
 * F.multilabel_soft_margin_loss(input, target, weight=None, ...): per-class logistic loss
 * -(y log sigmoid(x) + (1 - y) log sigmoid(-x)), weighted, averaged over classes (last dim).
 */
export function multilabel_soft_margin_loss(input: Tensor, target: Tensor, ...args: MultiLabelSoftMarginLossArgs): Tensor {
  checkTensor(input, "multilabel_soft_margin_loss");
  checkTensor(target, "multilabel_soft_margin_loss", "target");
  const a = parseWeightedLegacy("multilabel_soft_margin_loss", args);
  const reduction = legacyReduction(a);
  let loss = target.mul(logsigmoid(input)).add(target.neg().add(1).mul(logsigmoid(input.neg()))).neg();
  if (a.weight) loss = loss.mul(a.weight);
  const classDim = input.dim() - 1;
  loss = loss.sum(classDim).div(input.shape[classDim]);
  return reduce(loss, reduction);
}

/** (N, C) input and (N,) class targets, or a single (C,) sample with a 0-d target. */
function classTargets(fn: string, input: Tensor, target: Tensor): { x: Tensor; y: Tensor; single: boolean } {
  if (target.dtype !== int64) {
    throw new RuntimeError(`expected scalar type Long but found ${cppTypeName(target.dtype)}${target.dtype.is_floating_point ? FLOAT_LABELS_HINT : ""}`);
  }
  const single = input.dim() <= 1;
  const x = single ? input.reshape(1, -1) : input;
  if (x.dim() !== 2) throw new RuntimeError(`${fn}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: [${input.shape.join(", ")}]`);
  const y = target.reshape(-1);
  if (y.numel() !== x.shape[0]) {
    throw new RuntimeError(`inconsistent target size, expected ${x.shape[0]} but got [${target.shape.join(", ")}]`);
  }
  const C = x.shape[1];
  for (const v of data(y)) if (v < 0 || v >= C) throw new RuntimeError("target out of range");
  return { x, y, single };
}

export interface MultiMarginLossOptions extends WeightedLegacyOptions {
  p?: number;
  margin?: number;
}
export type MultiMarginLossArgs = PyArgs<
  [p?: number, margin?: number, weight?: Tensor | null, size_average?: boolean | null, reduce?: boolean | null, reduction?: Reduction],
  MultiMarginLossOptions
>;
export const parseMultiMargin = (fn: string, args: readonly unknown[]) =>
  parseArgs<MultiMarginLossOptions>(fn, ["p", "margin", "weight", "size_average", "reduce", "reduction"], args);

/**
 * F.multi_margin_loss(input, target, p=1, margin=1.0, weight=None, ...): multi-class hinge loss
 * sum over j != y of max(0, margin - x[y] + x[j])^p / C, times weight[y].
 */
export function multi_margin_loss(input: Tensor, target: Tensor, ...args: MultiMarginLossArgs): Tensor {
  checkTensor(input, "multi_margin_loss");
  checkTensor(target, "multi_margin_loss", "target");
  const a = parseMultiMargin("multi_margin_loss", args);
  const reduction = legacyReduction(a);
  const p = a.p ?? 1;
  if (p !== 1 && p !== 2) throw new ValueError("only p == 1 and p == 2 supported");
  const { x: rows, y, single } = classTargets("multi_margin_loss", input, target);
  // ATen has no derivative in the class weights (torch 1.13 refuses ones that require grad)
  if (is_grad_enabled() && a.weight?.requires_grad) {
    throw new RuntimeError("The function 'multi_margin_loss' is not differentiable with respect to argument 'weight'. This input cannot have requires_grad True.");
  }
  const [N, C] = rows.shape;
  // The target's own column never counts.
  const others = empty([N, C], rows.dtype.is_floating_point ? rows.dtype : input.dtype);
  others._data.fill(1);
  const yd = data(y);
  for (let i = 0; i < N; i++) others._data[i * C + yd[i]] = 0;
  return composite("MultiMarginLossBackward0", [input], (inp) => {
    const x = single ? inp.reshape(1, -1) : inp;
    const xy = x.gather(1, y.reshape(N, 1));
    let z = x.sub(xy).add(a.margin ?? 1.0).clamp_min(0);
    if (p === 2) z = z.mul(z);
    if (a.weight) z = z.mul(a.weight.index_select(0, y).reshape(N, 1));
    let loss = z.mul(others).sum(1).div(C);
    if (single) loss = loss.reshape([]);
    return reduce(loss, reduction);
  });
}

export type MultiLabelMarginLossArgs = SoftMarginLossArgs;

/**
 * F.multilabel_margin_loss(input, target, ...): target rows list class indices, ended by the
 * first -1; loss = sum over listed j and unlisted k of max(0, 1 - (x[j] - x[k])) / C.
 */
export function multilabel_margin_loss(input: Tensor, target: Tensor, ...args: MultiLabelMarginLossArgs): Tensor {
  checkTensor(input, "multilabel_margin_loss");
  checkTensor(target, "multilabel_margin_loss", "target");
  const reduction = legacyReduction(parseLegacy("multilabel_margin_loss", args));
  const single = input.dim() <= 1;
  const x = single ? input.reshape(1, -1) : input;
  const t = single ? target.reshape(1, -1) : target;
  if (x.dim() !== 2 || t.shape.join() !== x.shape.join()) {
    throw new RuntimeError(`inconsistent target size: [${target.shape.join(", ")}] for input of size: [${input.shape.join(", ")}]`);
  }
  const [N, C] = x.shape;
  const td = data(t);
  // counts[i, j]: how often class j is listed for sample i; unlisted[i, k]: 1 when k is not listed.
  const counts = empty([N, C], x.dtype);
  const unlisted = empty([N, C], x.dtype);
  counts._data.fill(0);
  unlisted._data.fill(1);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < C; j++) {
      const c = td[i * C + j];
      if (c < 0) break;
      if (c >= C) throw new RuntimeError("argument #2 'target' is out of range");
      counts._data[i * C + c] += 1;
      unlisted._data[i * C + c] = 0;
    }
  }
  return composite("MultilabelMarginLossBackward0", [input], (inp) => {
    const rows = single ? inp.reshape(1, -1) : inp;
    const hinge = rows.unsqueeze(1).sub(rows.unsqueeze(2)).add(1).clamp_min(0); // [i, j, k] = 1 - (x_j - x_k)
    let loss = hinge.mul(counts.unsqueeze(2)).mul(unlisted.unsqueeze(1)).sum([1, 2]).div(C);
    if (single) loss = loss.reshape([]);
    return reduce(loss, reduction);
  });
}

export interface PairwiseDistanceOptions {
  p?: number;
  eps?: number;
  keepdim?: boolean;
}
export type PairwiseDistanceArgs = PyArgs<[p?: number, eps?: number, keepdim?: boolean], PairwiseDistanceOptions>;
/** nn.PairwiseDistance's: no keepdims= (its __init__ is Python, F.pairwise_distance is not). */
export type PairwiseDistanceModuleArgs = PyArgsExact<[p?: number, eps?: number, keepdim?: boolean], PairwiseDistanceOptions>;
export const parsePairwise = (fn: string, args: readonly unknown[]) => parseArgs<PairwiseDistanceOptions>(fn, ["p", "eps", "keepdim"], args);

/** F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False): ||x1 - x2 + eps||_p over the last dim. */
export function pairwise_distance(x1: Tensor, x2: Tensor, ...args: PairwiseDistanceArgs): Tensor {
  checkTensor(x1, "pairwise_distance", "x1");
  checkTensor(x2, "pairwise_distance", "x2");
  const a = parsePairwise("pairwise_distance", args);
  const outDim = Math.max(x1.dim(), x2.dim()) - 1;
  return x1.sub(x2).add(a.eps ?? 1e-6).norm(a.p ?? 2, outDim, a.keepdim ?? false);
}

/** F.pdist(input, p=2): the distances between all pairs of rows i < j of an (N, M) input, in row-major order of the pairs. */
export function pdist(input: Tensor, ...args: PyArgs<[p?: number], { p?: number }>): Tensor {
  checkTensor(input, "pdist");
  const p = parseArgs<{ p?: number }>("pdist", ["p"], args).p ?? 2;
  if (input.dim() !== 2) throw new RuntimeError(`pdist only supports 2D tensors, got: ${input.dim()}D`);
  if (!(p >= 0)) throw new RuntimeError("pdist only supports non-negative p values");
  const N = input.shape[0];
  const pairs = (N * (N - 1)) / 2;
  const I = empty([pairs], int64);
  const J = empty([pairs], int64);
  let k = 0;
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++, k++) {
      I._data[k] = i;
      J._data[k] = j;
    }
  }
  return composite("PdistBackward0", [input], (x) => x.index_select(0, I).sub(x.index_select(0, J)).norm(p, 1));
}

export interface TripletMarginLossOptions extends LegacyReduction {
  margin?: number;
  p?: number;
  eps?: number;
  swap?: boolean;
}
export type TripletMarginLossArgs = PyArgs<
  [margin?: number, p?: number, eps?: number, swap?: boolean, size_average?: boolean | null, reduce?: boolean | null, reduction?: Reduction],
  TripletMarginLossOptions
>;
export const parseTriplet = (fn: string, args: readonly unknown[]) =>
  parseArgs<TripletMarginLossOptions>(fn, ["margin", "p", "eps", "swap", "size_average", "reduce", "reduction"], args);

/**
 * F.triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, ...):
 * max(0, margin + d(a, p) - d(a, n)); with swap, d(a, n) is min(d(a, n), d(p, n)).
 */
export function triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, ...args: TripletMarginLossArgs): Tensor {
  for (const [t, n] of [[anchor, "anchor"], [positive, "positive"], [negative, "negative"]] as const) checkTensor(t, "triplet_margin_loss", n);
  const a = parseTriplet("triplet_margin_loss", args);
  const reduction = legacyReduction(a);
  if (anchor.dim() !== positive.dim() || anchor.dim() !== negative.dim()) {
    throw new RuntimeError(`All inputs should have same dimension but got ${anchor.dim()}D, ${positive.dim()}D and ${negative.dim()}D inputs.`);
  }
  const p = a.p ?? 2;
  const eps = a.eps ?? 1e-6;
  const dPos = pairwise_distance(anchor, positive, p, eps);
  let dNeg = pairwise_distance(anchor, negative, p, eps);
  if (a.swap) dNeg = dNeg.minimum(pairwise_distance(positive, negative, p, eps));
  return reduce(dPos.sub(dNeg).add(a.margin ?? 1.0).clamp_min(0), reduction);
}

export interface GaussianNLLLossOptions {
  full?: boolean;
  eps?: number;
  reduction?: Reduction;
}
export type GaussianNLLLossArgs = PyArgs<[full?: boolean, eps?: number, reduction?: Reduction], GaussianNLLLossOptions>;

/**
 * F.gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'):
 * 0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) when full).
 * As in PyTorch the clamp happens outside autograd: var's gradient is taken at the clamped
 * value, as if the clamp were the identity.
 */
export function gaussian_nll_loss(input: Tensor, target: Tensor, variance: Tensor, ...args: GaussianNLLLossArgs): Tensor {
  checkTensor(input, "gaussian_nll_loss");
  checkTensor(target, "gaussian_nll_loss", "target");
  checkTensor(variance, "gaussian_nll_loss", "var");
  const a = parseArgs<GaussianNLLLossOptions>("gaussian_nll_loss", ["full", "eps", "reduction"], args);
  let v = variance;
  if (v.shape.join() !== input.shape.join()) {
    if (input.shape.slice(0, -1).join() === v.shape.join()) v = v.unsqueeze(-1);
    else if (!(input.shape.slice(0, -1).join() === v.shape.slice(0, -1).join() && v.shape[v.dim() - 1] === 1)) throw new ValueError("var is of incorrect size");
  }
  const reduction = a.reduction ?? "mean";
  if (!["mean", "sum", "none"].includes(reduction)) throw new ValueError(`${reduction} is not valid`);
  if (v.lt(0).any().item()) throw new ValueError("var has negative entry/entries");
  const eps = a.eps ?? 1e-6;
  const clamped = v.add(v.detach().clamp_min(eps).sub(v.detach()));
  const d = input.sub(target);
  let loss = clamped.log().add(d.mul(d).div(clamped)).mul(0.5);
  if (a.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}

export interface PoissonNLLLossOptions extends LegacyReduction {
  log_input?: boolean;
  full?: boolean;
  eps?: number;
}
export type PoissonNLLLossArgs = PyArgs<
  [log_input?: boolean, full?: boolean, size_average?: boolean | null, eps?: number, reduce?: boolean | null, reduction?: Reduction],
  PoissonNLLLossOptions
>;
export const parsePoisson = (fn: string, args: readonly unknown[]) =>
  parseArgs<PoissonNLLLossOptions>(fn, ["log_input", "full", "size_average", "eps", "reduce", "reduction"], args);

/**
 * F.poisson_nll_loss(input, target, log_input=True, full=False, size_average, eps=1e-8, reduce, reduction='mean'):
 * exp(input) - target * input (log_input) or input - target * log(input + eps); with full, the
 * Stirling term target log target - target + 0.5 log(2 pi target) where target > 1.
 */
export function poisson_nll_loss(input: Tensor, target: Tensor, ...args: PoissonNLLLossArgs): Tensor {
  checkTensor(input, "poisson_nll_loss");
  checkTensor(target, "poisson_nll_loss", "target");
  const a = parsePoisson("poisson_nll_loss", args);
  const reduction = legacyReduction(a);
  let loss = (a.log_input ?? true) ? input.exp().sub(target.mul(input)) : input.sub(target.mul(input.add(a.eps ?? 1e-8).log()));
  if (a.full) {
    const stirling = target.mul(target.log()).sub(target).add(target.mul(2 * Math.PI).log().mul(0.5));
    loss = loss.add(stirling.masked_fill(target.le(1), 0));
  }
  return reduce(loss, reduction);
}

