/**
 * More functions of the `torch` namespace (spread into torchCore by torch.ts): elementwise math
 * (acos ... addcdiv, clamp_min / clamp_max, absolute) and round with decimals; creation (normal,
 * poisson, logspace), the default dtype, dtype questions and inference_mode.
 */
import { inferenceState } from "./inference_state";
import { parseArgs, type PyArgs } from "./args";
import { TypeError_ } from "./errors";
import { get_default_dtype, set_default_dtype } from "./default_dtype";
import { is_grad_enabled, no_grad } from "./autograd/grad_mode";
import * as created from "./ops/creation_extra";
import * as dtypes from "./ops/dtype_utils";
import * as info from "./ops/dtype_info";
import * as ew from "./ops/elementwise_extra";
import * as ip from "./ops/inplace_extra";
import * as unary from "./ops/unary";
import { Tensor, type TensorLike } from "./tensor";
import { epsArg, valueArg, weightArg } from "./tensor_extra_methods";

/** torch.round(x) or torch.round(x, { decimals }) (PyTorch's keyword; a number works too). */
export function round(x: Tensor, ...args: PyArgs<[decimals?: number], { decimals?: number }>): Tensor {
  const d = parseArgs<{ decimals?: number }>("round", ["decimals"], args).decimals ?? 0;
  return d === 0 ? unary.round(x) : ew.roundDecimals(x, d);
}

export const extraMath = {
  acos: ew.acos, arccos: ew.acos, asin: ew.asin, arcsin: ew.asin, atan: ew.atan, arctan: ew.atan, atan2: ew.atan2, arctan2: ew.atan2,
  sinh: ew.sinh, cosh: ew.cosh, tan: ew.tan, deg2rad: ew.deg2rad, rad2deg: ew.rad2deg, exp2: ew.exp2, log10: ew.log10, frac: ew.frac,
  lgamma: ew.lgamma, digamma: ew.digamma, erfinv: ew.erfinv, sinc: ew.sinc, signbit: ew.signbit, absolute: unary.abs,
  asinh: ew.asinh, arcsinh: ew.asinh, acosh: ew.acosh, arccosh: ew.acosh, atanh: ew.atanh, arctanh: ew.atanh, erfc: ew.erfc,
  isposinf: ew.isposinf, isneginf: ew.isneginf, positive: ew.positive,
  fmax: (x: TensorLike, other: TensorLike) => ew.fmax(x, other),
  fmin: (x: TensorLike, other: TensorLike) => ew.fmin(x, other),
  copysign: (x: TensorLike, other: TensorLike) => ew.copysign(x, other),
  hypot: (x: Tensor, other: Tensor) => ew.hypot(x, other),
  logaddexp: (x: Tensor, other: TensorLike) => ew.logaddexp(x, other),
  xlogy: (x: TensorLike, other: TensorLike) => ew.xlogy(x, other),
  heaviside: (x: Tensor, values: Tensor) => ew.heaviside(x, values),
  logit: (x: Tensor, ...args: PyArgs<[eps?: number | null], { eps?: number | null }>) => ew.logit(x, epsArg("logit", args)),
  lerp: (x: Tensor, end: Tensor, ...args: PyArgs<[weight?: TensorLike], { weight?: TensorLike }>) => ew.lerp(x, end, weightArg("lerp", args)),
  addcmul: (x: Tensor, t1: Tensor, t2: Tensor, ...args: PyArgs<[value?: number], { value?: number }>) => ew.addcmul(x, t1, t2, valueArg("addcmul", args)),
  addcdiv: (x: Tensor, t1: Tensor, t2: Tensor, ...args: PyArgs<[value?: number], { value?: number }>) => ew.addcdiv(x, t1, t2, valueArg("addcdiv", args)),
  clamp_min: (x: Tensor, min: number | { min: number }) => unary.clamp(x, typeof min === "number" ? min : parseArgs<{ min?: number }>("clamp_min", ["min"], [min]).min, null),
  clamp_max: (x: Tensor, max: number | { max: number }) => unary.clamp(x, null, typeof max === "number" ? max : parseArgs<{ max?: number }>("clamp_max", ["max"], [max]).max),
};


