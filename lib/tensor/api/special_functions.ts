/**
 * The special functions PyTorch has at top level and as Tensor methods besides torch.special
 * (../special.ts): igamma / igammac (regularized incomplete gamma), i0, polygamma, mvlgamma, with
 * their in-place forms (ops/special.ts).
 */
import { parseArgs, type PyArgs } from "../args";
import { TypeError_ } from "../errors";
import { applyOp } from "../ops/inplace_extra";
import * as sp from "../ops/special";
import type { Tensor, TensorLike } from "../tensor";
import { installMethods } from "./install";

type Binary = (other: TensorLike) => Tensor;

export interface SpecialFunctionMethods {
  /** Regularized lower incomplete gamma P(self, other). */
  igamma: Binary;
  /** Regularized upper incomplete gamma Q(self, other). */
  igammac: Binary;
  igamma_: Binary;
  igammac_: Binary;
  /** Modified Bessel function I0. */
  i0(): Tensor;
  i0_(): Tensor;
  /** polygamma(n): the n-th derivative of digamma (PyTorch's method order: x.polygamma(n), or x.polygamma({ n })). */
  polygamma(...args: PyArgs<[n: number], { n?: number }>): Tensor;
  polygamma_(...args: PyArgs<[n: number], { n?: number }>): Tensor;
  /** Log of the multivariate gamma function of dimension p. */
  mvlgamma(...args: sp.PArgs): Tensor;
  mvlgamma_(...args: sp.PArgs): Tensor;
}

declare module "../tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends SpecialFunctionMethods {}
}

/** polygamma's order n, positional or by keyword (x.polygamma(n=1)); required, as in torch. */
function nArg(fn: string, args: readonly unknown[]): number {
  const n = parseArgs<{ n?: number }>(fn, ["n"], args).n;
  if (n === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'n'`);
  return n;
}

const specialMethods: SpecialFunctionMethods & ThisType<Tensor> = {
  igamma(other) { return sp.gammainc(this, other); },
  igammac(other) { return sp.gammaincc(this, other); },
  igamma_(other) { return applyOp(this, "igamma_", (x) => sp.gammainc(x, other), other); },
  igammac_(other) { return applyOp(this, "igammac_", (x) => sp.gammaincc(x, other), other); },
  i0() { return sp.i0(this); },
  i0_() { return applyOp(this, "i0_", (x) => sp.i0(x)); },
  polygamma(...args) { return sp.polygamma(nArg("polygamma", args), this); },
  polygamma_(...args) {
    const n = nArg("polygamma_", args);
    return applyOp(this, "polygamma_", (x) => sp.polygamma(n, x));
  },
  mvlgamma(...args) { return sp.mvlgamma(this, sp.pArg("mvlgamma", args)); },
  mvlgamma_(...args) { return applyOp(this, "mvlgamma_", (x) => sp.mvlgamma(x, sp.pArg("mvlgamma_", args))); },
};

export function installSpecialFunctionMethods(proto: object): void {
  installMethods(proto, specialMethods);
}

export const specialFunctions = {
  i0: sp.i0, polygamma: sp.polygamma,
  igamma: (x: TensorLike, other: TensorLike) => sp.gammainc(x, other), igammac: (x: TensorLike, other: TensorLike) => sp.gammaincc(x, other),
  mvlgamma: (x: Tensor, ...args: sp.PArgs) => sp.mvlgamma(x, sp.pArg("mvlgamma", args)),
};
