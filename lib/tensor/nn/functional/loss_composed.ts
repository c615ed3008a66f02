/**
 * Losses built from differentiable tensor ops (rather than fused kernels like ./loss.ts), so
 * their gradients, and gradients of those gradients (create_graph), come from the ops' own
 * formulas: huber_loss, smooth_l1_loss, kl_div, cosine_embedding_loss, plus
 * cosine_similarity. Numerics follow PyTorch 1.13 (checked against its values in
 * tests/fixtures/torch/nn/losses_extra.json).
 */
import { parseArgs, type PyArgs } from "../../args";
import { composite, record } from "../../autograd/function";
import { bool, cppTypeName, promoteTypes, type DType } from "../../dtype";
import { no_grad } from "../../autograd/grad_mode";
import { RuntimeError, ValueError } from "../../errors";
import { where } from "../../ops/where";
import { broadcastShapes } from "../../shape";
import type { Tensor } from "../../tensor";
import { warnOnce } from "../../warnings";
import { torchSize } from "../repr";
import { checkTensor, type Reduction } from "./_util";

/** Former names of warnings.ts's warnOnce / forgetShownWarnings, kept for the files that import them from here. */
export { warnOnce as warnLegacyOnce, forgetShownWarnings as forgetLegacyWarnings } from "../../warnings";

/** torch 1.13's legacy_get_string warning for the size_average / reduce pair, naming the reduction that replaces it. */
function warnLegacyReduction(reduction: string): void {
  warnOnce(`UserWarning: size_average and reduce args will be deprecated, please use reduction='${reduction}' instead.`);
}

/** The deprecated size_average / reduce pair, when given, decides the reduction (PyTorch's legacy_get_string). */
export function legacyReduction(a: { size_average?: boolean | null; reduce?: boolean | null; reduction?: string }, extra: readonly string[] = []): string {
  if ((a.size_average ?? null) !== null || (a.reduce ?? null) !== null) {
    // torch's legacy_get_string: `if size_average and reduce: ... elif reduce: ...`, Python truthiness, so a tensor
    // passed there (F.mse_loss(input, target, var) puts var in size_average's place) raises bool()'s error
    const truthy = (v: unknown): boolean => {
      if (v === null || typeof v !== "object") return Boolean(v);
      const t = v as Tensor;
      if (t.numel() !== 1) throw new RuntimeError("Boolean value of Tensor with more than one value is ambiguous");
      return t.item() !== 0;
    };
    const sizeAverage = a.size_average ?? true;
    const reduce = a.reduce ?? true;
    const reduction = truthy(sizeAverage) && truthy(reduce) ? "mean" : truthy(reduce) ? "sum" : "none";
    warnLegacyReduction(reduction);
    return reduction;
  }
  const r = a.reduction ?? "mean";
  if (!["mean", "sum", "none", ...extra].includes(r)) {
    throw new ValueError(`${r} is not a valid value for reduction`); // torch 1.13's _Reduction.get_enum
  }
  return r;
}

function reduce(v: Tensor, reduction: string): Tensor {
  if (reduction === "none") return v;
  return reduction === "sum" ? v.sum() : v.mean();
}

function checkPair(input: Tensor, target: Tensor, fn: string, warn = true): void {
  checkTensor(input, fn);
  checkTensor(target, fn, "target");
  // the regression losses (warn) check their kernel's dtype instead (lossKernelDtype)
  if (!warn && !input.dtype.is_floating_point) throw new RuntimeError(`${fn}: expected a floating-point input, got ${input.dtype}`);
  // torch 1.13's smooth_l1_loss / huber_loss warn as mse_loss / l1_loss do ([N, 1] predictions against [N] targets);
  // cosine_similarity / cosine_embedding_loss broadcast without a word (x[:, None] against x[None] in SimCLR)
  if (warn && input.shape.join() !== target.shape.join()) warnTargetSize(input, target);
}

