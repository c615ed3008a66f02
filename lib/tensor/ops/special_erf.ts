/**
 * Error-function family in float64 (for ops/special.ts): erfc with its tail, erfcx, the normal
 * CDF ndtr, log_ndtr and its inverse ndtri, each accurate far into the tails.
 */
import { erf as erfScalar, erfcContinuedFraction, erfcxContinuedFraction } from "../kernels/unary";

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// ---- error-function family -------------------------------------------------------------
/** erfc(x) for any x: the continued fraction past 2 keeps the tail's digits. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2) return erfcContinuedFraction(x);
  return 1 - erfScalar(x);
}

/**
 * erfcx(x) = exp(x²) erfc(x). Past 2, the continued fraction's own value without its exp(-x²)
 * factor (so 1e10 gives 5.6e-11 rather than 0 / 0); below, exp(x²) (1 - erf(x)); for negative x,
 * 2 exp(x²) - erfcx(-x), which overflows to inf below about -26.6 as PyTorch's does.
 */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) {
    if (x < -26.7) return Infinity;
    return 2 * Math.exp(x * x) - erfcx(-x);
  }
  if (x < 2) return Math.exp(x * x) * (1 - erfScalar(x));
  if (x > 1e8) return 1 / (Math.sqrt(Math.PI) * x); // the fraction's first term is exact here
  return erfcxContinuedFraction(x);
}

/** Φ(x), the standard normal CDF, with the lower tail from erfc (no cancellation). */
export function ndtr(x: number): number {
  const t = x * Math.SQRT1_2;
  return t < 0 ? erfc(-t) / 2 : 1 - erfc(t) / 2;
}

/** log Φ(x): for x < -1 through erfcx (log(erfcx(-x/√2) / 2) - x²/2), else log1p(-erfc(x/√2) / 2). */
export function logNdtr(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const t = x * Math.SQRT1_2;
  if (x < -1) return Math.log(erfcx(-t) / 2) - t * t;
  return Math.log1p(-erfc(t) / 2);
}

/**
 * Φ⁻¹(p): a starting point from erfinv (central) or the tail's asymptotic form, then Newton steps
 * on log Φ(x) = log p, whose derivative φ(x) / Φ(x) is computed as exp(log φ - log Φ) so the far
 * lower tail (p = 1e-300) converges as well as the middle. p > 1/2 uses Φ⁻¹(p) = -Φ⁻¹(1 - p).
 */
export function ndtri(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -ndtri(1 - p);
  let x: number;
  if (p > 0.02) {
    x = SQRT2 * erfinvStart(2 * p - 1);
  } else {
    const l = -2 * Math.log(p);
    x = -Math.sqrt(l - Math.log(l) - Math.log(2 * Math.PI));
  }
  const logP = Math.log(p);
  for (let i = 0; i < 50; i++) {
    const lphi = -0.5 * x * x - LOG_SQRT_2PI;
    const step = (logNdtr(x) - logP) / Math.exp(lphi - logNdtr(x));
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return x;
}

/** erf⁻¹ to a few digits (Newton does the rest): Winitzki's closed form. */
function erfinvStart(y: number): number {
  const a = 0.147;
  const l = Math.log(1 - y * y);
  const t = 2 / (Math.PI * a) + l / 2;
  return Math.sign(y) * Math.sqrt(Math.sqrt(t * t - l / a) - t);
}
