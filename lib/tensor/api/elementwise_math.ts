/**
 * Elementwise math beyond tensor.ts's core (acos ... copysign, logit, lerp, addcmul / addcdiv,
 * round with decimals, and the aliases sgn / fix / float_power / logaddexp2): the Tensor methods
 * and the torch.* functions, each a one-line delegation to ops/elementwise_extra.ts or ops/unary.ts.
 * tensor.ts installs the methods (installElementwiseMathMethods); torch.ts spreads the functions.
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import { TypeError_ } from "../errors";
import { valueFirst } from "../ops/deprecated_overloads";
import * as ew from "../ops/elementwise_extra";
import * as unary from "../ops/unary";
import type { Tensor, TensorLike } from "../tensor";
import { installMethods } from "./install";
import { epsArg, valueArg, weightArg } from "./keyword_args";

export interface ElementwiseMathMethods {
  acos(): Tensor;
  arccos(): Tensor;
  asin(): Tensor;
  arcsin(): Tensor;
  atan(): Tensor;
  arctan(): Tensor;
  atan2(other: TensorLike): Tensor;
  arctan2(other: TensorLike): Tensor;
  sinh(): Tensor;
  cosh(): Tensor;
  tan(): Tensor;
  deg2rad(): Tensor;
  rad2deg(): Tensor;
  exp2(): Tensor;
  log10(): Tensor;
  frac(): Tensor;
  lgamma(): Tensor;
  digamma(): Tensor;
  erfinv(): Tensor;
  sinc(): Tensor;
  signbit(): Tensor;
  absolute(): Tensor;
  hypot(other: Tensor): Tensor;
  logaddexp(other: TensorLike): Tensor;
  xlogy(other: TensorLike): Tensor;
  heaviside(values: Tensor): Tensor;
  /** logit(eps?): log(p / (1 - p)), p clamped to [eps, 1 - eps] when eps is given. */
  logit(...args: PyArgs<[eps?: number | null], { eps?: number | null }>): Tensor;
  /** self + weight * (end - self); weight a number or a tensor. */
  lerp(end: Tensor, ...args: PyArgs<[weight?: TensorLike], { weight?: TensorLike }>): Tensor;
  addcmul(tensor1: Tensor, tensor2: Tensor, ...args: PyArgs<[value?: number | Tensor], { value?: number | Tensor }>): Tensor;
  addcdiv(tensor1: Tensor, tensor2: Tensor, ...args: PyArgs<[value?: number | Tensor], { value?: number | Tensor }>): Tensor;
  sgn(): Tensor;
  fix(): Tensor;
  is_complex(): boolean;
  float_power(exponent: TensorLike): Tensor;
  logaddexp2(other: TensorLike): Tensor;
  asinh(): Tensor;
  arcsinh(): Tensor;
  acosh(): Tensor;
  arccosh(): Tensor;
  atanh(): Tensor;
  arctanh(): Tensor;
  erfc(): Tensor;
  isposinf(): Tensor;
  isneginf(): Tensor;
  positive(): Tensor;
  /** Maximum where a NaN loses to a number. */
  fmax(other: TensorLike): Tensor;
  fmin(other: TensorLike): Tensor;
  copysign(other: TensorLike): Tensor;
}

declare module "../tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends ElementwiseMathMethods {}
}