/**
 * The dtype torch 1.13's mse / smooth_l1 / huber kernel runs in, or its error: the operands' promoted dtype (an int
 * input against a float target computes in float), whose kernel exists for floating dtypes only ('"mse_cpu" not
 * implemented for 'Long'', bool and int64 promoting to Long); huber writes into an input-dtype output, which a float
 * result cannot be cast to ("result type Float can't be cast to the desired output type Long").
 */
export function lossKernelDtype(kernel: string, input: Tensor, target: Tensor, intoInput = false): DType {
  if (input.dtype.is_floating_point && target.dtype === input.dtype) return input.dtype; // the usual case: nothing to check
  const common = promoteTypes(input.dtype, target.dtype);
  const rank = (d: DType): number => (d === bool ? 0 : d.is_floating_point ? 2 : 1);
  if (intoInput && rank(common) > rank(input.dtype)) {
    throw new RuntimeError(`result type ${cppTypeName(common)} can't be cast to the desired output type ${cppTypeName(input.dtype)}`);
  }
  if (!common.is_floating_point) throw new RuntimeError(`"${kernel}" not implemented for '${cppTypeName(common)}'`);
  return common;
}

/** The UserWarning of torch 1.13's regression losses when the target's size is not the input's (before broadcasting). */
export function warnTargetSize(input: Tensor, target: Tensor): void {
  warnOnce(
    `UserWarning: Using a target size (${torchSize(target.shape)}) that is different to the input size ` +
      `(${torchSize(input.shape)}). This will likely lead to incorrect results due to broadcasting. ` +
      "Please ensure they have the same size.",
  );
}

export interface HuberLossOptions {
  reduction?: Reduction;
  delta?: number;
}

/**
 * torch 1.13's mse_loss and huber_loss compute the loss of a target whose dtype is not the input's
 * (an int64 target, as learners pass labels), but their backward refuses it: "Found dtype Long but
 * expected Float". The loss keeps its value and its node's name (`node`); backward raises that.
 */
export function refuseTargetDtypeInBackward(loss: Tensor, node: string, input: Tensor, target: Tensor): Tensor {
  if (!loss.grad_fn || !input.requires_grad || target.dtype === input.dtype) return loss;
  const message = `Found dtype ${cppTypeName(target.dtype)} but expected ${cppTypeName(input.dtype)}`;
  return record(loss.detach(), node, [input], () => {
    throw new RuntimeError(message);
  });
}

/** F.huber_loss(input, target, reduction="mean", delta=1): squared error inside |d| < delta, linear outside. */
export function huber_loss(input: Tensor, target: Tensor, ...args: PyArgs<[reduction?: Reduction, delta?: number], HuberLossOptions>): Tensor {
  checkPair(input, target, "huber_loss");
  lossKernelDtype("huber_cpu", input, target, true);
  const a = parseArgs<HuberLossOptions>("huber_loss", ["reduction", "delta"], args);
  const reduction = legacyReduction(a);
  const delta = a.delta ?? 1;
  if (!(delta > 0)) throw new RuntimeError(`huber_loss does not support non-positive values for delta, got ${delta}`);
  const loss = composite("HuberLossBackward0", [input, target], (x, t) => {
    const d = x.sub(t.dtype === bool ? t.to(x.dtype) : t); // torch's kernel reads a bool target as numbers; sub refuses bools
    const ad = d.abs();
    return reduce(where(ad.lt(delta), d.mul(d).mul(0.5), ad.sub(0.5 * delta).mul(delta)), reduction);
  });
  // torch's huber_loss keeps a float input's dtype whatever the target's (mse_loss promotes)
  const kept = input.dtype.is_floating_point && loss.dtype !== input.dtype ? loss.to(input.dtype) : loss;
  return refuseTargetDtypeInBackward(kept, "HuberLossBackward0", input, target);
}

export interface SmoothL1LossOptions {
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: Reduction;
  beta?: number;
}

export type SmoothL1LossArgs = PyArgs<[size_average?: boolean | null, reduce?: boolean | null, reduction?: Reduction, beta?: number], SmoothL1LossOptions>;

