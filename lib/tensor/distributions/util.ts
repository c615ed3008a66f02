/**
 * What the torch.distributions classes share: parameters as tensors (numbers become 0-d tensors
 * of the other parameter's dtype), broadcasting, PyTorch's validation messages, its repr of a
 * parameter, and the probability helpers of torch/distributions/utils.py.
 */
import { enable_grad, no_grad } from "../autograd/grad_mode";
import { bool, float32, float64 } from "../dtype";
import { ValueError } from "../errors";
import { formatTensor } from "../format";
import { pyFloat } from "../nn/repr";
import { broadcast_tensors } from "../ops/shape_extra";
import { Tensor } from "../tensor";

export type Param = Tensor | number;

/** The validate_args option every distribution takes (PyTorch validates unless it is false). */
export type Validate = { validate_args?: boolean | null };

/** Exactly one of probs and logits, as PyTorch requires; the one given is returned under its name, the other as null. */
export function probsOrLogits<T>(o: { probs?: T | null; logits?: T | null }): { probs: T | null; logits: T | null } {
  const probs = o.probs ?? null;
  const logits = o.logits ?? null;
  if ((probs === null) === (logits === null)) throw new ValueError("Either `probs` or `logits` must be specified, but not both.");
  return { probs, logits };
}

/** A parameter as a tensor: numbers take `like`'s dtype (else float32), as PyTorch's broadcast_all does. */
export const asTensor = (v: Param, like?: Tensor): Tensor => (v instanceof Tensor ? v : new Tensor(Float32Array.of(v), [], float32).to(like?.dtype ?? float32));

/** The first tensor among the parameters (numbers follow its dtype). */
const firstTensor = (ps: readonly Param[]): Tensor | undefined => ps.find((p): p is Tensor => p instanceof Tensor);

/** broadcast_all: every parameter as a tensor, broadcast to one shape. */
export function broadcastAll(...ps: Param[]): Tensor[] {
  const like = firstTensor(ps);
  return broadcast_tensors(...ps.map((p) => asTensor(p, like)));
}

/** A parameter in a repr: its value when it has one element (PyTorch prints the tensor), else its size. */
export function fmtParam(t: Tensor): string {
  if (t.numel() !== 1) return `torch.Size([${t.shape.join(", ")}])`;
  return t.dim() === 0 ? pyFloat(t.item()) : formatTensor(t);
}

/**
 * The invalid values ending a validation message, as Python's f"{value}" prints them: a 0-dim tensor as its item
 * (Tensor.__format__: `-1.0`, `3`, `nan`), a larger one as its repr.
 */
export function fmtInvalid(t: Tensor): string {
  return no_grad(() => {
    const v = t.detach();
    if (v.dim() !== 0 || v.dtype.is_complex) return formatTensor(v);
    const x = v.item() as number | boolean;
    if (v.dtype === bool) return x ? "True" : "False";
    return v.dtype.is_floating_point ? pyFloat(Number(x)) : String(x);
  });
}

