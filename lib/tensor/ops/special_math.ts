/**
 * Scalar special functions in float64 for torch.special (ops/special.ts): modified Bessel
 * functions I0, I1 (and their exp-scaled forms), trigamma, the Hurwitz zeta function (hence
 * polygamma), erfcx, log_ndtr and ndtri. Each is written from its series or asymptotic expansion
 * with the branch points chosen for double precision; the edge values (poles, infinities, NaN)
 * follow PyTorch 1.13, whose CPU kernels derive from Cephes.
 */
import { erf as erfScalar, erfcContinuedFraction } from "../kernels/unary";

const EPS = 1.1102230246251565e-16; // 2^-53
const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// ---- log-gamma ---------------------------------------------------------------------------
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log|Γ(v)| (Lanczos, g = 7; reflection below 0.5); +inf at the poles 0, -1, -2, ... */
export function lgammaScalar(v: number): number {
  if (Number.isNaN(v)) return NaN;
  if (v === Infinity || v === -Infinity) return Infinity;
  if (v <= 0 && Number.isInteger(v)) return Infinity;
  if (v < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * v))) - lgammaScalar(1 - v);
  const z = v - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// ---- modified Bessel functions of the first kind ----------------------------------------
/**
 * Power series (x/2)^ν Σ (x²/4)^k / (k! (k+ν)!) for ν = 0 or 1: every term is positive, so the
 * sum keeps full relative precision; the number of terms grows like |x|, used up to |x| = 30.
 */
function besselISeries(ax: number, nu: 0 | 1): number {
  const q = (ax * ax) / 4;
  let term = nu === 0 ? 1 : ax / 2;
  let sum = term;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * (k + nu));
    sum += term;
    if (term < sum * EPS * 0.5) break;
  }
  return sum;
}

/**
 * exp(-x) I_ν(x) for x >= 30 by the Hankel asymptotic series
 * (2πx)^-1/2 Σ_k (-1)^k Π_{j<=k} (4ν² - (2j-1)²) / (k! (8x)^k); its terms shrink past 1e-17
 * long before they start growing (about k = 2x).
 */
function besselIScaledAsymptotic(ax: number, nu: 0 | 1): number {
  const mu = 4 * nu * nu;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 60; k++) {
    term *= -(mu - (2 * k - 1) ** 2) / (k * 8 * ax);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS * 0.5) break;
  }
  return sum / Math.sqrt(2 * Math.PI * ax);
}

const SERIES_LIMIT = 30;

export function i0e(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return 0;
  return ax <= SERIES_LIMIT ? besselISeries(ax, 0) * Math.exp(-ax) : besselIScaledAsymptotic(ax, 0);
}

export function i0(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax <= SERIES_LIMIT) return besselISeries(ax, 0);
  // exp(ax) overflows near 709.8 while I0 still fits up to about 713.99: split the exponential.
  const h = Math.exp(ax / 2);
  return besselIScaledAsymptotic(ax, 0) * h * h;
}

/** I1 is odd: the sign of x carries over. */
export function i1e(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  const v = ax === Infinity ? 0 : ax <= SERIES_LIMIT ? besselISeries(ax, 1) * Math.exp(-ax) : besselIScaledAsymptotic(ax, 1);
  return x < 0 ? -v : v;
}

export function i1(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let v: number;
  if (ax <= SERIES_LIMIT) v = besselISeries(ax, 1);
  else {
    const h = Math.exp(ax / 2);
    v = besselIScaledAsymptotic(ax, 1) * h * h;
  }
  return x < 0 ? -v : v;
}

// ---- trigamma, Hurwitz zeta, polygamma ---------------------------------------------------
/** The Bernoulli numbers B_2, B_4, ..., B_24: the weights of the Euler-Maclaurin and asymptotic tails. */
const BERNOULLI: readonly number[] = [
  1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730,
];
const FACT: number[] = [1];
for (let i = 1; i <= 24; i++) FACT.push(FACT[i - 1] * i);