export const parseSmoothL1 = (fn: string, args: readonly unknown[]) =>
  parseArgs<SmoothL1LossOptions>(fn, ["size_average", "reduce", "reduction", "beta"], args);

/** F.smooth_l1_loss(input, target, { reduction, beta=1 }): 0.5 d^2 / beta inside |d| < beta, |d| - beta/2 outside. */
export function smooth_l1_loss(input: Tensor, target: Tensor, ...args: SmoothL1LossArgs): Tensor {
  checkPair(input, target, "smooth_l1_loss");
  const dt = lossKernelDtype("smooth_l1_cpu", input, target);
  const a = parseSmoothL1("smooth_l1_loss", args);
  const reduction = legacyReduction(a);
  const beta = a.beta ?? 1;
  if (beta < 0) throw new RuntimeError("smooth_l1_loss does not support negative values for beta.");
  return composite("SmoothL1LossBackward0", [input, target], (x, t) => {
    // in the kernel's dtype: an integer / bool input against a float target computes in float (sub refuses bools)
    const d = (x.dtype === dt ? x : x.to(dt)).sub(t.dtype === bool ? t.to(dt) : t);
    const ad = d.abs();
    // beta = 0 is plain L1 (PyTorch switches to l1_loss there rather than divide by zero).
    if (beta === 0) return reduce(ad, reduction);
    return reduce(where(ad.lt(beta), d.mul(d).mul(0.5 / beta), ad.sub(0.5 * beta)), reduction);
  });
}

const KL_DIV_MEAN_WARNING =
  "UserWarning: reduction: 'mean' divides the total loss by both the batch size and the support size." +
  "'batchmean' divides only by the batch size, and aligns with the KL div math definition." +
  "'mean' will be changed to behave the same as 'batchmean' in the next major release.";

export interface KLDivOptions {
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: Reduction | "batchmean";
  log_target?: boolean;
}

export type KLDivArgs = PyArgs<
  [size_average?: boolean | null, reduce?: boolean | null, reduction?: Reduction | "batchmean", log_target?: boolean],
  KLDivOptions
>;

export const parseKLDiv = (fn: string, args: readonly unknown[]) =>
  parseArgs<KLDivOptions>(fn, ["size_average", "reduce", "reduction", "log_target"], args);

/**
 * F.kl_div(input, target, { reduction, log_target }): input holds log-probabilities; the
 * pointwise loss is target * (log target - input) (exp(target) * (target - input) with
 * log_target). "batchmean" divides the sum by the batch size, the true KL divergence;
 * "mean" (the default, as in PyTorch) divides by the number of elements.
 */
export function kl_div(input: Tensor, target: Tensor, ...args: KLDivArgs): Tensor {
  // torch 1.13's kl_div broadcasts without the regression losses' target-size warning (DALL-E's DiscreteVAE puts a [1]
  // log-uniform input against [b, n, K] log-probabilities)
  checkPair(input, target, "kl_div", false);
  const a = parseKLDiv("kl_div", args);
  const legacy = (a.size_average ?? null) !== null || (a.reduce ?? null) !== null;
  const reduction = legacyReduction(a, ["batchmean"]);
  // torch 1.13 warns of reduction='mean' (the default) when it is asked for by name, not through size_average / reduce
  if (!legacy && reduction === "mean") warnOnce(KL_DIV_MEAN_WARNING);
  let v: Tensor;
  if (a.log_target) v = target.exp().mul(target.sub(input));
  else {
    // xlogy(t, t): 0 where t == 0, without a 0 * log(0) NaN in the value or the gradient.
    const safe = where(target.eq(0), 1, target);
    v = target.mul(safe.log()).sub(target.mul(input));
  }
  if (reduction === "batchmean") return input.dim() === 0 ? v.sum() : v.sum().div(input.shape[0]);
  return reduce(v, reduction);
}

export interface CosineEmbeddingOptions {
  margin?: number;
  size_average?: boolean | null;
  reduce?: boolean | null;
  reduction?: Reduction;
}