/** A shape as Python prints a tuple: (), (3,), (2, 3). */
export const pyTuple = (shape: readonly number[]): string => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`);

/** Raises PyTorch's ValueError for a parameter where `bad` (a bool tensor) has a true element. */
export function checkParam(name: string, value: Tensor, bad: (t: Tensor) => Tensor, constraint: string, dist: () => string): void {
  const invalid = no_grad(() => bad(value).logical_or(value.isnan()).any().item());
  if (invalid) {
    throw new ValueError(
      `Expected parameter ${name} (Tensor of shape ${pyTuple(value.shape)}) of distribution ${dist()} to satisfy the constraint ${constraint}, but found invalid values:\n${fmtInvalid(value)}`,
    );
  }
}

/** Raises PyTorch's ValueError for a log_prob value outside the support. */
export function checkSupport(value: Tensor, bad: (t: Tensor) => Tensor, support: string, dist: string): void {
  if (no_grad(() => bad(value).any().item())) {
    throw new ValueError(
      `Expected value argument (Tensor of shape ${pyTuple(value.shape)}) to be within the support (${support}) of the distribution ${dist}, but found invalid values:\n${fmtInvalid(value)}`,
    );
  }
}

export const positive = (t: Tensor): Tensor => t.le(0);
export const nonNegative = (t: Tensor): Tensor => t.lt(0);
export const outsideUnit = (t: Tensor): Tensor => t.lt(0).logical_or(t.gt(1));

/** clamp_probs: probabilities kept eps away from 0 and 1 (eps of the dtype). */
export function clampProbs(p: Tensor): Tensor {
  const eps = p.dtype === float64 ? 2.220446049250313e-16 : 1.1920928955078125e-7;
  return p.clamp(eps, 1 - eps);
}

/** probs_to_logits(p, is_binary=True): log(p) - log1p(-p) of the clamped probability. */
export const binaryLogits = (p: Tensor): Tensor => {
  const c = clampProbs(p);
  return c.log().sub(c.neg().log1p());
};

/** A lazy parameter's value kept as an own property (shadowing the class's getter), as PyTorch's lazy_property keeps it in __dict__. */
export const ownParam = (d: object, k: string, v: Tensor): Tensor => (Object.defineProperty(d, k, { value: v, writable: true, configurable: true, enumerable: true }), v);

/**
 * PyTorch's lazy_property for a distribution's probs / logits: the one not given is computed from the other the first
 * time it is read (from the other's value then, with grad enabled as lazy_property does, so a distribution built
 * under no_grad still gives a .probs on the graph) and kept as an own property (ownParam). The classes declare both
 * (`declare readonly probs: Tensor`) and set the given one with ownParam.
 */
export function lazyProbsLogits<D extends { probs: Tensor; logits: Tensor }>(proto: D, toProbs: (d: D) => Tensor, toLogits: (d: D) => Tensor): void {
  const lazy = (name: string, compute: (d: D) => Tensor): PropertyDescriptor => ({
    get(this: D) {
      return ownParam(this, name, enable_grad(() => compute(this)));
    },
    configurable: true,
    enumerable: false,
  });
  Object.defineProperty(proto, "probs", lazy("probs", toProbs));
  Object.defineProperty(proto, "logits", lazy("logits", toLogits));
}

/** Sums the rightmost n dims (PyTorch's _sum_rightmost). */
export function sumRightmost(t: Tensor, n: number): Tensor {
  if (n <= 0) return t;
  return t.reshape([...t.shape.slice(0, t.dim() - n), -1]).sum(-1);
}

/** binary_cross_entropy_with_logits(logits, target, reduction="none"), in PyTorch's stable form. */
export function bceWithLogits(logits: Tensor, target: Tensor): Tensor {
  const maxVal = logits.neg().clamp_min(0);
  return target.neg().add(1).mul(logits).add(maxVal).add(maxVal.neg().exp().add(logits.neg().sub(maxVal).exp()).log());
}

/** sample_shape + batch_shape + event_shape. */
export const extendedShape = (sampleShape: readonly number[], batch: readonly number[], event: readonly number[] = []): number[] => [
  ...sampleShape, ...batch, ...event,
];

let defaultValidate = true;
/** Distribution.set_default_validate_args: the validation used when validate_args is None. */
export const setDefaultValidate = (v: boolean): void => {
  defaultValidate = v;
};
export const getDefaultValidate = (): boolean => defaultValidate;
/** Whether to validate, given a validate_args option (None follows the default, as PyTorch). */
export const validates = (v: boolean | null | undefined): boolean => v ?? defaultValidate;

/** torch.distributions.utils.logits_to_probs: sigmoid when is_binary, else softmax over the last dim. */
export const logits_to_probs = (logits: Tensor, is_binary = false): Tensor => (is_binary ? logits.sigmoid() : logits.softmax(-1));
/** torch.distributions.utils.probs_to_logits: log of the clamped probabilities (log-odds when is_binary). */
export const probs_to_logits = (probs: Tensor, is_binary = false): Tensor => (is_binary ? binaryLogits(probs) : clampProbs(probs).log());
/** torch.distributions.utils, the helpers tutorials call. */
export const utils = { broadcast_all: broadcastAll, logits_to_probs, probs_to_logits, clamp_probs: clampProbs };