/**
 * ψ₁(x) = d²/dx² log Γ(x): reflection ψ₁(1 - x) + ψ₁(x) = π² / sin²(πx) below 1/2 (so x = -1
 * gives a huge finite value from sin(-π) != 0, as PyTorch's does), ten recurrence steps, then the
 * asymptotic series 1/x + 1/(2x²) + Σ_{k<=6} B_2k / x^(2k+1), whose next term is below 1e-15 there.
 */
export function trigamma(x: number): number {
  let sign = 1;
  let result = 0;
  if (x < 0.5) {
    sign = -1;
    const s = Math.sin(Math.PI * x);
    result -= (Math.PI * Math.PI) / (s * s);
    x = 1 - x;
  }
  for (let i = 0; i < 10; i++) {
    result += 1 / (x * x);
    x += 1;
  }
  const ixx = 1 / (x * x);
  let tail = 0;
  for (let k = 5; k >= 0; k--) tail = tail * ixx + BERNOULLI[k];
  result += 1 / x + ixx / 2 + (tail * ixx) / x;
  return sign * result;
}

/**
 * Hurwitz zeta ζ(s, q) = Σ_k (q + k)^-s by Euler-Maclaurin: direct terms until q + k > 9 (at least
 * nine), then the integral, half the last term and the Bernoulli corrections. PyTorch's edge
 * values: s = 1 gives inf, s < 1 NaN; q a non-positive integer gives inf, q negative with s not
 * an integer NaN.
 */
export function zeta(s: number, q: number): number {
  if (Number.isNaN(s) || Number.isNaN(q)) return NaN;
  if (s === 1) return Infinity;
  if (s < 1) return NaN;
  if (q <= 0) {
    if (q === Math.floor(q)) return Infinity;
    if (s !== Math.floor(s)) return NaN;
  }
  let sum = q ** -s;
  let a = q;
  let b = 0;
  let i = 0;
  while (i < 9 || a <= 9) {
    i += 1;
    a += 1;
    b = a ** -s;
    sum += b;
    if (Math.abs(b) < EPS * Math.abs(sum)) return sum;
  }
  // The terms past a: ∫_a^∞ t^-s dt - a^-s / 2 + Σ_k B_2k / (2k)! s (s+1) ... (s+2k-2) a^(-s-2k+1).
  sum += (b * a) / (s - 1) - b / 2;
  let rising = 1;
  let power = b;
  for (let k = 0; k < 12; k++) {
    rising *= s + 2 * k;
    power /= a;
    const t = (rising * power * BERNOULLI[k]) / FACT[2 * k + 2];
    sum += t;
    if (Math.abs(t / sum) < EPS) break;
    rising *= s + 2 * k + 1;
    power /= a;
  }
  return sum;
}

/** ψ⁽ⁿ⁾(x) for n >= 1: trigamma for n = 1, else (-1)^(n+1) n! ζ(n + 1, x). */
export function polygammaN(n: number, x: number): number {
  if (n === 1) return trigamma(x);
  const sign = n % 2 === 1 ? 1 : -1;
  return sign * Math.exp(lgammaInt(n + 1)) * zeta(n + 1, x);
}

/** log(n!) for a non-negative integer argument n + 1 (exact product below 171). */
function lgammaInt(m: number): number {
  if (m - 1 <= 24) return Math.log(FACT[m - 1]);
  let r = 0;
  for (let k = 2; k < m; k++) r += Math.log(k);
  return r;
}

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
  // Modified Lentz on 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (Math.sqrt(Math.PI) * f);
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

// ---- Bessel functions of the first kind J0, J1 -------------------------------------------
/** Power series (x/2)^ν Σ (-x²/4)^k / (k! (k+ν)!): alternating, used where its terms stay below ~1 (|x| <= 2). */
function besselJSeries(x: number, nu: 0 | 1): number {
  const q = -(x * x) / 4;
  let term = nu === 0 ? 1 : x / 2;
  let sum = term;
  for (let k = 1; k < 100; k++) {
    term *= q / (k * (k + nu));
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS * 0.25) break;
  }
  return sum;
}

/**
 * J_0(x), ..., J_m(x) for 0 < x <= 25 by Miller's backward recurrence J_{k-1} = (2k/x) J_k - J_{k+1},
 * started far above x from (0, tiny) and normalised by J0 + 2 (J2 + J4 + ...) = 1: stable where
 * the forward recurrence and the series both lose digits.
 */
