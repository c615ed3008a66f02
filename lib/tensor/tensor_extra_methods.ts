/**
 * More Tensor methods, kept out of tensor.ts so that file stays a short index: elementwise math
 * (acos ... addcdiv), creation from a tensor (new_zeros ...) and dtype helpers (type_as,
 * element_size, and honest errors for half / byte / cuda / data_ptr), and in-place forms (log_ ... put_,
 * squeeze_ / t_, random_, apply_ / map_; ops/inplace_extra.ts). Each method is a one-line delegation to an op function; tensor.ts installs
 * them on Tensor.prototype once the class exists (installExtraMethods), and the interface below
 * merges them into the Tensor type.
 */
import { parseArgs, type PyArgs } from "./args";
import { TypeError_ } from "./errors";
import * as created from "./ops/creation_extra";
import type { ShapeArgs, TensorOptions } from "./ops/creation";
import * as dtypes from "./ops/dtype_utils";
import * as ew from "./ops/elementwise_extra";
import { unary_ } from "./ops/inplace";
import * as ip from "./ops/inplace_extra";
import { fill_diagonal } from "./ops/fill_diagonal";
import type { Generator } from "./random";
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

/** In-place forms of elementwise methods that take no argument (same semantics as x.name()). */
const UNARY_INPLACE = [
  "log", "log2", "log10", "log1p", "exp2", "expm1", "abs", "absolute", "sigmoid", "tanh", "sign", "floor", "ceil", "trunc", "frac", "sin", "cos", "tan",
  "asin", "acos", "atan", "sinh", "cosh", "erf", "erfinv", "sgn", "fix", "rsqrt", "reciprocal", "square", "lgamma", "digamma", "sinc", "deg2rad", "rad2deg", "logical_not", "negative",
] as const;
type UnaryInplace = { [K in (typeof UNARY_INPLACE)[number] as `${K}_`]: () => Tensor };
type Cmp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "remainder" | "fmod" | "true_divide" | "floor_divide" | "logical_and" | "logical_or" | "logical_xor";
type CompareInplace = { [K in Cmp as `${K}_`]: (other: TensorLike) => Tensor };
type RandomOpts = { from?: number; to?: number | null; generator?: Generator };

export interface ExtraInplaceMethods extends UnaryInplace, CompareInplace {
  round_(...args: PyArgs<[decimals?: number], { decimals?: number }>): Tensor;
  clip_(min?: number | null | { min?: number | null; max?: number | null }, max?: number | null): Tensor;
  clamp_min_(min: number): Tensor;
  clamp_max_(max: number): Tensor;
  nan_to_num_(...args: PyArgs<[nan?: number, posinf?: number | null, neginf?: number | null], { nan?: number; posinf?: number | null; neginf?: number | null }>): Tensor;
  logit_(...args: PyArgs<[eps?: number | null], { eps?: number | null }>): Tensor;
  atan2_(other: TensorLike): Tensor;
  hypot_(other: Tensor): Tensor;
  xlogy_(other: TensorLike): Tensor;
  triu_(...args: PyArgs<[diagonal?: number], { diagonal?: number }>): Tensor;
  tril_(...args: PyArgs<[diagonal?: number], { diagonal?: number }>): Tensor;
  cumsum_(dim: number | { dim: number }): Tensor;
  squeeze_(...args: PyArgs<[dim?: number], { dim?: number }>): Tensor;
  unsqueeze_(dim: number): Tensor;
  t_(): Tensor;
  transpose_(dim0: number, dim1: number): Tensor;
  /** Integers uniform in [from, to): random_(), random_(to), random_(from, to), { generator }. */
  random_(...args: PyArgs<[from?: number, to?: number | null], RandomOpts>): Tensor;
  exponential_(...args: PyArgs<[lambd?: number], { lambd?: number; generator?: Generator }>): Tensor;
  index_fill(dim: number, index: Tensor, value: TensorLike): Tensor;
  index_fill_(dim: number, index: Tensor, value: TensorLike): Tensor;
  /** fill_value on the main diagonal (wrap: a tall matrix's diagonal restarts every cols + 1 rows). */
  fill_diagonal_(fill_value: number, ...args: PyArgs<[wrap?: boolean], { wrap?: boolean }>): Tensor;
  index_copy(dim: number, index: Tensor, source: Tensor): Tensor;
  index_copy_(dim: number, index: Tensor, source: Tensor): Tensor;
  masked_scatter(mask: Tensor, source: Tensor): Tensor;
  masked_scatter_(mask: Tensor, source: Tensor): Tensor;
  put(index: Tensor, source: Tensor, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>): Tensor;
  put_(index: Tensor, source: Tensor, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>): Tensor;
  addmm(mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor;
  addmm_(mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor;
  renorm(p: number, dim: number, maxnorm: number): Tensor;
  renorm_(p: number, dim: number, maxnorm: number): Tensor;
  sum_to_size(...size: (number | readonly number[])[]): Tensor;
  narrow_copy(dim: number, start: number, length: number): Tensor;
  /** fn(value) for every element, in place (no autograd: refused when requires_grad, as in PyTorch). */
  apply_(fn: (v: number) => number): Tensor;
  /** fn(self value, other value) for every element, other broadcast to self; in place, no autograd. */
  map_(other: Tensor, fn: (a: number, b: number) => number): Tensor;
}

declare module "./tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  interface Tensor extends ExtraMathMethods, ExtraDtypeMethods, ExtraInplaceMethods {}
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

type Method = (this: Tensor, ...args: never[]) => unknown;
const sizeOf = (args: (number | readonly number[])[]): number[] => (args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]));
const dimArg = (fn: string, args: readonly unknown[]): number | undefined => parseArgs<{ dim?: number }>(fn, ["dim"], args).dim;

