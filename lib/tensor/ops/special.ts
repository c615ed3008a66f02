/**
 * Special functions as tensor ops (PyTorch 1.13 names): i0 / i0e / i1 / i1e, polygamma, mvlgamma
 * (multigammaln), erfcx, ndtr, ndtri, log_ndtr, xlog1py, entr, zeta. Forwards evaluate the float64
 * scalars of special_math.ts per element (one rounding into float32 outputs); integer inputs give
 * the default float32 as PyTorch's do. Backwards are recorded tensor ops, so they differentiate
 * again: i0' = i1, digamma' = polygamma(1), polygamma(n)' = polygamma(n + 1), and so on.
 */
import { parseArgs, type PyArgs } from "../args";
import { RuntimeError, TypeError_ } from "../errors";
import { Tensor, type TensorLike } from "../tensor";
import { floatOperands, lgamma, map1, mapN } from "./elementwise_extra";
import * as m from "./special_math";
import { where } from "./where";

const LOG_PI = Math.log(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function tensorArg(x: unknown, fn: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError_(`${fn}(): argument 'input' (position 1) must be Tensor, not ${x === null ? "None" : typeof x}`);
}

export function i0(x: Tensor): Tensor {
  tensorArg(x, "i0");
  return map1(x, "I0Backward0", m.i0, (g, x) => g.mul(i1(x)));
}

/** exp(-|x|) I0(x); derivative i1e(x) - sign(x) i0e(x). */
export function i0e(x: Tensor): Tensor {
  tensorArg(x, "special_i0e");
  return map1(x, "SpecialI0EBackward0", m.i0e, (g, x, y) => g.mul(i1e(x).sub(x.sign().mul(y))));
}

/** I1(x); derivative I0(x) - I1(x) / x, which is 1/2 at x = 0. */
export function i1(x: Tensor): Tensor {
  tensorArg(x, "special_i1");
  return map1(x, "SpecialI1Backward0", m.i1, (g, x, y) => g.mul(where(x.eq(0), 0.5, i0(x).sub(y.div(x)))));
}

/** exp(-|x|) I1(x); derivative i0e(x) - i1e(x) (sign(x) + 1 / x), which is 1/2 at x = 0. */
export function i1e(x: Tensor): Tensor {
  tensorArg(x, "special_i1e");
  return map1(x, "SpecialI1EBackward0", m.i1e, (g, x, y) => g.mul(where(x.eq(0), 0.5, i0e(x).sub(y.mul(x.sign().add(x.reciprocal()))))));
}

/** ψ⁽ⁿ⁾(x), the n-th derivative of digamma; n a non-negative integer (0 is digamma itself). */
export function polygamma(n: number, x: Tensor): Tensor {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new TypeError_(`polygamma(): argument 'n' (position 1) must be int, not ${typeof n}`);
  if (n < 0) throw new RuntimeError("polygamma(n, x) does not support negative n.");
  tensorArg(x, "polygamma");
  if (n === 0) return x.digamma();
  return map1(x, "PolygammaBackward0", (v) => m.polygammaN(n, v), (g, x) => g.mul(polygamma(n + 1, x)));
}

/**
 * log of the multivariate gamma function of dimension p: p(p-1)/4 log π + Σ_{i<p} lgamma(x - i/2).
 * PyTorch 1.13 checks nothing about x (values at or below (p-1)/2 give inf or NaN as lgamma does).
 */
export function mvlgamma(x: Tensor, p: number): Tensor {
  tensorArg(x, "mvlgamma");
  if (typeof p !== "number" || !Number.isInteger(p)) throw new TypeError_(`mvlgamma(): argument 'p' must be int, not ${typeof p}`);
  if (p < 1) throw new RuntimeError("p has to be greater than or equal to 1");
  if (!x.dtype.is_floating_point) throw new RuntimeError(`mvlgamma is not implemented for ${x.dtype}`);
  let sum = lgamma(x);
  for (let i = 1; i < p; i++) sum = sum.add(lgamma(x.sub(i / 2)));
  return sum.add((p * (p - 1) * LOG_PI) / 4);
}

/** The `p` argument of mvlgamma / multigammaln, positional or keyword. */
export function pArg(fn: string, args: readonly unknown[]): number {
  const p = parseArgs<{ p?: number }>(fn, ["p"], args).p;
  if (p === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'p'`);
  return p;
}
export type PArgs = PyArgs<[p: number], { p?: number }>;

/** exp(x²) erfc(x); derivative 2x erfcx(x) - 2/√π. */
export function erfcx(x: Tensor): Tensor {
  tensorArg(x, "special_erfcx");
  return map1(x, "SpecialErfcxBackward0", m.erfcx, (g, x, y) => g.mul(x.mul(y).mul(2).sub(2 / Math.sqrt(Math.PI))));
}

/** Φ(x), the standard normal CDF (the lower tail without cancellation); derivative φ(x). */
export function ndtr(x: Tensor): Tensor {
  tensorArg(x, "special_ndtr");
  return map1(x, "SpecialNdtrBackward0", m.ndtr, (g, x) => g.mul(x.mul(x).mul(-0.5).exp().mul(INV_SQRT_2PI)));
}

/**
 * Φ⁻¹(p) to float64 accuracy; derivative √(2π) exp(y²/2). PyTorch 1.13's own kernel is less
 * exact (about 1e-7 relative, and -inf at p = 1e-300): values here are the true quantiles.
 */
export function ndtri(x: Tensor): Tensor {
  tensorArg(x, "special_ndtri");
  return map1(x, "SpecialNdtriBackward0", m.ndtri, (g, _x, y) => g.mul(y.mul(y).mul(0.5).exp().mul(Math.sqrt(2 * Math.PI))));
}

/** log Φ(x), accurate far into both tails; derivative φ(x) / Φ(x) = exp(-x²/2 - log Φ(x)) / √(2π). */
export function log_ndtr(x: Tensor): Tensor {
  tensorArg(x, "special_log_ndtr");
  return map1(x, "SpecialLogNdtrBackward0", m.logNdtr, (g, x, y) => g.mul(x.mul(x).mul(-0.5).sub(y).exp().mul(INV_SQRT_2PI)));
}

/** x log(1 + y), 0 where x == 0 (unless y is NaN). */
export function xlog1py(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dt] = floatOperands(a, b, "special_xlog1py");
  const f = (u: number, v: number): number => (Number.isNaN(v) ? NaN : u === 0 ? 0 : u * Math.log1p(v));
  return mapN([x, y], dt, "SpecialXlog1PyBackward0", "special_xlog1py", f, (g, [x, y]) => [
    where(x.eq(0).logical_and(y.le(-1)), 0, xlog1py(g, y)),
    g.mul(x).div(y.add(1)),
  ]);
}

/** -x log x elementwise: 0 at 0, -inf for negative x; derivative -(1 + log x). */
export function entr(x: Tensor): Tensor {
  tensorArg(x, "special_entr");
  const f = (v: number): number => (Number.isNaN(v) ? NaN : v > 0 ? -v * Math.log(v) : v === 0 ? 0 : -Infinity);
  return map1(x, "SpecialEntrBackward0", f, (g, x) => g.mul(x.log().add(1).neg()));
}

/**
 * Hurwitz zeta ζ(x, q) = Σ_k (q + k)^-x. Differentiable in q only (-x ζ(x + 1, q)); PyTorch
 * has no derivative in x either.
 */
export function zeta(a: TensorLike, b: TensorLike): Tensor {
  const [x, q, dt] = floatOperands(a, b, "special_zeta");
  return mapN([x, q], dt, "SpecialZetaBackward0", "special_zeta", m.zeta, (g, [x, q]) => {
    if (x.requires_grad) throw new RuntimeError("the derivative for 'self' is not implemented.");
    return [null, g.mul(x.neg()).mul(zeta(x.add(1), q))];
  });
}

/**
 * Bessel function of the first kind J0. PyTorch 1.13's kernel is off by up to ~1e-7 between 5 and
 * 25 (checked against mpmath); this one is float64-exact. PyTorch records no gradient for it; here
 * J0' = -J1, so it differentiates.
 */
export function bessel_j0(x: Tensor): Tensor {
  tensorArg(x, "special_bessel_j0");
  return map1(x, "SpecialBesselJ0Backward0", m.j0, (g, x) => g.mul(bessel_j1(x)).neg());
}

/** J1; derivative J0(x) - J1(x) / x, 1/2 at x = 0. */
export function bessel_j1(x: Tensor): Tensor {
  tensorArg(x, "special_bessel_j1");
  return map1(x, "SpecialBesselJ1Backward0", m.j1, (g, x, y) => g.mul(where(x.eq(0), 0.5, bessel_j0(x).sub(y.div(x)))));
}

/**
 * Regularized incomplete gamma functions P(a, x) (gammainc / igamma) and Q(a, x) (gammaincc /
 * igammac), float64-exact. Differentiable in x (±x^(a-1) e^-x / Γ(a)); like PyTorch, not in a.
 */
function incompleteGamma(a: TensorLike, b: TensorLike, upper: boolean): Tensor {
  const op = upper ? "igammac" : "igamma";
  const [x, y, dt] = floatOperands(a, b, op);
  return mapN([x, y], dt, upper ? "IgammacBackward0" : "IgammaBackward0", op, (u, v) => m.gammaincEdge(u, v, upper), (g, [a, x]) => {
    if (a.requires_grad) throw new RuntimeError(`the derivative for '${op}: input' is not implemented.`);
    const density = a.sub(1).mul(x.log()).sub(x).sub(a.lgamma()).exp();
    return [null, upper ? g.mul(density).neg() : g.mul(density)];
  });
}

export const gammainc = (a: TensorLike, x: TensorLike): Tensor => incompleteGamma(a, x, false);
export const gammaincc = (a: TensorLike, x: TensorLike): Tensor => incompleteGamma(a, x, true);

/** sin(x) / x, 1 at 0 (a short series below 1e-4 keeps the last digits); derivative (cos x - sin x / x) / x. */
export function spherical_bessel_j0(x: Tensor): Tensor {
  tensorArg(x, "special_spherical_bessel_j0");
  const f = (v: number): number => {
    if (Number.isNaN(v)) return NaN;
    if (!Number.isFinite(v)) return 0;
    if (Math.abs(v) < 1e-4) return 1 - (v * v) / 6;
    return Math.sin(v) / v;
  };
  return map1(x, "SpecialSphericalBesselJ0Backward0", f, (g, x, y) => g.mul(where(x.eq(0), 0, x.cos().sub(y).div(x))));
}

/** Bessel function of the second kind Y0 (NaN below 0, -inf at 0); derivative -Y1. Float64-exact (mpmath-checked). */
export function bessel_y0(x: Tensor): Tensor {
  tensorArg(x, "special_bessel_y0");
  return map1(x, "SpecialBesselY0Backward0", m.y0, (g, x) => g.mul(bessel_y1(x)).neg());
}

/** Y1; derivative Y0(x) - Y1(x) / x. */
export function bessel_y1(x: Tensor): Tensor {
  tensorArg(x, "special_bessel_y1");
  return map1(x, "SpecialBesselY1Backward0", m.y1, (g, x, y) => g.mul(bessel_y0(x).sub(y.div(x))));
}

/** Modified Bessel function of the second kind K0 (NaN below 0, inf at 0); derivative -K1. */
export function modified_bessel_k0(x: Tensor): Tensor {
  tensorArg(x, "special_modified_bessel_k0");
  return map1(x, "SpecialModifiedBesselK0Backward0", m.k0, (g, x) => g.mul(modified_bessel_k1(x)).neg());
}

/** K1; derivative -K0 - K1 / x. */
export function modified_bessel_k1(x: Tensor): Tensor {
  tensorArg(x, "special_modified_bessel_k1");
  return map1(x, "SpecialModifiedBesselK1Backward0", m.k1, (g, x, y) => g.mul(modified_bessel_k0(x).add(y.div(x))).neg());
}

/** e^x K0(x), finite for large x; derivative e^x K0 - e^x K1. */
export function scaled_modified_bessel_k0(x: Tensor): Tensor {
  tensorArg(x, "special_scaled_modified_bessel_k0");
  return map1(x, "SpecialScaledModifiedBesselK0Backward0", m.k0e, (g, x, y) => g.mul(y.sub(scaled_modified_bessel_k1(x))));
}

/** e^x K1(x); derivative e^x K1 (1 - 1/x) - e^x K0. */
export function scaled_modified_bessel_k1(x: Tensor): Tensor {
  tensorArg(x, "special_scaled_modified_bessel_k1");
  return map1(x, "SpecialScaledModifiedBesselK1Backward0", m.k1e, (g, x, y) => g.mul(y.sub(y.div(x)).sub(scaled_modified_bessel_k0(x))));
}
