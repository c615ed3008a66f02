/**
 * Tensor methods of the issue-12 API gaps (bitwise and integer ops, special functions, in-place
 * random fills geometric_ / log_normal_ / cauchy_, index_reduce, i0 / polygamma / mvlgamma, and the real-tensor
 * complex helpers of complex.ts), kept out of tensor.ts like tensor_extra_methods.ts: each is a one-line
 * delegation, installed on Tensor.prototype by installGapMethods and typed by the interface below.
 * PyTorch's operator dunders (__and__, __or__, __xor__, __invert__, __lshift__, __rshift__) are
 * included, since translated notebooks call them where Python wrote `x & y`.
 */
import * as bw from "./ops/bitwise";
import { index_reduce, parseIndexReduce, type IndexReduceArgs } from "./ops/index_reduce";
import { applyOp } from "./ops/inplace_extra";
import * as sp from "./ops/special";
import * as rf from "./ops/random_fills";
import { parseArgs, type PyArgs } from "./args";
import type { Generator } from "./random";
import { installComplexMethods, type ComplexMethods } from "./complex";
import { TypeError_ } from "./errors";
import type { Tensor, TensorLike } from "./tensor";

type Binary = (other: TensorLike) => Tensor;

export interface GapMethods {
  bitwise_and: Binary;
  bitwise_or: Binary;
  bitwise_xor: Binary;
  bitwise_not(): Tensor;
  bitwise_left_shift: Binary;
  bitwise_right_shift: Binary;
  bitwise_and_: Binary;
  bitwise_or_: Binary;
  bitwise_xor_: Binary;
  bitwise_not_(): Tensor;
  bitwise_left_shift_: Binary;
  bitwise_right_shift_: Binary;
  __and__: Binary;
  __or__: Binary;
  __xor__: Binary;
  __invert__(): Tensor;
  __lshift__: Binary;
  __rshift__: Binary;
  gcd: Binary;
  lcm: Binary;
  gcd_: Binary;
  lcm_: Binary;
  /** [mantissa, exponent] (also .mantissa / .exponent), x = mantissa * 2^exponent. */
  frexp(): [Tensor, Tensor] & { mantissa: Tensor; exponent: Tensor };
  ldexp: Binary;
  ldexp_: Binary;
  /** Combines source's slices into self's slices index[i] along dim ("prod" | "mean" | "amax" | "amin"; { include_self }). */
  index_reduce(dim: number, index: Tensor, source: Tensor, ...args: IndexReduceArgs): Tensor;
  index_reduce_(dim: number, index: Tensor, source: Tensor, ...args: IndexReduceArgs): Tensor;
  /** Regularized lower incomplete gamma P(self, other). */
  igamma: Binary;
  /** Regularized upper incomplete gamma Q(self, other). */
  igammac: Binary;
  igamma_: Binary;
  igammac_: Binary;
  /** Modified Bessel function I0. */
  i0(): Tensor;
  i0_(): Tensor;
  /** polygamma(n): the n-th derivative of digamma (PyTorch's method order: x.polygamma(n)). */
  polygamma(n: number): Tensor;
  polygamma_(n: number): Tensor;
  /** Log of the multivariate gamma function of dimension p. */
  mvlgamma(...args: sp.PArgs): Tensor;
  mvlgamma_(...args: sp.PArgs): Tensor;
  /** Fills with Geometric(p) draws (trials up to the first success), PyTorch's seeded stream. */
  geometric_(...args: PyArgs<[p: number], { p?: number; generator?: Generator }>): Tensor;
  /** Fills with exp(N(mean, std)) draws (defaults 1 and 2, as PyTorch). */
  log_normal_(...args: PyArgs<[mean?: number, std?: number], { mean?: number; std?: number; generator?: Generator }>): Tensor;
  /** Fills with Cauchy(median, sigma) draws. */
  cauchy_(...args: PyArgs<[median?: number, sigma?: number], { median?: number; sigma?: number; generator?: Generator }>): Tensor;
}

declare module "./tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  interface Tensor extends GapMethods, ComplexMethods {}
}