/**
 * torch.inference_mode(fn) / inference_mode(mode, fn): like no_grad (PyTorch's inference mode is
 * no_grad plus bookkeeping this engine does not need); inference_mode(false, fn) leaves grad mode as it is.
 */
function inference_mode<T>(fn: () => T): T;
function inference_mode<T>(mode: boolean, fn: () => T): T;
/** inference_mode() / inference_mode(mode) without a function: the decorator form, `torch.inference_mode()(f)` for `@torch.inference_mode()`. */
function inference_mode(mode?: boolean | { mode?: boolean }): <A extends unknown[], R>(f: (...args: A) => R) => (...args: A) => R;
function inference_mode<T>(...args: unknown[]): T | (<A extends unknown[], R>(f: (...args: A) => R) => (...args: A) => R) {
  const run = args.find((a): a is () => T => typeof a === "function");
  const o = parseArgs<{ mode: boolean }>("inference_mode", ["mode"], args.filter((a) => typeof a !== "function"));
  const on = o.mode === undefined ? true : Boolean(o.mode);
  if (run === undefined) {
    return <A extends unknown[], R>(f: (...a: A) => R) => {
      if (typeof f !== "function") throw new TypeError_(`inference_mode() decorates a function, got ${typeof f}`);
      return (...a: A): R => inference_mode(on, () => f(...a));
    };
  }
  if (!on) return run();
  inferenceState.depth++;
  try {
    return no_grad(run);
  } finally {
    inferenceState.depth--;
  }
}

export const extraCreation = {
  normal: created.normal, poisson: created.poisson, logspace: created.logspace,
  get_default_dtype, set_default_dtype,
  is_floating_point: (x: Tensor) => x.dtype.is_floating_point,
  is_nonzero: dtypes.is_nonzero, result_type: dtypes.result_type, promote_types: dtypes.promote_types, can_cast: dtypes.can_cast,
  inference_mode,
  is_inference_mode_enabled: (): boolean => inferenceState.depth > 0 && !is_grad_enabled(),
};

/** Out-of-place partners of the a1 in-place forms (torch.renorm, torch.index_fill, ...). */
export const extraInplacePartners = {
  renorm: (x: Tensor, p: number, dim: number, maxnorm: number) => ip.renorm(x, p, dim, maxnorm),
  index_fill: (x: Tensor, dim: number, index: Tensor, value: TensorLike) => ip.index_fill(x, dim, index, value),
  index_copy: (x: Tensor, dim: number, index: Tensor, source: Tensor) => ip.index_copy(x, dim, index, source),
  masked_scatter: (x: Tensor, mask: Tensor, source: Tensor) => ip.masked_scatter(x, mask, source),
  put: (x: Tensor, index: Tensor, source: Tensor, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>) =>
    ip.put(x, index, source, parseArgs<{ accumulate?: boolean }>("put", ["accumulate"], args).accumulate ?? false),
  narrow_copy: (x: Tensor, dim: number, start: number, length: number) => ip.narrow_copy(x, dim, start, length),
};

/** Numeric limits, legacy type names and aliases (sgn, fix, float_power, logaddexp2); torch.special is in special.ts. */
export const extraInfo = {
  finfo: info.finfo, iinfo: info.iinfo, set_default_tensor_type: info.set_default_tensor_type,
  is_complex: (x: Tensor): boolean => {
    if (!(x instanceof Tensor)) throw new TypeError_("is_complex(): argument 'input' must be a Tensor");
    return false; // no complex dtypes here
  },
  sgn: unary.sign, fix: unary.trunc,
  float_power: ew.floatPower,
  logaddexp2: ew.logaddexp2,
};