export type CosineEmbeddingArgs = PyArgs<[margin?: number, size_average?: boolean | null, reduce?: boolean | null, reduction?: Reduction], CosineEmbeddingOptions>;

export const parseCosineEmbedding = (fn: string, args: readonly unknown[]) =>
  parseArgs<CosineEmbeddingOptions>(fn, ["margin", "size_average", "reduce", "reduction"], args);

/**
 * F.cosine_embedding_loss(x1, x2, y, { margin=0, reduction }): 1 - cos(x1, x2) where y = 1,
 * max(0, cos - margin) where y = -1; cos over dim 1 of (N, D) inputs (or of 1-D inputs).
 */
export function cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, ...args: CosineEmbeddingArgs): Tensor {
  const fn = "cosine_embedding_loss";
  checkPair(input1, input2, fn, false);
  checkTensor(target, fn, "target");
  const a = parseCosineEmbedding(fn, args);
  const reduction = legacyReduction(a);
  const margin = a.margin ?? 0;
  // torch 1.13's checks: the target's dims, then input1's (input2 only has to broadcast)
  const dim = target.dim();
  if (dim !== 0 && dim !== 1) throw new RuntimeError("0D or 1D target tensor expected, multi-target not supported");
  if (input1.dim() !== dim + 1) {
    const sizes = `[${input1.shape.join(", ")}] and [${input2.shape.join(", ")}]`;
    throw new RuntimeError(`${dim}D target tensor expects ${dim + 1}D input tensors, but found inputs with sizes ${sizes}.`);
  }
  const EPS = 1e-12; // PyTorch's EPSILON in the magnitudes
  const prod = input1.mul(input2).sum(dim);
  const mag1 = input1.mul(input1).sum(dim).add(EPS);
  const mag2 = input2.mul(input2).sum(dim).add(EPS);
  const cos = prod.div(mag1.mul(mag2).sqrt());
  const zeros = cos.mul(0);
  const pos = where(target.eq(1), cos.neg().add(1), zeros);
  const neg = where(target.eq(-1), cos.sub(margin).clamp({ min: 0 }), zeros);
  return reduce(pos.add(neg), reduction);
}

export interface CosineSimilarityOptions {
  dim?: number;
  eps?: number;
}

/**
 * F.cosine_similarity(x1, x2, dim=1, eps=1e-8), broadcasting x1 and x2. As PyTorch 1.13: both are
 * expanded to their common shape first (so a norm along a broadcast dim counts the copies), the
 * squared norms are clamped to eps^2 as a value only (the gradient is that of the unclamped
 * formula evaluated there), and the result is (x1 / |x1|) * (x2 / |x2|) summed over dim. That
 * last product saves the normalised operands, not the inputs: an input made under
 * torch.inference_mode may be either operand (x1 * x2 would save it, which inference tensors refuse).
 */
export function cosine_similarity(x1: Tensor, x2: Tensor, ...args: PyArgs<[dim?: number, eps?: number], CosineSimilarityOptions>): Tensor {
  checkPair(x1, x2, "cosine_similarity", false);
  const a = parseArgs<CosineSimilarityOptions>("cosine_similarity", ["dim", "eps"], args);
  const dim = a.dim ?? 1;
  const eps = a.eps ?? 1e-8;
  const shape = broadcastShapes(x1.shape, x2.shape, "cosine_similarity");
  const [e1, e2] = [x1.expand(shape), x2.expand(shape)];
  const n1 = clampedValue(e1.pow(2).sum(dim, true), eps * eps).sqrt();
  const n2 = clampedValue(e2.pow(2).sum(dim, true), eps * eps).sqrt();
  return e1.div(n1).mul(e2.div(n2)).sum(dim);
}

/** s with values clamped below at `min`, its gradient passing through unchanged (PyTorch's no-grad clamp_min_). */
function clampedValue(s: Tensor, min: number): Tensor {
  const lift = no_grad(() => s.clamp({ min }).sub(s));
  return s.add(lift);
}
