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
import * as losses from "./loss";
import * as lossExtra from "./loss_extra";

/** forward's parameter names in torch 1.13, per loss module. */
const FORWARD_NAMES: [cls: { prototype: Module; name: string; __name__?: string }, names: string[]][] = [
  ...[losses.MSELoss, losses.L1Loss, losses.BCELoss, losses.BCEWithLogitsLoss, losses.CrossEntropyLoss, losses.NLLLoss,
    losses.HuberLoss, losses.SmoothL1Loss, losses.KLDivLoss, lossExtra.HingeEmbeddingLoss, lossExtra.SoftMarginLoss,
    lossExtra.MultiLabelSoftMarginLoss, lossExtra.MultiMarginLoss, lossExtra.MultiLabelMarginLoss].map((c) => [c, ["input", "target"]] as [typeof c, string[]]),
  [losses.CosineEmbeddingLoss, ["input1", "input2", "target"]],
  [lossExtra.MarginRankingLoss, ["input1", "input2", "target"]],
  [losses.CosineSimilarity, ["x1", "x2"]],
  [lossExtra.PairwiseDistance, ["x1", "x2"]],
  [lossExtra.TripletMarginLoss, ["anchor", "positive", "negative"]],
  [lossExtra.GaussianNLLLoss, ["input", "target", "var"]],
  [lossExtra.PoissonNLLLoss, ["log_input", "target"]],
  [lossExtra.CTCLoss, ["log_probs", "targets", "input_lengths", "target_lengths"]],
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

for (const [cls, names] of FORWARD_NAMES) {
  const proto = cls.prototype as unknown as { forward: (...a: unknown[]) => unknown };
  const positional = proto.forward;
  proto.forward = function forward(this: Module, ...args: unknown[]) {
    return positional.apply(this, forwardArguments(cls.__name__ ?? cls.name, names, args));
  };
}
