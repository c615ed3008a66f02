/**
 * torch 1.13's implementation switches on the optimizers (foreach, differentiable, capturable,
 * fused): keyword arguments that pick how PyTorch runs the update, not what it computes, and that
 * appear in every param_group (so in state_dict() and the optimizer's repr). Accepted and recorded
 * here as PyTorch records them; foreach=True gives the same numbers (it is a batching of the same
 * update) except for NAdam, whose 1.13 multi-tensor formula differs and is followed (nadam.ts).
 * Its side effects on the gradients are reproduced: with weight_decay (and no maximize), Adam,
 * Adamax, Adagrad, Adadelta, NAdam, RAdam and RMSprop add weight_decay * p into p.grad in place
 * (optimizer.ts, _foreachDecayIntoGrads), and SGD's nesterov step without weight_decay adds
 * momentum * buf into it (sgd.ts). fused / capturable
 * need CUDA and differentiable=True fails on leaf parameters in torch 1.13, so they raise its
 * messages.
 */
import { RuntimeError, TypeError_ } from "../errors";

export interface ImplFlags {
  foreach?: boolean | null;
  differentiable?: boolean;
  capturable?: boolean;
  fused?: boolean;
}

/** Each optimizer's switches in torch 1.13, in the order its defaults dict lists them. */
const FLAGS: Record<string, readonly (keyof ImplFlags)[]> = {
  SGD: ["foreach", "differentiable"],
  Adam: ["foreach", "capturable", "differentiable", "fused"],
  AdamW: ["foreach", "capturable"],
  Adagrad: ["foreach"],
  Adadelta: ["foreach"],
  Adamax: ["foreach"],
  ASGD: ["foreach"],
  NAdam: ["foreach"],
  RAdam: ["foreach"],
  RMSprop: ["foreach", "differentiable"],
  Rprop: ["foreach"],
};

/** The keyword names optimizer `name` takes for its switches. */
export function implFlagNames(name: string): (keyof ImplFlags)[] {
  return [...(FLAGS[name] ?? [])];
}

/** The switches' values for the defaults (foreach None, the others False unless given), checked. */
export function implFlags(name: string, o: ImplFlags): ImplFlags {
  const out: ImplFlags = {};
  for (const k of FLAGS[name] ?? []) {
    const v = o[k];
    if (k === "foreach") {
      if (v !== undefined && v !== null && typeof v !== "boolean") throw new TypeError_(`${name}(): foreach must be a bool or None, not ${typeof v}`);
      out.foreach = (v as boolean | null | undefined) ?? null;
    } else {
      if (v !== undefined && typeof v !== "boolean") throw new TypeError_(`${name}(): ${k} must be a bool, not ${typeof v}`);
      out[k] = (v as boolean | undefined) ?? false;
    }
  }
  // torch 1.13 raises these at construction (fused) or at the first step() (capturable: CPU params;
  // differentiable: its in-place update of a leaf that requires grad); here all before anything changes.
  if (out.fused) throw new RuntimeError("FusedAdam requires all the params to be CUDA, floating point");
  if (out.capturable) throw new RuntimeError("If capturable=True, params and state_steps must be CUDA tensors.");
  if (out.differentiable) throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
  return out;
}
