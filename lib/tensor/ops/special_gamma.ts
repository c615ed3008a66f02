/**
 * Gamma-family special functions in float64 (for ops/special.ts and the distributions): log Γ
 * (Lanczos), trigamma, the Hurwitz zeta function and polygamma, the regularized incomplete gamma
 * functions and the implicit reparameterisation gradient of a Gamma sample. Edge values follow
 * PyTorch 1.13.
 */
const EPS = 1.1102230246251565e-16; // 2^-53

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
  if (v === 1 || v === 2) return 0; // exact, as C's lgamma (the Lanczos sum leaves -8.9e-16 at 1: lgamma(ones) printed as -8.8818e-16)
  if (v < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * v))) - lgammaScalar(1 - v);
  const z = v - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
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