function besselJOrders(x: number): Float64Array {
  const m = 2 * Math.floor((Math.abs(x) + 60) / 2);
  const j = new Float64Array(m + 2);
  j[m + 1] = 0;
  j[m] = 1e-30;
  for (let k = m; k >= 1; k--) {
    j[k - 1] = ((2 * k) / x) * j[k] - j[k + 1];
    if (Math.abs(j[k - 1]) > 1e250) for (let i = k - 1; i <= m + 1; i++) j[i] *= 1e-250; // keep the ratios, drop the scale
  }
  let norm = j[0];
  for (let k = 2; k <= m; k += 2) norm += 2 * j[k];
  for (let k = 0; k <= m + 1; k++) j[k] /= norm;
  return j;
}

function besselJMiller(x: number): [number, number] {
  const j = besselJOrders(x);
  return [j[0], j[1]];
}

/** Hankel's P and Q series for order ν at x > 25 (truncated before the asymptotic terms start growing). */
function hankelPQ(ax: number, nu: 0 | 1): [number, number] {
  const mu = 4 * nu * nu;
  let p = 1;
  let q = 0;
  let term = 1;
  for (let k = 1; k < 80; k++) {
    const next = term * ((mu - (2 * k - 1) ** 2) / (k * 8 * ax));
    if (Math.abs(next) > Math.abs(term) && k > 2) break;
    term = next;
    // a_k enters Q for odd k and P for even k, with signs (-1)^floor(k/2).
    const sign = Math.floor(k / 2) % 2 === 0 ? 1 : -1;
    if (k % 2 === 1) q += sign * term;
    else p += sign * term;
    if (Math.abs(term) < EPS * 0.25) break;
  }
  return [p, q];
}

/** [cos χ, sin χ] for χ = x - (2ν+1)π/4, through cos x and sin x (no rounding of x - π/4 for large x). */
function hankelPhase(ax: number, nu: 0 | 1): [number, number] {
  const c = Math.cos(ax);
  const s = Math.sin(ax);
  return nu === 0 ? [(c + s) * Math.SQRT1_2, (s - c) * Math.SQRT1_2] : [(s - c) * Math.SQRT1_2, -(s + c) * Math.SQRT1_2];
}

/** Hankel's asymptotic form for |x| > 25: J_ν = √(2/(πx)) (P cos χ - Q sin χ). */
function besselJAsymptotic(ax: number, nu: 0 | 1): number {
  const [p, q] = hankelPQ(ax, nu);
  const [cosChi, sinChi] = hankelPhase(ax, nu);
  return Math.sqrt(2 / (Math.PI * ax)) * (p * cosChi - q * sinChi);
}

export function j0(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return 0;
  if (ax <= 2) return besselJSeries(ax, 0);
  if (ax <= 25) return besselJMiller(ax)[0];
  return besselJAsymptotic(ax, 0);
}

/** J1 is odd: the sign of x carries over. */
export function j1(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let v: number;
  if (ax === Infinity) v = 0;
  else if (ax <= 2) v = besselJSeries(ax, 1);
  else if (ax <= 25) v = besselJMiller(ax)[1];
  else v = besselJAsymptotic(ax, 1);
  return x < 0 ? -v : v;
}

// ---- regularized incomplete gamma and the Gamma sample's reparameterised gradient --------
/**
 * [log P(a, x), log Q(a, x)], the logs of the regularized lower and upper incomplete gamma
 * functions, each with full relative precision: the series for P where x < a + 1 (Q = 1 - P),
 * else Lentz's continued fraction for Q (P = 1 - Q).
 */
export function logGammaincPQ(a: number, x: number): [number, number] {
  if (x <= 0) return [-Infinity, 0];
  const logPrefix = a * Math.log(x) - x - lgammaScalar(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * EPS * 0.25) break;
    }
    const logP = logPrefix + Math.log(sum);
    return [logP, Math.log1p(-Math.exp(logP))];
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  const logQ = logPrefix + Math.log(h);
  return [Math.log1p(-Math.exp(logQ)), logQ];
}

