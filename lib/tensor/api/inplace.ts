/**
 * In-place forms beyond tensor.ts's core: the Tensor methods log_ ... negative_ (unary), eq_ ...
 * logical_xor_ (binary), round_ ... cumsum_, the in-place views squeeze_ / unsqueeze_ / t_ /
 * transpose_, addmm(_), renorm(_), sum_to_size, narrow_copy and apply_ / map_ (ops/inplace_extra.ts);
 * and the torch.* functions torch.renorm, torch.narrow_copy and torch.relu_(x) ... (each x.X_(...)).
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import type { DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { unary_ } from "../ops/inplace";
import { checkClampInplace, clamp } from "../ops/unary";
import { keywordOnlyDtype } from "../ops/reduce";
import * as ip from "../ops/inplace_extra";
import type { Tensor, TensorLike } from "../tensor";
import { requiredShape } from "../shape";
import { installMethods } from "./install";

/** C++'s names of the scalar types, as in torch's "Bad in-place call: input tensor dtype float and output tensor dtype double" message. */
const C_TYPE: Readonly<Record<string, string>> = {
  float32: "float", float64: "double", int64: "long int", int32: "int", int16: "short int", int8: "signed char", uint8: "unsigned char", bool: "bool",
};

/** In-place forms of elementwise methods that take no argument (same semantics as x.name()). */
const UNARY_INPLACE = [
  "log", "log2", "log10", "log1p", "exp2", "expm1", "abs", "absolute", "sigmoid", "tanh", "sign", "floor", "ceil", "trunc", "frac", "sin", "cos", "tan",
  "asin", "acos", "atan", "sinh", "cosh", "erf", "erfinv", "sgn", "fix", "rsqrt", "reciprocal", "square", "lgamma", "digamma", "sinc", "deg2rad", "rad2deg", "logical_not", "negative",
] as const;
type UnaryInplace = { [K in (typeof UNARY_INPLACE)[number] as `${K}_`]: () => Tensor };
type Cmp = "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "remainder" | "fmod" | "true_divide" | "floor_divide" | "logical_and" | "logical_or" | "logical_xor";
type CompareInplace = { [K in Cmp as `${K}_`]: (other: TensorLike) => Tensor };

export interface InplaceMethods extends UnaryInplace, CompareInplace {
  round_(...args: PyArgs<[], { decimals?: number }>): Tensor;
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
  cumsum_(...args: Parameters<Tensor["cumsum"]>): Tensor;
  squeeze_(...args: PyArgs<[dim?: number], { dim?: number }>): Tensor;
  unsqueeze_(dim: number): Tensor;
  t_(): Tensor;
  transpose_(dim0: number, dim1: number): Tensor;
  addmm(mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor;
  addmm_(mat1: Tensor, mat2: Tensor, opts?: { beta?: number; alpha?: number }): Tensor;
  renorm(p: number, dim: number, maxnorm: number): Tensor;
  renorm_(p: number, dim: number, maxnorm: number): Tensor;
  /** sum_to_size(1, 3), sum_to_size([1, 3]) or sum_to_size({ size: [1, 3] }). */
  sum_to_size(...size: (number | readonly number[] | { size: readonly number[] })[]): Tensor;
  narrow_copy(dim: number, start: number, length: number): Tensor;
  /** fn(value) for every element, in place (no autograd: refused when requires_grad, as in PyTorch). */
  apply_(fn: (v: number) => number): Tensor;
  /** fn(self value, other value) for every element, other broadcast to self; in place, no autograd. */
  map_(other: Tensor, fn: (a: number, b: number) => number): Tensor;
}

declare module "../tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends InplaceMethods {}
}

type Method = (this: Tensor, ...args: never[]) => unknown;
const dimArg = (fn: string, args: readonly unknown[]): number | undefined => parseArgs<{ dim?: number }>(fn, ["dim"], args).dim;

