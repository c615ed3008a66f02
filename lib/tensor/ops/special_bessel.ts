/**
 * Bessel functions in float64 (for ops/special.ts): I0, I1 (plain and exp-scaled), J0, J1, Y0, Y1,
 * K0, K1 (plain and exp-scaled). Each range uses the method that keeps double precision there:
 * power series, Miller's backward recurrence, Neumann series, Steed's continued fraction or
 * Hankel's asymptotic series. Edge values (0, infinities, negative arguments) follow PyTorch 1.13.
 */
const EPS = 1.1102230246251565e-16; // 2^-53
const EULER_GAMMA = 0.5772156649015329;

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

// ---- Bessel functions of the second kind Y0, Y1 ------------------------------------------
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
