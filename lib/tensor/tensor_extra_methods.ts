/**
 * More Tensor methods, kept out of tensor.ts so that file stays a short index: elementwise math
 * (acos ... addcdiv), creation from a tensor (new_zeros ...) and dtype helpers (type_as,
 * element_size, and honest errors for half / byte / cuda / data_ptr). Each method is a one-line delegation to an op function; tensor.ts installs
 * them on Tensor.prototype once the class exists (installExtraMethods), and the interface below
 * merges them into the Tensor type.
 */
import { parseArgs, type PyArgs } from "./args";
import { TypeError_ } from "./errors";
import * as created from "./ops/creation_extra";
import type { ShapeArgs, TensorOptions } from "./ops/creation";
import * as dtypes from "./ops/dtype_utils";
import * as ew from "./ops/elementwise_extra";
import type { NestedArray, Tensor, TensorLike } from "./tensor";

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

type NewOptions = TensorOptions & { device?: unknown };

export interface ExtraDtypeMethods {
  /** Zeros in this tensor's dtype unless { dtype } says otherwise: x.new_zeros(2, 3) / x.new_zeros([2, 3], opts). */
  new_zeros(...size: ShapeArgs<NewOptions>): Tensor;
  new_ones(...size: ShapeArgs<NewOptions>): Tensor;
  new_empty(...size: ShapeArgs<NewOptions>): Tensor;
  new_full(size: readonly number[], fill_value: number | boolean, opts?: NewOptions): Tensor;
  /** A new tensor holding a copy of data, in this tensor's dtype unless given. */
  new_tensor(data: NestedArray | Tensor, opts?: NewOptions): Tensor;
  type_as(other: Tensor): Tensor;
  element_size(): number;
  is_nonzero(): boolean;
  readonly is_cuda: boolean;
  /** No 16-bit floats here: a clear error naming .float() / .double(). */
  half(): Tensor;
  bfloat16(): Tensor;
  /** No 8/16-bit integers here: a clear error naming .long(). */
  byte(): Tensor;
  char(): Tensor;
  short(): Tensor;
  /** No GPU in the browser: a clear error. */
  cuda(): Tensor;
  data_ptr(): number;
  /** Nothing to pin or share: returns the tensor itself. */
  pin_memory(): Tensor;
  share_memory_(): Tensor;
  is_pinned(): boolean;
  is_shared(): boolean;
}

declare module "./tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  interface Tensor extends ExtraMathMethods, ExtraDtypeMethods {}
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

const dtypeMethods: Omit<ExtraDtypeMethods, "is_cuda"> & ThisType<Tensor> = {
  new_zeros(...size) { return created.new_zeros(this, ...size); },
  new_ones(...size) { return created.new_ones(this, ...size); },
  new_empty(...size) { return created.new_empty(this, ...size); },
  new_full(size, fill_value, opts) { return created.new_full(this, size, fill_value, opts); },
  new_tensor(data, opts) { return created.new_tensor(this, data, opts); },
  type_as(other) { return dtypes.type_as(this, other); },
  element_size() { return dtypes.element_size(this); },
  is_nonzero() { return dtypes.is_nonzero(this); },
  half() { return dtypes.unsupportedFloat("half"); },
  bfloat16() { return dtypes.unsupportedFloat("bfloat16"); },
  byte() { return dtypes.unsupportedInt("byte"); },
  char() { return dtypes.unsupportedInt("char"); },
  short() { return dtypes.unsupportedInt("short"); },
  cuda() { return dtypes.noCuda(); },
  data_ptr() { return dtypes.noDataPtr(); },
  pin_memory() { return this; },
  share_memory_() { return this; },
  is_pinned() { return false; },
  is_shared() { return false; },
};

/** Puts the methods on Tensor.prototype like class methods (non-enumerable). Called once by tensor.ts. */
export function installExtraMethods(proto: object): void {
  for (const group of [mathMethods, dtypeMethods]) {
    for (const [name, fn] of Object.entries(group)) {
      // A method the class itself defines wins (another helper may have added it there).
      if (Object.prototype.hasOwnProperty.call(proto, name)) continue;
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
    }
  }
  if (!Object.prototype.hasOwnProperty.call(proto, "is_cuda")) {
    Object.defineProperty(proto, "is_cuda", { get: () => false, configurable: true, enumerable: false });
  }
}