const generatedInplace: Record<string, Method> = {
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

const inplaceMethods: Omit<InplaceMethods, keyof UnaryInplace | keyof CompareInplace> & ThisType<Tensor> = {
  round_(...args) { return unary_(this, "round_", (x) => x.round(...args)); },
  clip_(min, max) { checkClampInplace(this, min, max); return unary_(this, "clip_", (x) => clamp(x, min, max, { name: "clip_", method: true })); },
  clamp_min_(min) { checkClampInplace(this, min, null); return unary_(this, "clamp_min_", (x) => x.clamp_min(min)); },
  clamp_max_(max) { checkClampInplace(this, null, max); return unary_(this, "clamp_max_", (x) => x.clamp_max(max)); },
  nan_to_num_(...args) { return unary_(this, "nan_to_num_", (x) => x.nan_to_num(...args)); },
  logit_(...args) { return unary_(this, "logit_", (x) => x.logit(...args)); },
  atan2_(other) { return ip.applyOp(this, "atan2_", (x) => x.atan2(other), other); },
  hypot_(other) { return ip.applyOp(this, "hypot_", (x) => x.hypot(other), other); },
  xlogy_(other) { return ip.applyOp(this, "xlogy_", (x) => x.xlogy(other), other); },
  triu_(...args) { return unary_(this, "triu_", (x) => x.triu(...args)); },
  tril_(...args) { return unary_(this, "tril_", (x) => x.tril(...args)); },
  cumsum_(...args) {
    // torch 1.13's cumsum_(dim, *, dtype=None): dtype keyword-only and equal to the tensor's own (the result is written in place)
    if (args.length > 1 && args[1] !== undefined && !isOptions(args[1])) throw keywordOnlyDtype("cumsum_");
    const { dtype } = parseArgs<{ dim?: number; dtype?: DType | null }>("cumsum_", ["dim", "dtype"], args);
    if (dtype && dtype !== this.dtype) throw new RuntimeError(`Bad in-place call: input tensor dtype ${C_TYPE[this.dtype.name]} and output tensor dtype ${C_TYPE[dtype.name]} should match`);
    return unary_(this, "cumsum_", (x) => x.cumsum(...args));
  },
  squeeze_(...args) {
    const dim = dimArg("squeeze_", args);
    return ip.viewInPlace(this, "squeeze_", (x) => (dim === undefined ? x.squeeze() : x.squeeze(dim)));
  },
  unsqueeze_(dim) { return ip.viewInPlace(this, "unsqueeze_", (x) => x.unsqueeze(dim)); },
  t_() { return ip.viewInPlace(this, "t_", (x) => x.t()); },
  transpose_(dim0, dim1) { return ip.viewInPlace(this, "transpose_", (x) => x.transpose(dim0, dim1)); },
  addmm(mat1, mat2, opts) { return ip.addmm(this, mat1, mat2, opts); },
  addmm_(mat1, mat2, opts) { return ip.applyOp(this, "addmm_", (x) => ip.addmm(x, mat1, mat2, opts), mat1, mat2); },
  renorm(p, dim, maxnorm) { return ip.renorm(this, p, dim, maxnorm); },
  renorm_(p, dim, maxnorm) { return unary_(this, "renorm_", (x) => ip.renorm(x, p, dim, maxnorm)); },
  sum_to_size(...size) { return ip.sum_to_size(this, requiredShape(size, "sum_to_size")); },
  narrow_copy(dim, start, length) { return ip.narrow_copy(this, dim, start, length); },
  apply_(fn) { return ip.applyFn(this, fn); },
  map_(other, fn) { return ip.mapFn(this, other, fn); },
};

export function installInplaceMethods(proto: object): void {
  installMethods(proto, generatedInplace, inplaceMethods);
}

/** torch.renorm and torch.narrow_copy, the out-of-place partners of the methods above. */
export const inplacePartnerFunctions = {
  renorm: (x: Tensor, p: number, dim: number, maxnorm: number) => ip.renorm(x, p, dim, maxnorm),
  narrow_copy: (x: Tensor, dim: number, start: number, length: number) => ip.narrow_copy(x, dim, start, length),
};

/** torch.X_(x, ...args) is x.X_(...args) for these (PyTorch 1.13's torch namespace has them all). */
const INPLACE = [
  "abs_", "acos_", "asin_", "atan_", "ceil_", "clamp_", "clamp_max_", "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_",
  "erf_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "gcd_", "i0_", "index_put_", "lcm_", "ldexp_", "log10_",
  "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_",
  "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_",
] as const;
type InplaceName = (typeof INPLACE)[number];
type MethodAsFunction<K extends keyof Tensor> = Tensor[K] extends (...args: infer A) => infer R ? (x: Tensor, ...args: A) => R : never;
type InplaceFunctions = { [K in InplaceName]: MethodAsFunction<K> };

/** torch.relu_(x), torch.exp_(x), ...: built when called, after every method is on the prototype. */
export function inplaceFunctions(): InplaceFunctions {
  const out: Record<string, unknown> = {};
  for (const name of INPLACE) {
    out[name] = (x: Tensor, ...args: unknown[]) => {
      const method = (x as unknown as Record<string, unknown> | null)?.[name];
      if (typeof method !== "function") throw new TypeError_(`${name}(): argument 'input' (position 1) must be Tensor, not ${x === null ? "None" : typeof x}`);
      return (method as (...a: unknown[]) => unknown).apply(x, args);
    };
  }
  return out as InplaceFunctions;
}
