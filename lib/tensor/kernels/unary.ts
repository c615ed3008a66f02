/**
 * Elementwise unary kernels and their fused backward kernels, one explicit loop each
 * (no per-element closures). Forward: out = f(x). Backward: out = g * f'(s), where s is
 * whatever the forward saved (noted per kernel: the input x or the output y).
 */
import type { Storage } from "../dtype";

type K = (n: number, x: Storage, out: Storage, p0: number, p1: number) => void;
type G = (n: number, g: Storage, s: Storage, out: Storage, p0: number, p1: number) => void;

const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const GELU_K = 0.7978845608028654; // sqrt(2 / pi)

/**
 * erf to ~1e-15 relative accuracy: a positive-term series below 2.5 (no cancellation) and
 * a continued fraction for erfc above. JS has no Math.erf; gradcheck in float64 needs
 * better than the usual 1e-7 approximations.
 */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  const erfc = erfcContinuedFraction(ax);
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** erfc(x) for x >= 2 without cancellation: exp(-x^2) times erfcx's continued fraction. */
export function erfcContinuedFraction(x: number): number {
  return Math.exp(-x * x) * erfcxContinuedFraction(x);
}

/**
 * erfcx(x) = exp(x^2) erfc(x) for x >= 2: 1 / sqrt(pi) times the continued fraction
 * 1 / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...)))), by the modified Lentz method.
 */
export function erfcxContinuedFraction(x: number): number {
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

/**
 * erf to float32 accuracy (|error| < 7e-8 everywhere, about one float32 ulp): Eigen's rational
 * approximation on [-4, 4] (erf is +-1 to float32 beyond). The series/continued-fraction erf
 * above costs ~10x more per element, which made exact GELU a fifth of a GPT step; float32
 * outputs cannot hold the extra digits, so only float64 (gradcheck) pays for them.
 */
export function erf32(x: number): number {
  const v = x > 4 ? 4 : x < -4 ? -4 : x; // NaN passes through (both comparisons false)
  const x2 = v * v;
  let p = -2.72614225801306e-10;
  p = p * x2 + 2.77068142495902e-08;
  p = p * x2 - 2.10102402082508e-06;
  p = p * x2 - 5.69250639462346e-05;
  p = p * x2 - 7.34990630326855e-04;
  p = p * x2 - 2.95459980854025e-03;
  p = p * x2 - 1.60960333262415e-02;
  let q = -1.45660718464996e-05;
  q = q * x2 - 2.13374055278905e-04;
  q = q * x2 - 1.68282697438203e-03;
  q = q * x2 - 7.37332916720468e-03;
  q = q * x2 - 1.42647390514189e-02;
  return (v * p) / q;
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 ? 2 * Math.round(v / 2) : r;
}

/**
 * The forward kernels, by name. The names are a type (UnaryKernelName, as tfjs-core's
 * kernel_names.ts makes its kernel names), so an op asking for a misspelled kernel does not compile.
 */
export const unaryKernels = {
  neg: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = -x[i]; },
  exp: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.exp(x[i]); },
  log: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.log(x[i]); },
  log2: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.log2(x[i]); },
  log1p: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.log1p(x[i]); },
  expm1: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.expm1(x[i]); },
  sqrt: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.sqrt(x[i]); },
  rsqrt: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(x[i]); },
  square: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = x[i] * x[i]; },
  reciprocal: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = 1 / x[i]; },
  abs: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.abs(x[i]); },
  sign: (n, x, o) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? 1 : v < 0 ? -1 : v; } },
  sin: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.sin(x[i]); },
  cos: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.cos(x[i]); },
  floor: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.floor(x[i]); },
  ceil: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.ceil(x[i]); },
  trunc: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.trunc(x[i]); },
  round: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = roundHalfEven(x[i]); },
  erf: (n, x, o) => {
    if (o instanceof Float32Array) for (let i = 0; i < n; i++) o[i] = erf32(x[i]);
    else for (let i = 0; i < n; i++) o[i] = erf(x[i]);
  },
  logical_not: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = x[i] === 0 ? 1 : 0; },
  /** p0 = exponent */
  pow_scalar: (n, x, o, p) => {
    if (p === 2) for (let i = 0; i < n; i++) o[i] = x[i] * x[i];
    else for (let i = 0; i < n; i++) o[i] = Math.pow(x[i], p);
  },
  /** p0 = min, p1 = max (use -Infinity / Infinity for one-sided clamps); NaN propagates. */
  clamp: (n, x, o, lo, hi) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v < lo ? lo : v > hi ? hi : v; } },
  relu: (n, x, o) => {
    if (x instanceof Float32Array && o instanceof Float32Array) {
      // Branch-free on the bit pattern: random signs would make a branch mispredict half the time.
      // A set sign bit (negative, -0, -inf) becomes +0; everything else (NaN included) passes.
      const xi = new Int32Array(x.buffer, x.byteOffset, n);
      const oi = new Int32Array(o.buffer, o.byteOffset, n);
      for (let i = 0; i < n; i++) { const b = xi[i]; oi[i] = b & ~(b >> 31); }
      return;
    }
    for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 || v !== v ? v : 0; }
  },
  sigmoid: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = 1 / (1 + Math.exp(-x[i])); },
  tanh: (n, x, o) => { for (let i = 0; i < n; i++) o[i] = Math.tanh(x[i]); },
  /** p0 = negative_slope */
  leaky_relu: (n, x, o, s) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? v : v * s; } },
  /** p0 = alpha */
  elu: (n, x, o, a) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? v : a * Math.expm1(v); } },
  selu: (n, x, o) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)); } },
  gelu: (n, x, o) => {
    if (o instanceof Float32Array) for (let i = 0; i < n; i++) { const v = x[i]; o[i] = 0.5 * v * (1 + erf32(v * SQRT1_2)); }
    else for (let i = 0; i < n; i++) { const v = x[i]; o[i] = 0.5 * v * (1 + erf(v * SQRT1_2)); }
  },
  gelu_tanh: (n, x, o) => {
    for (let i = 0; i < n; i++) { const v = x[i]; o[i] = 0.5 * v * (1 + Math.tanh(GELU_K * (v + 0.044715 * v * v * v))); }
  },
  silu: (n, x, o) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v / (1 + Math.exp(-v)); } },
  /** p0 = beta, p1 = threshold: linear above threshold for stability, like PyTorch. */
  softplus: (n, x, o, beta, th) => {
    for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v * beta > th ? v : Math.log1p(Math.exp(v * beta)) / beta; }
  },
  /** p0 = min_val, p1 = max_val */
  hardtanh: (n, x, o, lo, hi) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v < lo ? lo : v > hi ? hi : v; } },
} satisfies Record<string, K>;