const inplaceMethods: Record<string, Method> = {
  ...Object.fromEntries(
    UNARY_INPLACE.map((name) => [`${name}_`, function (this: Tensor) {
      return unary_(this, `${name}_`, (x) => (x[name] as () => Tensor)());
    }]),
  ),
  ...Object.fromEntries(
    (["eq", "ne", "lt", "le", "gt", "ge", "remainder", "fmod", "true_divide", "floor_divide", "logical_and", "logical_or", "logical_xor"] as const).map((name) => [`${name}_`, function (this: Tensor, other: TensorLike) {
      return ip.applyOp(this, `${name}_`, (x) => x[name](other), other);
    }]),
  ),
};

const inplaceExtra: Omit<ExtraInplaceMethods, keyof UnaryInplace | keyof CompareInplace> & ThisType<Tensor> = {
  round_(...args) { return unary_(this, "round_", (x) => x.round(...args)); },
  clip_(min, max) { return unary_(this, "clip_", (x) => x.clamp(min, max)); },
  clamp_min_(min) { return unary_(this, "clamp_min_", (x) => x.clamp_min(min)); },
  clamp_max_(max) { return unary_(this, "clamp_max_", (x) => x.clamp_max(max)); },
  nan_to_num_(...args) { return unary_(this, "nan_to_num_", (x) => x.nan_to_num(...args)); },
  logit_(...args) { return unary_(this, "logit_", (x) => x.logit(...args)); },
  atan2_(other) { return ip.applyOp(this, "atan2_", (x) => x.atan2(other), other); },
  hypot_(other) { return ip.applyOp(this, "hypot_", (x) => x.hypot(other), other); },
  xlogy_(other) { return ip.applyOp(this, "xlogy_", (x) => x.xlogy(other), other); },
  triu_(...args) { return unary_(this, "triu_", (x) => x.triu(...args)); },
  tril_(...args) { return unary_(this, "tril_", (x) => x.tril(...args)); },
  cumsum_(dim) { return unary_(this, "cumsum_", (x) => x.cumsum(dim)); },
  squeeze_(...args) {
    const dim = dimArg("squeeze_", args);
    return ip.viewInPlace(this, "squeeze_", (x) => (dim === undefined ? x.squeeze() : x.squeeze(dim)));
  },
  unsqueeze_(dim) { return ip.viewInPlace(this, "unsqueeze_", (x) => x.unsqueeze(dim)); },
  t_() { return ip.viewInPlace(this, "t_", (x) => x.t()); },
  transpose_(dim0, dim1) { return ip.viewInPlace(this, "transpose_", (x) => x.transpose(dim0, dim1)); },
  random_(...args) {
    const a = parseArgs<RandomOpts>("random_", ["from", "to", "generator"], args);
    return ip.random_(this, a.from, a.to ?? undefined, a.generator);
  },
  exponential_(...args) {
    const a = parseArgs<{ lambd?: number; generator?: Generator }>("exponential_", ["lambd", "generator"], args);
    return ip.exponential_(this, a.lambd ?? 1, a.generator);
  },
  index_fill(dim, index, value) { return ip.index_fill(this, dim, index, value); },
  index_fill_(dim, index, value) { return ip.applyOp(this, "index_fill_", (x) => ip.index_fill(x, dim, index, value), value); },
  fill_diagonal_(fill_value, ...args) {
    const wrap = parseArgs<{ wrap?: boolean }>("fill_diagonal_", ["wrap"], args).wrap ?? false;
    return ip.applyOp(this, "fill_diagonal_", (x) => fill_diagonal(x, fill_value, wrap));
  },
  index_copy(dim, index, source) { return ip.index_copy(this, dim, index, source); },
  index_copy_(dim, index, source) { return ip.applyOp(this, "index_copy_", (x) => ip.index_copy(x, dim, index, source), source); },
  masked_scatter(mask, source) { return ip.masked_scatter(this, mask, source); },
  masked_scatter_(mask, source) { return ip.applyOp(this, "masked_scatter_", (x) => ip.masked_scatter(x, mask, source), source); },
  put(index, source, ...args) { return ip.put(this, index, source, accumulateArg("put", args)); },
  put_(index, source, ...args) {
    const acc = accumulateArg("put_", args);
    return ip.applyOp(this, "put_", (x) => ip.put(x, index, source, acc), source);
  },
  addmm(mat1, mat2, opts) { return ip.addmm(this, mat1, mat2, opts); },
  addmm_(mat1, mat2, opts) { return ip.applyOp(this, "addmm_", (x) => ip.addmm(x, mat1, mat2, opts), mat1, mat2); },
  renorm(p, dim, maxnorm) { return ip.renorm(this, p, dim, maxnorm); },
  renorm_(p, dim, maxnorm) { return unary_(this, "renorm_", (x) => ip.renorm(x, p, dim, maxnorm)); },
  sum_to_size(...size) { return ip.sum_to_size(this, sizeOf(size)); },
  narrow_copy(dim, start, length) { return ip.narrow_copy(this, dim, start, length); },
  apply_(fn) { return ip.applyFn(this, fn); },
  map_(other, fn) { return ip.mapFn(this, other, fn); },
};

const accumulateArg = (fn: string, args: readonly unknown[]): boolean => parseArgs<{ accumulate?: boolean }>(fn, ["accumulate"], args).accumulate ?? false;

/** Puts the methods on Tensor.prototype like class methods (non-enumerable). Called once by tensor.ts. */
export function installExtraMethods(proto: object): void {
  for (const group of [mathMethods, dtypeMethods, inplaceMethods, inplaceExtra]) {
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
