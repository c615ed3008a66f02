/**
 * torch.special as in PyTorch 1.13: the functions of that namespace this engine has. Most are
 * the torch.* functions under their special.* names (expit is sigmoid, gammaln is lgamma, psi is
 * digamma, ...); the Bessel, zeta/polygamma and normal-distribution functions live in
 * ops/special.ts. Not here (yet): airy_ai:
 * calling one raises an error that says so.
 */
import { SPECIAL_FIXED_ARITY, withFixedArityAll } from "./ops/fixed_arity";
import { parseArgs, type PyArgs } from "./args";
import { RuntimeError } from "./errors";
import * as activations from "./ops/activations";
import * as ew from "./ops/elementwise_extra";
import * as sp from "./ops/special";
import { orthogonalPolynomials } from "./ops/orthogonal_polynomials";
import * as softmaxOps from "./ops/softmax";
import * as unary from "./ops/unary";
import type { Tensor, TensorLike } from "./tensor";
import { epsArg } from "./api/keyword_args";

type DimArgs = PyArgs<[dim: number | readonly number[], keepdim?: boolean], { dim?: number | readonly number[]; keepdim?: boolean }>;

function logsumexp(x: Tensor, ...args: DimArgs): Tensor {
  const a = parseArgs<{ dim?: number | readonly number[]; keepdim?: boolean }>("special.logsumexp", ["dim", "keepdim"], args);
  if (a.dim === undefined) throw new RuntimeError("special.logsumexp() missing 1 required positional argument: 'dim'");
  return x.logsumexp(a.dim as number, a.keepdim ?? false);
}

/** Functions of PyTorch 1.13's torch.special that this engine does not have. */
const MISSING = [
  "airy_ai",
] as const;

const missing = Object.fromEntries(
  MISSING.map((name) => [name, (): never => {
    throw new RuntimeError(`torch.special.${name} is not available in this engine; torch.special has: ${Object.keys(available).join(", ")}`);
  }]),
) as Record<(typeof MISSING)[number], () => never>;

const available = {
  // error function family and the normal distribution
  erf: unary.erf, erfc: ew.erfc, erfinv: ew.erfinv, erfcx: sp.erfcx, ndtr: sp.ndtr, ndtri: sp.ndtri, log_ndtr: sp.log_ndtr,
  // gamma family
  gammaln: ew.lgamma, digamma: ew.digamma, psi: ew.digamma, polygamma: sp.polygamma,
  multigammaln: (x: Tensor, ...args: sp.PArgs) => sp.mvlgamma(x, sp.pArg("special.multigammaln", args)),
  zeta: (x: TensorLike, other: TensorLike) => sp.zeta(x, other),
  gammainc: (x: TensorLike, other: TensorLike) => sp.gammainc(x, other),
  gammaincc: (x: TensorLike, other: TensorLike) => sp.gammaincc(x, other),
  // Bessel functions of the first kind (J) and modified ones (I)
  i0: sp.i0, i0e: sp.i0e, i1: sp.i1, i1e: sp.i1e, bessel_j0: sp.bessel_j0, bessel_j1: sp.bessel_j1, bessel_y0: sp.bessel_y0, bessel_y1: sp.bessel_y1,
  modified_bessel_i0: sp.i0, modified_bessel_i1: sp.i1, spherical_bessel_j0: sp.spherical_bessel_j0,
  modified_bessel_k0: sp.modified_bessel_k0, modified_bessel_k1: sp.modified_bessel_k1,
  scaled_modified_bessel_k0: sp.scaled_modified_bessel_k0, scaled_modified_bessel_k1: sp.scaled_modified_bessel_k1,
  // logs, exponentials and the rest
  xlogy: (x: TensorLike, other: TensorLike) => ew.xlogy(x, other), xlog1py: (x: TensorLike, other: TensorLike) => sp.xlog1py(x, other),
  entr: sp.entr, sinc: ew.sinc, expit: activations.sigmoid,
  logit: (x: Tensor, ...args: PyArgs<[eps?: number | null], { eps?: number | null }>) => ew.logit(x, epsArg("special.logit", args)),
  exp2: ew.exp2, expm1: unary.expm1, log1p: unary.log1p,
  round: (x: Tensor, ...args: PyArgs<[], { decimals?: number }>) => {
    const given = parseArgs<{ decimals?: number }>("special.round", ["decimals"], args).decimals;
  ew.checkRoundDtype(x, given ?? undefined);
  const d = given ?? 0;
    return d === 0 ? unary.round(x) : ew.roundDecimals(x, d);
  },
  logsumexp,
  softmax: softmaxOps.softmax, log_softmax: softmaxOps.log_softmax,
  // Chebyshev, Hermite, Laguerre and Legendre polynomials (ops/orthogonal_polynomials.ts)
  ...orthogonalPolynomials,
};

const specialAll = { ...available, ...missing };
/** Operand-only functions refuse extra arguments (ops/fixed_arity.ts). */
export const special = { ...specialAll, ...withFixedArityAll(specialAll, SPECIAL_FIXED_ARITY, undefined, "torch.special") };
