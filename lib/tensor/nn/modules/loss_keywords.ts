/**
 * Loss modules called with keywords, as PyTorch code does: `cosine_loss(a, b, target=ones)` is
 * `cosine_loss(a, b, { target: ones })` here (the Knowledge Distillation tutorial writes it so),
 * and `criterion({ input, target })` works too. Each class's forward keeps its positional form;
 * a trailing options object is mapped onto forward's parameters by torch 1.13's names, with
 * Python's TypeErrors for an unknown keyword, a value given twice or a missing argument.
 */
import { parseArgs, isOptions } from "../../args";
import { TypeError_ } from "../../errors";
import type { Module } from "../module";
import type { Tensor } from "../../tensor";
import type { KeywordArgs } from "../../tensor_operand_keywords";
import * as losses from "./loss";
import * as lossExtra from "./loss_extra";

/**
 * forward's parameter names in torch 1.13, per loss module (by its __name__). The classes' forward signatures are
 * typed from this table (ForwardArgs), so what a cell type-checks is what runs.
 */
export const FORWARD_NAMES = {
  MSELoss: ["input", "target"], L1Loss: ["input", "target"], BCELoss: ["input", "target"], BCEWithLogitsLoss: ["input", "target"],
  CrossEntropyLoss: ["input", "target"], NLLLoss: ["input", "target"], HuberLoss: ["input", "target"], SmoothL1Loss: ["input", "target"],
  KLDivLoss: ["input", "target"], HingeEmbeddingLoss: ["input", "target"], SoftMarginLoss: ["input", "target"],
  MultiLabelSoftMarginLoss: ["input", "target"], MultiMarginLoss: ["input", "target"], MultiLabelMarginLoss: ["input", "target"],
  CosineEmbeddingLoss: ["input1", "input2", "target"],
  MarginRankingLoss: ["input1", "input2", "target"],
  CosineSimilarity: ["x1", "x2"],
  PairwiseDistance: ["x1", "x2"],
  TripletMarginLoss: ["anchor", "positive", "negative"],
  GaussianNLLLoss: ["input", "target", "var"],
  PoissonNLLLoss: ["log_input", "target"],
  CTCLoss: ["log_probs", "targets", "input_lengths", "target_lengths"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** Whether A and B are the same type (not only assignable both ways: (a, b, c?) => T and (a, b) => T are). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * The keyword forms of a call of the loss module K (loss_fn(out, { target: y }), loss_fn({ input, target })): forward's
 * trailing arguments by FORWARD_NAMES[K]'s names in one options object. Only while the instance's forward is K's own:
 * a learner's subclass that overrides forward (d2l's MaskedSoftmaxCELoss(pred, label, valid_len)) gets its own
 * positional call from Module, as the mapping below wraps K's forward, not the subclass's.
 */
export type LossKeywordCall<This extends { forward: unknown }, K extends keyof typeof FORWARD_NAMES, Own> =
  Same<This["forward"], Own> extends true ? (Own extends (...args: infer P) => unknown ? Exclude<KeywordArgs<P, (typeof FORWARD_NAMES)[K]>, P> : never) : never;

const CLASSES: { prototype: Module; __name__: keyof typeof FORWARD_NAMES }[] = [
  losses.MSELoss, losses.L1Loss, losses.BCELoss, losses.BCEWithLogitsLoss, losses.CrossEntropyLoss, losses.NLLLoss, losses.HuberLoss,
  losses.SmoothL1Loss, losses.KLDivLoss, losses.CosineEmbeddingLoss, losses.CosineSimilarity, lossExtra.HingeEmbeddingLoss,
  lossExtra.SoftMarginLoss, lossExtra.MultiLabelSoftMarginLoss, lossExtra.MultiMarginLoss, lossExtra.MultiLabelMarginLoss,
  lossExtra.MarginRankingLoss, lossExtra.PairwiseDistance, lossExtra.TripletMarginLoss, lossExtra.GaussianNLLLoss,
  lossExtra.PoissonNLLLoss, lossExtra.CTCLoss,
];

/** Positional arguments for forward from PyTorch-style positional + keyword arguments. */
export function forwardArguments(cls: string, names: readonly string[], args: readonly unknown[]): unknown[] {
  if (args.length === 0 || !isOptions(args[args.length - 1])) return [...args];
  const fn = `${cls}.forward`;
  const byName = parseArgs<Record<string, unknown>>(fn, names, args);
  const missing = names.filter((n) => byName[n] === undefined);
  if (missing.length > 0) {
    const list = missing.map((n) => `'${n}'`).join(missing.length === 2 ? " and " : ", ");
    throw new TypeError_(`${fn}() missing ${missing.length} required positional argument${missing.length > 1 ? "s" : ""}: ${list}`);
  }
  return names.map((n) => byName[n]);
}

for (const cls of CLASSES) {
  const name = cls.__name__;
  const names = FORWARD_NAMES[name];
  const proto = cls.prototype as unknown as { forward: (...a: unknown[]) => unknown };
  const positional = proto.forward;
  proto.forward = function forward(this: Module, ...args: unknown[]) {
    return positional.apply(this, forwardArguments(name, names, args));
  };
}

// The call signatures of the keyword forms, beside Module's positional one (an interface's own call signatures and
// its base's both apply). Each class's forward keeps its positional type, so learners' subclasses may add parameters.
declare module "./loss" {
  interface MSELoss { (...args: LossKeywordCall<this, "MSELoss", MSELoss["forward"]>): Tensor }
  interface L1Loss { (...args: LossKeywordCall<this, "L1Loss", L1Loss["forward"]>): Tensor }
  interface BCELoss { (...args: LossKeywordCall<this, "BCELoss", BCELoss["forward"]>): Tensor }
  interface BCEWithLogitsLoss { (...args: LossKeywordCall<this, "BCEWithLogitsLoss", BCEWithLogitsLoss["forward"]>): Tensor }
  interface CrossEntropyLoss { (...args: LossKeywordCall<this, "CrossEntropyLoss", CrossEntropyLoss["forward"]>): Tensor }
  interface NLLLoss { (...args: LossKeywordCall<this, "NLLLoss", NLLLoss["forward"]>): Tensor }
  interface HuberLoss { (...args: LossKeywordCall<this, "HuberLoss", HuberLoss["forward"]>): Tensor }
  interface SmoothL1Loss { (...args: LossKeywordCall<this, "SmoothL1Loss", SmoothL1Loss["forward"]>): Tensor }
  interface KLDivLoss { (...args: LossKeywordCall<this, "KLDivLoss", KLDivLoss["forward"]>): Tensor }
  interface CosineEmbeddingLoss { (...args: LossKeywordCall<this, "CosineEmbeddingLoss", CosineEmbeddingLoss["forward"]>): Tensor }
  interface CosineSimilarity { (...args: LossKeywordCall<this, "CosineSimilarity", CosineSimilarity["forward"]>): Tensor }
}
declare module "./loss_extra" {
  interface HingeEmbeddingLoss { (...args: LossKeywordCall<this, "HingeEmbeddingLoss", HingeEmbeddingLoss["forward"]>): Tensor }
  interface SoftMarginLoss { (...args: LossKeywordCall<this, "SoftMarginLoss", SoftMarginLoss["forward"]>): Tensor }
  interface MultiLabelSoftMarginLoss { (...args: LossKeywordCall<this, "MultiLabelSoftMarginLoss", MultiLabelSoftMarginLoss["forward"]>): Tensor }
  interface MultiMarginLoss { (...args: LossKeywordCall<this, "MultiMarginLoss", MultiMarginLoss["forward"]>): Tensor }
  interface MultiLabelMarginLoss { (...args: LossKeywordCall<this, "MultiLabelMarginLoss", MultiLabelMarginLoss["forward"]>): Tensor }
  interface MarginRankingLoss { (...args: LossKeywordCall<this, "MarginRankingLoss", MarginRankingLoss["forward"]>): Tensor }
  interface PairwiseDistance { (...args: LossKeywordCall<this, "PairwiseDistance", PairwiseDistance["forward"]>): Tensor }
  interface TripletMarginLoss { (...args: LossKeywordCall<this, "TripletMarginLoss", TripletMarginLoss["forward"]>): Tensor }
  interface GaussianNLLLoss { (...args: LossKeywordCall<this, "GaussianNLLLoss", GaussianNLLLoss["forward"]>): Tensor }
  interface PoissonNLLLoss { (...args: LossKeywordCall<this, "PoissonNLLLoss", PoissonNLLLoss["forward"]>): Tensor }
  interface CTCLoss { (...args: LossKeywordCall<this, "CTCLoss", CTCLoss["forward"]>): Tensor }
}
