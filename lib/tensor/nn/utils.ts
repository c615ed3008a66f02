/**
 * torch.nn.utils: gradient clipping and flattening parameters into one vector, with PyTorch
 * 1.13's formulas (clip_grad_norm_ always rescales by min(1, max_norm / (total + 1e-6)) and
 * returns the total norm of the gradients taken together); utils.rnn (padding and packing
 * sequences of different lengths) lives in ./rnn_utils.ts.
 */
import { checkNoMoreArgs, parseArgs, type PyArgs } from "../args";
import { leadingArgs } from "../leading_args";
import { no_grad } from "../autograd/grad_mode";
import { RuntimeError, TypeError_ } from "../errors";
import { cat, stack } from "../ops/join";
import { tensor as makeTensor } from "../ops/creation";
import { Tensor } from "../tensor";
import { warnOnce } from "../warnings";
import { pyFloat } from "../py_type_name";
import { rnn } from "./rnn_utils";
import { parametrizations } from "./utils/parametrizations";
import { parametrize } from "./utils/parametrize";
import { prune } from "./utils/prune";
import { fusion, fuse_conv_bn_eval, fuse_conv_bn_weights } from "./utils/fusion";
import { skip_init } from "./utils/skip_init";
import { stateless } from "./utils/stateless";
import { remove_spectral_norm, remove_weight_norm, spectral_norm, weight_norm } from "./weight_norm";

type Params = Tensor | Iterable<Tensor>;

function paramList(parameters: Params, fn: string): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  if (parameters === null || typeof parameters !== "object" || typeof (parameters as Iterable<Tensor>)[Symbol.iterator] !== "function") {
    throw new TypeError_(`${fn}(): parameters must be a tensor or an iterable of tensors (e.g. model.parameters()), got ${String(parameters)}`);
  }
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError_(`${fn}(): parameters[${i}] is not a tensor`);
  });
  return list;
}

export interface ClipGradNormOptions {
  max_norm?: number;
  norm_type?: number | "inf";
  error_if_nonfinite?: boolean;
}

/**
 * Rescales the gradients in place so that their joint norm is at most max_norm; returns the
 * norm before clipping. `clip_grad_norm_(model.parameters(), 1.0)` or `(params, { max_norm, norm_type: Infinity })`.
 */
export function clip_grad_norm_(
  parameters: Params,
  ...args: PyArgs<[max_norm?: number, norm_type?: number | "inf", error_if_nonfinite?: boolean], ClipGradNormOptions>
): Tensor;
/** clip_grad_norm_(parameters=model.parameters(), max_norm=1.0): every argument by keyword. */
export function clip_grad_norm_(options: ClipGradNormOptions & { parameters: Params }): Tensor;
export function clip_grad_norm_(...all: unknown[]): Tensor {
  const [parameters, ...args] = leadingArgs("clip_grad_norm_", ["parameters"], 1, all) as [Params, ...unknown[]];
  // torch 1.13's signature: (parameters, max_norm, norm_type=2.0, error_if_nonfinite=False); foreach came in 2.0
  const o = parseArgs<ClipGradNormOptions>("clip_grad_norm_", ["max_norm", "norm_type", "error_if_nonfinite"], args);
  if (o.max_norm === undefined) throw new TypeError_("clip_grad_norm_() missing 1 required positional argument: 'max_norm'");
  const grads = paramList(parameters, "clip_grad_norm_").map((p) => p.grad).filter((g): g is Tensor => g !== null);
  // torch 1.13: max_norm = float(max_norm); norm_type = float(norm_type) ('inf' is float('inf')), before the empty check
  const maxNorm = pyFloat(o.max_norm);
  const normType = o.norm_type === undefined ? 2 : pyFloat(o.norm_type);
  if (grads.length === 0) return makeTensor(0);
  return no_grad(() => {
    let total: Tensor;
    if (normType === Infinity) {
      const norms = grads.map((g) => g.detach().abs().max());
      total = norms.length === 1 ? norms[0] : stack(norms).max();
    } else {
      total = stack(grads.map((g) => g.detach().norm(normType))).norm(normType);
    }
    if (o.error_if_nonfinite && !Number.isFinite(total.item())) {
      throw new RuntimeError(
        `The total norm of order ${normType === Infinity ? "inf" : pyNum(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. ` +
          "To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`",
      );
    }
    const coef = makeTensor(maxNorm, { dtype: total.dtype }).div(total.add(1e-6)).clamp({ max: 1 });
    for (const g of grads) g.mul_(coef.to(g.dtype));
    return total;
  });
}