/**
 * dx/dα of a Gamma(α, 1) sample x at fixed CDF value (implicit reparameterisation; PyTorch's
 * _standard_gamma_grad approximates the same quantity to ~1e-3): -(∂P(α, x)/∂α) / pdf(x; α).
 * The α-derivative is taken of log P (or log Q where P is near 1, since ∂P = -∂Q) by a central
 * difference with step 1e-5 α: log P is nearly linear in α, so the step costs no accuracy even
 * where P itself changes by orders of magnitude; about nine correct digits.
 */
export function standardGammaGrad(alpha: number, x: number): number {
  if (!(x > 0) || !(alpha > 0)) return 0;
  const h = 1e-5 * alpha;
  const k = x < alpha + 1 ? 0 : 1; // differentiate the smaller tail
  const dLog = (logGammaincPQ(alpha + h, x)[k] - logGammaincPQ(alpha - h, x)[k]) / (2 * h);
  const logTail = logGammaincPQ(alpha, x)[k];
  const logPdf = (alpha - 1) * Math.log(x) - x - lgammaScalar(alpha);
  const dP = k === 0 ? dLog : -dLog; // ∂P/∂α = P ∂logP = -Q ∂logQ, both scaled by the tail below
  const r = -dP * Math.exp(logTail - logPdf);
  return Number.isFinite(r) ? r : 0;
}

/** P(a, x) or Q(a, x) (upper) with PyTorch's edge values: NaN for negative arguments, P(0, x > 0) = 1, P(a, 0) = 0, P(a, inf) = 1, P(inf, x) = 0. */
export function gammaincEdge(a: number, x: number, upper: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a < 0 || x < 0) return NaN;
  let p: number;
  if (a === 0) {
    if (x === 0) return NaN;
    p = 1;
  } else if (x === 0) p = 0;
  else if (a === Infinity) {
    if (x === Infinity) return NaN;
    p = 0;
  } else if (x === Infinity) p = 1;
  else {
    const [logP, logQ] = logGammaincPQ(a, x);
    return Math.exp(upper ? logQ : logP);
  }
  return upper ? 1 - p : p;
}

// ---- Bessel functions of the second kind Y0, Y1 ------------------------------------------
const EULER_GAMMA = 0.5772156649015329;

/**
 * [Y0(x), Y1(x)] for 0 < x <= 25 from Neumann's series over Miller's J_n:
 * Y0 = (2/π)(ln(x/2) + γ) J0 - (4/π) Σ_k (-1)^k J_2k / k, and Y1 = -Y0', differentiated term by
 * term (J0' = -J1, J_n' = (J_{n-1} - J_{n+1}) / 2). Below 1e-3 the leading terms of the power
 * series (the recurrence's 2k/x would be huge there).
 */
function besselYSmall(x: number): [number, number] {
  const lg = Math.log(x / 2) + EULER_GAMMA;
  if (x < 1e-3) {
    const q = (x * x) / 4;
    const y0 = (2 / Math.PI) * (lg * (1 - q) + q);
    const y1 = -2 / (Math.PI * x) + (2 / Math.PI) * Math.log(x / 2) * (x / 2) - ((1 - 2 * EULER_GAMMA) * x) / (2 * Math.PI);
    return [y0, y1];
  }
  const j = besselJOrders(x);
  const m = j.length - 2;
  let s0 = 0;
  let s1 = 0;
  for (let k = 1; 2 * k + 1 <= m; k++) {
    const sign = k % 2 === 0 ? 1 : -1;
    s0 += (sign * j[2 * k]) / k;
    s1 += (sign * (j[2 * k - 1] - j[2 * k + 1])) / (2 * k);
  }
  const y0 = (2 / Math.PI) * lg * j[0] - (4 / Math.PI) * s0;
  const dy0 = (2 / Math.PI) * (j[0] / x - lg * j[1]) - (4 / Math.PI) * s1;
  return [y0, -dy0];
}