export type UnaryKernelName = keyof typeof unaryKernels;
/** The kernels with a gradient (rounding, sign and logical_not have none). */
export type UnaryGradKernelName = keyof typeof unaryGradKernels;

/** Backward kernels, by the name of their forward kernel (a name that is not one does not compile). */
export const unaryGradKernels = {
  neg: (n, g, _s, o) => { for (let i = 0; i < n; i++) o[i] = -g[i]; },
  exp: (n, g, y, o) => { for (let i = 0; i < n; i++) o[i] = g[i] * y[i]; }, // s = y
  log: (n, g, x, o) => { for (let i = 0; i < n; i++) o[i] = g[i] / x[i]; },
  log2: (n, g, x, o) => { for (let i = 0; i < n; i++) o[i] = g[i] / (x[i] * Math.LN2); },
  log1p: (n, g, x, o) => { for (let i = 0; i < n; i++) o[i] = g[i] / (1 + x[i]); },
  expm1: (n, g, y, o) => { for (let i = 0; i < n; i++) o[i] = g[i] * (y[i] + 1); }, // s = y
  sqrt: (n, g, y, o) => { for (let i = 0; i < n; i++) o[i] = g[i] / (2 * y[i]); }, // s = y
  rsqrt: (n, g, y, o) => { for (let i = 0; i < n; i++) { const v = y[i]; o[i] = -0.5 * g[i] * v * v * v; } }, // s = y
  square: (n, g, x, o) => { for (let i = 0; i < n; i++) o[i] = 2 * g[i] * x[i]; },
  reciprocal: (n, g, y, o) => { for (let i = 0; i < n; i++) o[i] = -g[i] * y[i] * y[i]; }, // s = y
  // torch's grad * sign(x): at 0 (and NaN, whose sign is 0) an infinite or NaN incoming gradient gives NaN, not 0.
  abs: (n, g, x, o) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? g[i] : v < 0 ? -g[i] : g[i] * 0; } },
  sin: (n, g, x, o) => { for (let i = 0; i < n; i++) o[i] = g[i] * Math.cos(x[i]); },
  cos: (n, g, x, o) => { for (let i = 0; i < n; i++) o[i] = -g[i] * Math.sin(x[i]); },
  erf: (n, g, x, o) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = g[i] * TWO_OVER_SQRT_PI * Math.exp(-v * v); } },
  pow_scalar: (n, g, x, o, p) => {
    if (p === 2) for (let i = 0; i < n; i++) o[i] = 2 * g[i] * x[i];
    else if (p === 0) for (let i = 0; i < n; i++) o[i] = 0;
    else for (let i = 0; i < n; i++) o[i] = g[i] * p * Math.pow(x[i], p - 1);
  },
  // PyTorch passes the gradient where min <= x <= max (both ends included).
  clamp: (n, g, x, o, lo, hi) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v >= lo && v <= hi ? g[i] : 0; } },
  relu: (n, g, y, o) => { // s = y (>= +0 or NaN)
    if (g instanceof Float32Array && y instanceof Float32Array && o instanceof Float32Array) {
      // Branch-free select on bits: keep g where y's bits are nonzero (y > 0), else +0.
      const gi = new Int32Array(g.buffer, g.byteOffset, n);
      const yi = new Int32Array(y.buffer, y.byteOffset, n);
      const oi = new Int32Array(o.buffer, o.byteOffset, n);
      for (let i = 0; i < n; i++) { const b = yi[i]; oi[i] = gi[i] & -((b | -b) >>> 31); }
      return;
    }
    for (let i = 0; i < n; i++) o[i] = y[i] > 0 ? g[i] : 0;
  },
  sigmoid: (n, g, y, o) => { for (let i = 0; i < n; i++) { const v = y[i]; o[i] = g[i] * v * (1 - v); } }, // s = y
  tanh: (n, g, y, o) => { for (let i = 0; i < n; i++) { const v = y[i]; o[i] = g[i] * (1 - v * v); } }, // s = y
  leaky_relu: (n, g, x, o, s) => { for (let i = 0; i < n; i++) o[i] = x[i] > 0 ? g[i] : g[i] * s; },
  elu: (n, g, x, o, a) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? g[i] : g[i] * a * Math.exp(v); } },
  selu: (n, g, x, o) => {
    for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > 0 ? g[i] * SELU_SCALE : g[i] * SELU_SCALE * SELU_ALPHA * Math.exp(v); }
  },
  gelu: (n, g, x, o) => {
    const fast = o instanceof Float32Array;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const cdf = 0.5 * (1 + (fast ? erf32(v * SQRT1_2) : erf(v * SQRT1_2)));
      const pdf = Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
      o[i] = g[i] * (cdf + v * pdf);
    }
  },
  gelu_tanh: (n, g, x, o) => {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const t = Math.tanh(GELU_K * (v + 0.044715 * v * v * v));
      const dInner = GELU_K * (1 + 3 * 0.044715 * v * v);
      o[i] = g[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
    }
  },
  silu: (n, g, x, o) => {
    for (let i = 0; i < n; i++) { const v = x[i]; const s = 1 / (1 + Math.exp(-v)); o[i] = g[i] * s * (1 + v * (1 - s)); }
  },
  softplus: (n, g, x, o, beta, th) => {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const z = v * beta;
      o[i] = z > th ? g[i] : g[i] / (1 + Math.exp(-z));
    }
  },
  hardtanh: (n, g, x, o, lo, hi) => { for (let i = 0; i < n; i++) { const v = x[i]; o[i] = v > lo && v < hi ? g[i] : 0; } },
} satisfies Partial<Record<UnaryKernelName, G>>;