function pyNum(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** Clamps every gradient to [-clip_value, clip_value] in place. */
export function clip_grad_value_(parameters: Params, ...args: PyArgs<[clip_value?: number], { clip_value?: number }>): void;
/** clip_grad_value_(parameters=model.parameters(), clip_value=0.5). */
export function clip_grad_value_(options: { parameters: Params; clip_value: number }): void;
export function clip_grad_value_(...all: unknown[]): void {
  const [parameters, ...args] = leadingArgs("clip_grad_value_", ["parameters"], 1, all) as [Params, ...unknown[]];
  // torch 1.13's signature: (parameters, clip_value); foreach came in 2.0
  const o = parseArgs<{ clip_value?: number }>("clip_grad_value_", ["clip_value"], args);
  if (o.clip_value === undefined) throw new TypeError_("clip_grad_value_() missing 1 required positional argument: 'clip_value'");
  const c = pyFloat(o.clip_value); // torch 1.13: clip_value = float(clip_value), a None or a list raising Python's TypeError
  const ps = paramList(parameters, "clip_grad_value_");
  no_grad(() => {
    for (const p of ps) if (p.grad) p.grad.clamp_(-c, c);
  });
}

/** All parameters flattened and concatenated into one vector (differentiable, like torch.cat). */
export function parameters_to_vector(parameters: Params): Tensor;
/** parameters_to_vector(parameters=model.parameters()). */
export function parameters_to_vector(options: { parameters: Params }): Tensor;
export function parameters_to_vector(...all: unknown[]): Tensor {
  const [parameters, ...extra] = leadingArgs("parameters_to_vector", ["parameters"], 1, all) as [Params, ...unknown[]];
  checkNoMoreArgs("parameters_to_vector", extra);
  const ps = paramList(parameters, "parameters_to_vector");
  if (ps.length === 0) throw new RuntimeError("parameters_to_vector(): expected a non-empty list of parameters");
  return cat(ps.map((p) => p.reshape([-1])));
}

/** Copies slices of `vec` into the parameters, in order (their .data then views vec, as in PyTorch). */
export function vector_to_parameters(vec: Tensor, parameters: Params): void;
/** vector_to_parameters(vec, parameters=model.parameters()) or every argument by keyword. */
export function vector_to_parameters(vec: Tensor, options: { parameters: Params }): void;
export function vector_to_parameters(options: { vec: Tensor; parameters: Params }): void;
export function vector_to_parameters(...all: unknown[]): void {
  const [vec, parameters, ...extra] = leadingArgs("vector_to_parameters", ["vec", "parameters"], 2, all) as [Tensor, Params, ...unknown[]];
  checkNoMoreArgs("vector_to_parameters", extra);
  if (!(vec instanceof Tensor)) throw new TypeError_(`expected torch.Tensor, but got: ${typeof vec}`);
  if (vec.dim() !== 1) throw new RuntimeError(`vector_to_parameters(): expected a 1-D vector, got shape [${vec.shape.join(", ")}]`);
  const ps = paramList(parameters, "vector_to_parameters");
  const need = ps.reduce((n, p) => n + p.numel(), 0);
  if (need !== vec.numel()) {
    throw new RuntimeError(`vector_to_parameters(): the vector has ${vec.numel()} elements but the parameters need ${need}`);
  }
  let at = 0;
  for (const p of ps) {
    const n = p.numel();
    p.data = vec.detach().narrow(0, at, n).view(p.shape.slice());
    at += n;
  }
}

/** torch.nn.utils.clip_grad_norm: clip_grad_norm_ under its deprecated name, with torch 1.13's warning (once per call site there, once here). */
export const clip_grad_norm = ((...all: unknown[]): Tensor => {
  warnOnce("UserWarning: torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_.");
  return (clip_grad_norm_ as (...a: unknown[]) => Tensor)(...all);
}) as typeof clip_grad_norm_;
Object.defineProperty(clip_grad_norm, "name", { value: "clip_grad_norm" });

export const utils = {
  clip_grad_norm_, clip_grad_value_, parameters_to_vector, vector_to_parameters, clip_grad_norm, rnn,
  // API breadth a4
  weight_norm, remove_weight_norm, spectral_norm, remove_spectral_norm,
  // torch.nn.utils.prune, parametrize, parametrizations
  prune, parametrize, parametrizations,
  // stateless.functional_call, skip_init, fusion, convert_parameters (PyTorch's module names)
  stateless, skip_init, init: { skip_init }, fusion, fuse_conv_bn_eval, fuse_conv_bn_weights,
  convert_parameters: { parameters_to_vector, vector_to_parameters },
};