function besselY(x: number, nu: 0 | 1): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return NaN; // PyTorch 1.13's value (the limit is 0)
  if (x <= 25) return besselYSmall(x)[nu];
  const [p, q] = hankelPQ(x, nu);
  const [cosChi, sinChi] = hankelPhase(x, nu);
  return Math.sqrt(2 / (Math.PI * x)) * (p * sinChi + q * cosChi);
}

export const y0 = (x: number): number => besselY(x, 0);
export const y1 = (x: number): number => besselY(x, 1);

// ---- modified Bessel functions of the second kind K0, K1 ---------------------------------
/**
 * [K0(x), K1(x)] for 0 < x <= 2 by their power series: K0 = -(ln(x/2) + γ) I0 + Σ H_k (x²/4)^k / (k!)²,
 * K1 = 1/x + ln(x/2) I1 - (x/4) Σ (ψ(k+1) + ψ(k+2)) (x²/4)^k / (k! (k+1)!), I0, I1 summed alongside.
 */
function besselKSeries(x: number): [number, number] {
  const q = (x * x) / 4;
  const lg = Math.log(x / 2);
  let t0 = 1;
  let i0 = 1;
  let s0 = 0;
  let harmonic = 0;
  let t1 = x / 2;
  let i1 = t1;
  let s1 = (1 - 2 * EULER_GAMMA) * t1; // ψ(1) + ψ(2) = 1 - 2γ
  let psiSum = 1 - 2 * EULER_GAMMA;
  for (let k = 1; k < 200; k++) {
    t0 *= q / (k * k);
    harmonic += 1 / k;
    i0 += t0;
    s0 += harmonic * t0;
    t1 *= q / (k * (k + 1));
    i1 += t1;
    psiSum += 1 / k + 1 / (k + 1);
    s1 += psiSum * t1;
    if (t0 < EPS * 1e-3 && t1 < EPS * 1e-3) break;
  }
  const k0 = -(lg + EULER_GAMMA) * i0 + s0;
  const k1 = 1 / x + lg * i1 - s1 / 2;
  return [k0, k1];
}
/**
 * [e^x K0(x), e^x K1(x)] for x > 2: Steed's continued fraction for K (CF2, with Temme's
 * normalisation sum s): e^x K0 = √(π/(2x)) / s, K1 = K0 (x + 1/2 - h) / x.
 */
function besselKScaledCF(x: number): [number, number] {
  let b = 2 * (1 + x);
  let d = 1 / b;
  let h = d;
  let delh = d;
  let q1 = 0;
  let q2 = 1;
  const a1 = 0.25;
  let q = a1;
  let c = a1;
  let a = -a1;
  let s = 1 + q * delh;
  for (let i = 1; i < 10000; i++) {
    a -= 2 * i;
    c = (-a * c) / (i + 1);
    const qnew = (q1 - b * q2) / a;
    q1 = q2;
    q2 = qnew;
    q += c * qnew;
    b += 2;
    d = 1 / (b + a * d);
    delh = (b * d - 1) * delh;
    h += delh;
    const dels = q * delh;
    s += dels;
    if (Math.abs(dels / s) < EPS) break;
  }
  h = a1 * h;
  const k0 = Math.sqrt(Math.PI / (2 * x)) / s;
  const k1 = (k0 * (x + 0.5 - h)) / x;
  return [k0, k1];
}
/** [K0, K1] (scaled: times e^x) with PyTorch's edge values: NaN below 0, inf at 0, 0 at inf. */
function besselK(x: number, scaled: boolean): [number, number] {
  if (Number.isNaN(x) || x < 0) return [NaN, NaN];
  if (x === 0) return [Infinity, Infinity];
  if (x === Infinity) return [0, 0];
  if (x <= 2) {
    const [k0, k1] = besselKSeries(x);
    const e = scaled ? Math.exp(x) : 1;
    return [k0 * e, k1 * e];
  }
  const [k0e, k1e] = besselKScaledCF(x);
  if (scaled) return [k0e, k1e];
  const e = Math.exp(-x);
  return [k0e * e, k1e * e];
}

export const k0 = (x: number): number => besselK(x, false)[0];
export const k1 = (x: number): number => besselK(x, false)[1];
export const k0e = (x: number): number => besselK(x, true)[0];
export const k1e = (x: number): number => besselK(x, true)[1];