const methods: GapMethods & ThisType<Tensor> = {
  bitwise_and(other) { return bw.bitwise_and(this, other); },
  bitwise_or(other) { return bw.bitwise_or(this, other); },
  bitwise_xor(other) { return bw.bitwise_xor(this, other); },
  bitwise_not() { return bw.bitwise_not(this); },
  bitwise_left_shift(other) { return bw.bitwise_left_shift(this, other); },
  bitwise_right_shift(other) { return bw.bitwise_right_shift(this, other); },
  bitwise_and_(other) { return applyOp(this, "bitwise_and_", (x) => bw.bitwise_and(x, other), other); },
  bitwise_or_(other) { return applyOp(this, "bitwise_or_", (x) => bw.bitwise_or(x, other), other); },
  bitwise_xor_(other) { return applyOp(this, "bitwise_xor_", (x) => bw.bitwise_xor(x, other), other); },
  bitwise_not_() { return applyOp(this, "bitwise_not_", (x) => bw.bitwise_not(x)); },
  bitwise_left_shift_(other) { return applyOp(this, "bitwise_left_shift_", (x) => bw.bitwise_left_shift(x, other), other); },
  bitwise_right_shift_(other) { return applyOp(this, "bitwise_right_shift_", (x) => bw.bitwise_right_shift(x, other), other); },
  __and__(other) { return bw.bitwise_and(this, other); },
  __or__(other) { return bw.bitwise_or(this, other); },
  __xor__(other) { return bw.bitwise_xor(this, other); },
  __invert__() { return bw.bitwise_not(this); },
  __lshift__(other) { return bw.bitwise_left_shift(this, other); },
  __rshift__(other) { return bw.bitwise_right_shift(this, other); },
  gcd(other) { return bw.gcd(this, other); },
  lcm(other) { return bw.lcm(this, other); },
  gcd_(other) { return applyOp(this, "gcd_", (x) => bw.gcd(x, other), other); },
  lcm_(other) { return applyOp(this, "lcm_", (x) => bw.lcm(x, other), other); },
  frexp() { return bw.frexp(this); },
  ldexp(other) { return bw.ldexp(this, other); },
  ldexp_(other) { return applyOp(this, "ldexp_", (x) => bw.ldexp(x, other), other); },
  index_reduce(dim, index, source, ...args) {
    const a = parseIndexReduce("index_reduce", args);
    return index_reduce(this, dim, index, source, a.reduce, a.include_self);
  },
  index_reduce_(dim, index, source, ...args) {
    const a = parseIndexReduce("index_reduce_", args);
    return applyOp(this, "index_reduce_", (old) => index_reduce(old, dim, index, source, a.reduce, a.include_self), source);
  },
  igamma(other) { return sp.gammainc(this, other); },
  igammac(other) { return sp.gammaincc(this, other); },
  igamma_(other) { return applyOp(this, "igamma_", (x) => sp.gammainc(x, other), other); },
  igammac_(other) { return applyOp(this, "igammac_", (x) => sp.gammaincc(x, other), other); },
  i0() { return sp.i0(this); },
  i0_() { return applyOp(this, "i0_", (x) => sp.i0(x)); },
  polygamma(n) { return sp.polygamma(n, this); },
  polygamma_(n) { return applyOp(this, "polygamma_", (x) => sp.polygamma(n, x)); },
  mvlgamma(...args) { return sp.mvlgamma(this, sp.pArg("mvlgamma", args)); },
  mvlgamma_(...args) { return applyOp(this, "mvlgamma_", (x) => sp.mvlgamma(x, sp.pArg("mvlgamma_", args))); },
  geometric_(...args) {
    const a = parseArgs<{ p?: number; generator?: Generator }>("geometric_", ["p", "generator"], args);
    if (a.p === undefined) throw new TypeError_("geometric_() missing 1 required positional argument: 'p'");
    return rf.geometric_(this, a.p, a.generator);
  },
  log_normal_(...args) {
    const a = parseArgs<{ mean?: number; std?: number; generator?: Generator }>("log_normal_", ["mean", "std", "generator"], args);
    return rf.log_normal_(this, a.mean ?? 1, a.std ?? 2, a.generator);
  },
  cauchy_(...args) {
    const a = parseArgs<{ median?: number; sigma?: number; generator?: Generator }>("cauchy_", ["median", "sigma", "generator"], args);
    return rf.cauchy_(this, a.median ?? 0, a.sigma ?? 1, a.generator);
  },
};

export function installGapMethods(proto: object): void {
  installComplexMethods(proto);
  for (const [name, fn] of Object.entries(methods)) {
    // A method the class itself defines wins (another helper may have added it there).
    if (Object.prototype.hasOwnProperty.call(proto, name)) continue;
    Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
