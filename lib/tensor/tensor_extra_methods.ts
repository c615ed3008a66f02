/**
 * More Tensor methods, kept out of tensor.ts so that file stays a short index: elementwise math
 * (acos ... addcdiv). Each method is a one-line delegation to an op function; tensor.ts installs
 * them on Tensor.prototype once the class exists (installExtraMethods), and the interface below
 * merges them into the Tensor type.
 */
import { parseArgs, type PyArgs } from "./args";
import { TypeError_ } from "./errors";
import * as ew from "./ops/elementwise_extra";
import type { Tensor, TensorLike } from "./tensor";

export interface ExtraMathMethods {
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
  addcmul(tensor1: Tensor, tensor2: Tensor, ...args: PyArgs<[value?: number], { value?: number }>): Tensor;
  addcdiv(tensor1: Tensor, tensor2: Tensor, ...args: PyArgs<[value?: number], { value?: number }>): Tensor;
}

declare module "./tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends ExtraMathMethods {}
}

/** The `value` keyword of addcmul / addcdiv. */
export const valueArg = (fn: string, args: readonly unknown[]): number => parseArgs<{ value?: number }>(fn, ["value"], args).value ?? 1;
/** The `weight` argument of lerp (required). */
export function weightArg(fn: string, args: readonly unknown[]): TensorLike {
  const w = parseArgs<{ weight?: TensorLike }>(fn, ["weight"], args).weight;
  if (w === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'weight'`);
  return w;
}
export const epsArg = (fn: string, args: readonly unknown[]): number | null => parseArgs<{ eps?: number | null }>(fn, ["eps"], args).eps ?? null;

const mathMethods: ExtraMathMethods & ThisType<Tensor> = {
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
  addcmul(t1, t2, ...args) { return ew.addcmul(this, t1, t2, valueArg("addcmul", args)); },
  addcdiv(t1, t2, ...args) { return ew.addcdiv(this, t1, t2, valueArg("addcdiv", args)); },
};

/** Puts the methods on Tensor.prototype like class methods (non-enumerable). Called once by tensor.ts. */
export function installExtraMethods(proto: object): void {
  for (const group of [mathMethods]) {
    for (const [name, fn] of Object.entries(group)) {
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
    }
  }
}