const mathMethods: ElementwiseMathMethods & ThisType<Tensor> = {
  acos() { return ew.acos(this); },
  arccos() { return ew.acos(this); },
  asin() { return ew.asin(this); },
  arcsin() { return ew.asin(this); },
  atan() { return ew.atan(this); },
  arctan() { return ew.atan(this); },
  atan2(other) { return ew.atan2(this, other); },
  arctan2(other) { return ew.atan2(this, other); },
  sinh() { return ew.sinh(this); },
  cosh() { return ew.cosh(this); },
  tan() { return ew.tan(this); },
  deg2rad() { return ew.deg2rad(this); },
  rad2deg() { return ew.rad2deg(this); },
  exp2() { return ew.exp2(this); },
  log10() { return ew.log10(this); },
  frac() { return ew.frac(this); },
  lgamma() { return ew.lgamma(this); },
  digamma() { return ew.digamma(this); },
  erfinv() { return ew.erfinv(this); },
  sinc() { return ew.sinc(this); },
  signbit() { return ew.signbit(this); },
  absolute() { return this.abs(); },
  hypot(other) { return ew.hypot(this, other); },
  logaddexp(other) { return ew.logaddexp(this, other); },
  xlogy(other) { return ew.xlogy(this, other); },
  heaviside(values) { return ew.heaviside(this, values); },
  logit(...args) { return ew.logit(this, epsArg("logit", args)); },
  lerp(end, ...args) { return ew.lerp(this, end, weightArg("lerp", args)); },
  addcmul(t1: Tensor | number, t2: Tensor, ...args: unknown[]) {
    const old = valueFirst("addcmul", t1, t2, args[0]); // the deprecated addcmul(Number value, Tensor tensor1, Tensor tensor2)
    return old ? ew.addcmul(this, old[0], old[1], old[2]) : ew.addcmul(this, t1 as Tensor, t2, valueArg("addcmul", args));
  },
  addcdiv(t1: Tensor | number, t2: Tensor, ...args: unknown[]) {
    const old = valueFirst("addcdiv", t1, t2, args[0]);
    return old ? ew.addcdiv(this, old[0], old[1], old[2]) : ew.addcdiv(this, t1 as Tensor, t2, valueArg("addcdiv", args));
  },
  sgn() { return this.sign(); },
  fix() { return this.trunc(); },
  is_complex() { return false; },
  float_power(exponent) { return ew.floatPower(this, exponent); },
  logaddexp2(other) { return ew.logaddexp2(this, other); },
  asinh() { return ew.asinh(this); },
  arcsinh() { return ew.asinh(this); },
  acosh() { return ew.acosh(this); },
  arccosh() { return ew.acosh(this); },
  atanh() { return ew.atanh(this); },
  arctanh() { return ew.atanh(this); },
  erfc() { return ew.erfc(this); },
  isposinf() { return ew.isposinf(this); },
  isneginf() { return ew.isneginf(this); },
  positive() { return ew.positive(this); },
  fmax(other) { return ew.fmax(this, other); },
  fmin(other) { return ew.fmin(this, other); },
  copysign(other) { return ew.copysign(this, other); },
};

export function installElementwiseMathMethods(proto: object): void {
  installMethods(proto, mathMethods);
}

/**
 * torch.round(x) or torch.round(x, { decimals }), also x.round(...): decimals is keyword-only in torch 1.13, so a number
 * after the input raises its TypeError (torch.round(x, 1) is no overload) rather than being taken for decimals.
 */
export function round(x: Tensor, ...args: PyArgs<[], { decimals?: number }>): Tensor {
  if (args.length > 0 && !isOptions(args[0])) {
    const given = args.filter((a) => !isOptions(a)).map((a) => (typeof a === "number" ? (Number.isInteger(a) ? "int" : "float") : typeof a === "boolean" ? "bool" : "object"));
    throw new TypeError_(
      `round() received an invalid combination of arguments - got (Tensor, ${given.join(", ")}), but expected one of:\n` +
      " * (Tensor input, *, Tensor out)\n * (Tensor input, *, int decimals, Tensor out)",
    );
  }
  const given = parseArgs<{ decimals?: number }>("round", ["decimals"], args).decimals;
  ew.checkRoundDtype(x, given ?? undefined);
  const d = given ?? 0;
  return d === 0 ? unary.round(x) : ew.roundDecimals(x, d);
}

/** torch.acos ... torch.clamp_max: the functional forms of the methods above. */
export const elementwiseMathFunctions = {
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
  addcmul: (x: Tensor, t1: Tensor | number, t2: Tensor, ...args: PyArgs<[value?: number | Tensor], { value?: number | Tensor }> | [Tensor]) => {
    const old = valueFirst("addcmul", t1, t2, args[0], true); // torch.addcmul(input, Number value, t1, t2), deprecated
    return old ? ew.addcmul(x, old[0], old[1], old[2]) : ew.addcmul(x, t1 as Tensor, t2, valueArg("addcmul", args));
  },
  addcdiv: (x: Tensor, t1: Tensor | number, t2: Tensor, ...args: PyArgs<[value?: number | Tensor], { value?: number | Tensor }> | [Tensor]) => {
    const old = valueFirst("addcdiv", t1, t2, args[0], true);
    return old ? ew.addcdiv(x, old[0], old[1], old[2]) : ew.addcdiv(x, t1 as Tensor, t2, valueArg("addcdiv", args));
  },
  clamp_min: (x: Tensor, min: number | { min: number }) => unary.clampBound(x, typeof min === "number" ? min : parseArgs<{ min?: number }>("clamp_min", ["min"], [min]).min!, "min"),
  clamp_max: (x: Tensor, max: number | { max: number }) => unary.clampBound(x, typeof max === "number" ? max : parseArgs<{ max?: number }>("clamp_max", ["max"], [max]).max!, "max"),
};

/** PyTorch's second names for elementwise ops: torch.sgn, fix, float_power, logaddexp2. */
export const elementwiseAliasFunctions = {
  sgn: unary.sign, fix: unary.trunc,
  float_power: ew.floatPower,
  logaddexp2: ew.logaddexp2,
};
