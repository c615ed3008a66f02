/**
 * torch.fft's transforms (PyTorch 1.13): fft / ifft / rfft / irfft / hfft / ihfft and their 2-D and n-D forms, on
 * the engine's complex tensors (complex_tensor.ts: a real [..., 2] pair).
 *
 * One recorded primitive does the work: an unscaled DFT along the pair's second-to-last dim, computed in float64 by
 * an iterative radix-2 FFT (power-of-two lengths) or Bluestein's chirp-z algorithm over a power-of-two FFT (other
 * lengths), stored in the pair's dtype. Its gradient (torch's convention for complex tensors, dL/dRe + i dL/dIm) is
 * the same primitive in the other direction, because the DFT matrix is symmetric and its conjugate is the inverse
 * sign's. Everything else is composed from real ops on the pair, so autograd follows: the n= zero-padding or
 * trimming, the norm scaling ("backward": 1/n on the inverse, "forward": 1/n on the forward, "ortho": 1/sqrt(n) both
 * ways), r2c (a real signal with a zero imaginary part, the first n // 2 + 1 bins kept) and c2r (the Hermitian
 * extension X[n - k] = conj(X[k]), then the real part, which ignores the imaginary part of the DC and Nyquist bins as
 * torch's c2r does). Results carry torch's node names (FftR2CBackward0, FftC2CBackward0, FftC2RBackward0).
 */
import { parseArgs } from "../args";
import { record } from "../autograd/function";
import { complexOf, isComplexTensor } from "../complex_dtype";
import { ComplexTensor } from "../complex_tensor";
import { get_default_dtype } from "../default_dtype";
import { float32, float64 } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { pad } from "../nn/functional/padding";
import { normalizeDim } from "../shape";
import { Tensor } from "../tensor";
import { zeros_like } from "./creation";
import { cat, stack } from "./join";
import { contiguousData, empty } from "./util";
import { makeView } from "./views";

// ---- the numeric kernel ------------------------------------------------------------------------------------------

const twiddleCache = new Map<number, [Float64Array, Float64Array]>();

/**
 * cos / sin of 2 pi k / m for k < m / 2 (m a power of two), from the first octant by symmetry (as pocketfft does), so
 * the quarter turn is exactly (0, 1) and a spectrum of integers shows no 1e-16 residues.
 */
function twiddles(m: number): [Float64Array, Float64Array] {
  let t = twiddleCache.get(m);
  if (!t) {
    const c = new Float64Array(m >> 1);
    const s = new Float64Array(m >> 1);
    const angle = (k: number) => (2 * Math.PI * k) / m;
    for (let k = 0; k < m >> 1; k++) {
      if (8 * k <= m) {
        c[k] = Math.cos(angle(k));
        s[k] = Math.sin(angle(k));
      } else if (4 * k <= m) {
        c[k] = Math.sin(angle(m / 4 - k));
        s[k] = Math.cos(angle(m / 4 - k));
      } else if (8 * k <= 3 * m) {
        c[k] = -Math.sin(angle(k - m / 4));
        s[k] = Math.cos(angle(k - m / 4));
      } else {
        c[k] = -Math.cos(angle(m / 2 - k));
        s[k] = Math.sin(angle(m / 2 - k));
      }
    }
    t = [c, s];
    if (twiddleCache.size > 64) twiddleCache.clear();
    twiddleCache.set(m, t);
  }
  return t;
}

/** In-place radix-2 FFT of re + i im (length a power of two): X_k = sum_j x_j e^(sign 2 pi i j k / m). */
function radix2(re: Float64Array, im: Float64Array, sign: number): void {
  const m = re.length;
  for (let i = 1, j = 0; i < m; i++) {
    let bit = m >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  const [c, s] = twiddles(m);
  for (let len = 2; len <= m; len <<= 1) {
    const half = len >> 1;
    const step = m / len;
    for (let i = 0; i < m; i += len) {
      for (let k = 0; k < half; k++) {
        const wr = c[k * step], wi = sign * s[k * step];
        const a = i + k, b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
}

/** The DFT of any length n by Bluestein's identity jk = (j^2 + k^2 - (k - j)^2) / 2, a convolution done by radix2. */
function bluestein(re: Float64Array, im: Float64Array, sign: number): void {
  const n = re.length;
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const cr = new Float64Array(n), ci = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = (sign * Math.PI * ((j * j) % (2 * n))) / n; // j^2 mod 2n keeps the angle small
    cr[j] = Math.cos(a);
    ci[j] = Math.sin(a);
  }
  const ar = new Float64Array(m), ai = new Float64Array(m), br = new Float64Array(m), bi = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    ar[j] = re[j] * cr[j] - im[j] * ci[j];
    ai[j] = re[j] * ci[j] + im[j] * cr[j];
  }
  br[0] = cr[0]; bi[0] = -ci[0];
  for (let j = 1; j < n; j++) {
    br[j] = br[m - j] = cr[j];
    bi[j] = bi[m - j] = -ci[j];
  }
  radix2(ar, ai, -1);
  radix2(br, bi, -1);
  for (let k = 0; k < m; k++) {
    const r = ar[k] * br[k] - ai[k] * bi[k];
    ai[k] = ar[k] * bi[k] + ai[k] * br[k];
    ar[k] = r;
  }
  radix2(ar, ai, 1);
  for (let k = 0; k < n; k++) {
    const r = ar[k] / m, i = ai[k] / m;
    re[k] = r * cr[k] - i * ci[k];
    im[k] = r * ci[k] + i * cr[k];
  }
}

/**
 * The unscaled DFT (sign -1) or inverse DFT (sign +1) of every row of a contiguous [..., n, 2] pair; differentiable.
 * `realRows` (the rows' imaginary parts are zero) makes the result exactly Hermitian, as torch's r2c transforms give
 * it (X[0] and X[n / 2] real, X[n - k] = conj(X[k])), so Bluestein's rounding shows no 1e-16 imaginary parts.
 */
function dftRows(pair: Tensor, sign: number, realRows = false): Tensor {
  const shape = pair.shape;
  const n = shape[shape.length - 2];
  const src = contiguousData(pair);
  const out = empty(shape, pair.dtype);
  const o = out._data;
  const re = new Float64Array(n), im = new Float64Array(n);
  const pow2 = (n & (n - 1)) === 0;
  for (let base = 0; base < o.length; base += 2 * n) {
    for (let j = 0; j < n; j++) {
      re[j] = src[base + 2 * j];
      im[j] = src[base + 2 * j + 1];
    }
    if (n > 1) (pow2 ? radix2 : bluestein)(re, im, sign);
    if (realRows) {
      im[0] = 0;
      if (n % 2 === 0) im[n / 2] = 0;
      for (let k = 1; 2 * k < n; k++) {
        re[n - k] = re[k];
        im[n - k] = -im[k];
      }
    }
    for (let j = 0; j < n; j++) {
      o[base + 2 * j] = re[j];
      o[base + 2 * j + 1] = im[j];
    }
  }
  return record(out, "FftC2CBackward0", [pair], (g) => [dftRows(g.contiguous(), -sign)], [], true);
}

// ---- arguments ---------------------------------------------------------------------------------------------------

type Norm = "backward" | "forward" | "ortho" | null | undefined;

function checkNorm(norm: unknown): Norm {
  if (norm === null || norm === undefined || norm === "backward" || norm === "forward" || norm === "ortho") return norm;
  throw new RuntimeError(`Invalid normalization mode: "${String(norm)}"`);
}

/** The factor a transform of n points applies: forward (sign -1) or inverse (sign +1) under norm. */
function scaleOf(norm: Norm, n: number, forward: boolean): number {
  const mode = norm ?? "backward";
  if (mode === "ortho") return 1 / Math.sqrt(n);
  return (mode === "forward") === forward ? 1 / n : 1;
}

/** A complex operand's pair ([..., 2], a float dtype); a real tensor becomes (x, 0) in its float dtype. */
function pairOf(x: Tensor | ComplexTensor): Tensor {
  if (isComplexTensor(x)) return (x as ComplexTensor)._pair;
  const t = realInput(x as Tensor);
  return stack([t, zeros_like(t)], -1);
}

/** A real input in the float dtype torch computes in (integers and bool: the default dtype). */
function realInput(x: Tensor): Tensor {
  return x.dtype === float32 || x.dtype === float64 ? x : x.to(x.dtype.is_floating_point ? x.dtype : get_default_dtype());
}

function checkInput(fn: string, x: unknown): void {
  if (!(x instanceof Tensor) && !isComplexTensor(x)) {
    throw new TypeError_(`${fn}(): argument 'input' (position 1) must be Tensor, not ${x === null ? "NoneType" : typeof x}`);
  }
}

const complexName = (x: ComplexTensor): string => (x.dtype === complexOf(float64) ? "ComplexDouble" : "ComplexFloat");

/** The pair's dim holding the complex axis `dim` of a tensor of `ndim` dims. */
const pairDim = (dim: number, ndim: number): number => normalizeDim(dim, ndim);

/** pair with its complex axis d resized to n (trimmed, or zero-padded at the end) and moved second to last. */
function prepared(pair: Tensor, d: number, n: number): Tensor {
  let p = pair.movedim(d, -2);
  const len = p.shape[p.dim() - 2];
  if (n < len) p = p.narrow(-2, 0, n);
  else if (n > len) p = pad(p, [0, 0, 0, n - len]);
  return p.contiguous();
}

function checkPoints(n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new RuntimeError(`Invalid number of data points (${n}) specified`);
}

/** The c2c transform of pair along complex axis d (pair dims: ndim + 1), n points, unscaled then multiplied by scale. */
function c2c(pair: Tensor, d: number, n: number, sign: number, scale: number, realRows = false): Tensor {
  checkPoints(n);
  let y = dftRows(prepared(pair, d, n), sign, realRows);
  if (scale !== 1) y = y.mul(scale);
  return y.movedim(-2, d);
}

/** An identity view recorded as torch's node name, wrapped as a complex tensor. */
function named(pair: Tensor, name: string): Tensor {
  return pair.requires_grad ? makeView(pair, pair.shape, pair._strides, pair._offset, name, (g) => [g]) : pair;
}
const asComplex = (pair: Tensor, name: string): ComplexTensor => new ComplexTensor(named(pair.contiguous(), name));
const asReal = (t: Tensor, name: string): Tensor => (t.requires_grad ? record(t.view(t.shape), name, [t], (g) => [g], [], true) : t);

/** c2r along complex axis d of pair: n real outputs from the first n // 2 + 1 bins, scaled. */
function c2r(pair: Tensor, d: number, n: number, scale: number): Tensor {
  checkPoints(n);
  const half = Math.floor(n / 2) + 1;
  const p = prepared(pair, d, half); // [..., half, 2]
  // the Hermitian extension: bins half..n-1 are conj(X[n - k]) for k = half..n-1, i.e. X[n - half .. 1] reversed
  const rest = n - half;
  let full = p;
  if (rest > 0) {
    const mirrored = p.narrow(-2, 1, rest).flip([-2]);
    const conj = stack([mirrored.select(-1, 0), mirrored.select(-1, 1).neg()], -1);
    full = cat([p, conj], -2);
  }
  let y = dftRows(full.contiguous(), 1).select(-1, 0);
  if (scale !== 1) y = y.mul(scale);
  return y.movedim(-1, d);
}

function conjPair(pair: Tensor): Tensor {
  return stack([pair.select(-1, 0), pair.select(-1, 1).neg()], -1);
}

// ---- the public functions ----------------------------------------------------------------------------------------

export interface Fft1Options {
  n?: number | null;
  dim?: number;
  norm?: Norm;
}

/** fn(input, n=None, dim=-1, norm=None): positional or a trailing options object (torch's C++ name, fft_<fn>, in errors). */
const opts1 = (fn: string, args: readonly unknown[]): Fft1Options => parseArgs<Fft1Options>(`fft_${fn}`, ["n", "dim", "norm"], args);

type Fft1Args = [n?: number | null, dim?: number, norm?: Norm] | [n: number | null, dim: number, options: Fft1Options] | [n: number | null, options: Fft1Options] | [options: Fft1Options];

function axis(x: Tensor | ComplexTensor, dim: number | undefined): number {
  if (x.dim() === 0) throw new RuntimeError("Invalid number of data points (0) specified");
  return pairDim(dim ?? -1, x.dim());
}

function c2cFn(fn: "fft" | "ifft", x: Tensor | ComplexTensor, args: readonly unknown[]): ComplexTensor {
  checkInput(`fft_${fn}`, x);
  const o = opts1(fn, args);
  const norm = checkNorm(o.norm);
  const d = axis(x, o.dim);
  const n = o.n ?? x.shape[d];
  const forward = fn === "fft";
  const y = c2c(pairOf(x), d, n, forward ? -1 : 1, scaleOf(norm, n, forward), !isComplexTensor(x));
  return asComplex(y, isComplexTensor(x) ? "FftC2CBackward0" : forward ? "FftR2CBackward0" : "ConjBackward0");
}

/** torch.fft.fft(input, n=None, dim=-1, norm=None). */
export function fft(x: Tensor | ComplexTensor, ...args: Fft1Args): ComplexTensor {
  return c2cFn("fft", x, args);
}
/** torch.fft.ifft(input, n=None, dim=-1, norm=None). */
export function ifft(x: Tensor | ComplexTensor, ...args: Fft1Args): ComplexTensor {
  return c2cFn("ifft", x, args);
}

function r2cFn(fn: "rfft" | "ihfft", x: Tensor | ComplexTensor, args: readonly unknown[]): ComplexTensor {
  checkInput(`fft_${fn}`, x);
  if (isComplexTensor(x)) throw new RuntimeError(`${fn} expects a real input tensor, but got ${complexName(x as ComplexTensor)}`);
  const o = opts1(fn, args);
  const norm = checkNorm(o.norm);
  const d = axis(x, o.dim);
  const n = o.n ?? x.shape[d];
  const forward = fn === "rfft";
  checkPoints(n);
  let y = c2c(pairOf(x), d, n, -1, scaleOf(norm, n, forward), true).narrow(d, 0, Math.floor(n / 2) + 1);
  if (!forward) y = conjPair(y);
  return asComplex(y, forward ? "FftR2CBackward0" : "ConjBackward0");
}

/** torch.fft.rfft(input, n=None, dim=-1, norm=None): the n // 2 + 1 non-negative frequencies of a real signal. */
export function rfft(x: Tensor, ...args: Fft1Args): ComplexTensor {
  return r2cFn("rfft", x, args);
}
/** torch.fft.ihfft(input, n=None, dim=-1, norm=None): conj(rfft(x)) / n. */
export function ihfft(x: Tensor, ...args: Fft1Args): ComplexTensor {
  return r2cFn("ihfft", x, args);
}

function c2rFn(fn: "irfft" | "hfft", x: Tensor | ComplexTensor, args: readonly unknown[]): Tensor {
  checkInput(`fft_${fn}`, x);
  const o = opts1(fn, args);
  const norm = checkNorm(o.norm);
  const d = axis(x, o.dim);
  const n = o.n ?? 2 * (x.shape[d] - 1);
  const forward = fn === "hfft";
  let pair = pairOf(x);
  if (forward) pair = conjPair(pair);
  checkPoints(n);
  return asReal(c2r(pair, d, n, scaleOf(norm, n, forward)), "FftC2RBackward0");
}

/** torch.fft.irfft(input, n=None, dim=-1, norm=None): the real signal of length n (default 2 (m - 1)) of a one-sided spectrum. */
export function irfft(x: Tensor | ComplexTensor, ...args: Fft1Args): Tensor {
  return c2rFn("irfft", x, args);
}
/** torch.fft.hfft(input, n=None, dim=-1, norm=None): the real spectrum of a Hermitian-symmetric signal given by its first half. */
export function hfft(x: Tensor | ComplexTensor, ...args: Fft1Args): Tensor {
  return c2rFn("hfft", x, args);
}

// ---- n-dimensional forms -----------------------------------------------------------------------------------------

export interface FftNOptions {
  s?: readonly number[] | null;
  dim?: number | readonly number[] | null;
  norm?: Norm;
}

function optsN(fn: string, args: readonly unknown[], defaultDim: readonly number[] | null): FftNOptions {
  const o = parseArgs<FftNOptions>(`fft_${fn}`, ["s", "dim", "norm"], args);
  return { ...o, dim: o.dim ?? defaultDim };
}

/** The (dims, sizes) a multi-dim transform runs over: torch's rules for s and dim. */
function dimsAndSizes(fn: string, x: Tensor | ComplexTensor, o: FftNOptions, lastHalf: boolean): [number[], (number | null)[]] {
  const nd = x.dim();
  let dims: number[];
  const s = o.s ?? null;
  if (o.dim === null || o.dim === undefined) {
    dims = s === null ? x.shape.map((_, i) => i) : s.map((_, i) => nd - s.length + i);
  } else {
    dims = (typeof o.dim === "number" ? [o.dim] : [...o.dim]).map((k) => pairDim(k, nd));
    if (new Set(dims).size !== dims.length) throw new RuntimeError("FFT dims must be unique");
  }
  if (s !== null && s.length !== dims.length) throw new RuntimeError("When given, dim and shape arguments must have the same length");
  if (dims.length === 0 && lastHalf) throw new RuntimeError(`${fn} must transform at least one axis`);
  void fn;
  return [dims, dims.map((d, i) => (s === null || s[i] === -1 ? null : s[i]))];
}

type FftNArgs = [s?: readonly number[] | null, dim?: number | readonly number[] | null, norm?: Norm] | [s: readonly number[] | null, options: FftNOptions] | [options: FftNOptions];

function c2cN(fn: string, x: Tensor | ComplexTensor, args: readonly unknown[], forward: boolean, defaultDim: readonly number[] | null): ComplexTensor {
  checkInput(`fft_${fn}`, x);
  const o = optsN(fn, args, defaultDim);
  const norm = checkNorm(o.norm);
  const [dims, sizes] = dimsAndSizes(fn, x, o, false);
  let pair = pairOf(x);
  dims.forEach((d, i) => {
    const n = sizes[i] ?? x.shape[d];
    pair = c2c(pair, d, n, forward ? -1 : 1, scaleOf(norm, n, forward), i === 0 && !isComplexTensor(x));
  });
  return asComplex(pair, "FftC2CBackward0");
}

/**
 * rfftn (forward) and ihfftn (inverse, as torch 1.13 computes it): the one-sided r2c transform of the last dim, then c2c
 * transforms over the other dims, each scaled for its direction under norm; ihfftn conjugates after the last dim's
 * transform (a forward DFT scaled as an inverse one) and runs the others inverse.
 */
function r2cN(fn: string, x: Tensor | ComplexTensor, args: readonly unknown[], defaultDim: readonly number[] | null, forward = true): ComplexTensor {
  checkInput(`fft_${fn}`, x);
  if (isComplexTensor(x)) {
    throw new RuntimeError(forward
      ? `rfftn expects a real-valued input tensor, but got ${complexName(x as ComplexTensor)}`
      : "Expected self.is_floating_point() to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)");
  }
  const o = optsN(fn, args, defaultDim);
  const norm = checkNorm(o.norm);
  const [dims, sizes] = dimsAndSizes(fn, x, o, true);
  const last = dims[dims.length - 1];
  const nLast = sizes[sizes.length - 1] ?? x.shape[last];
  checkPoints(nLast);
  let pair = c2c(pairOf(x), last, nLast, -1, scaleOf(norm, nLast, forward), true).narrow(last, 0, Math.floor(nLast / 2) + 1);
  if (!forward) pair = conjPair(pair);
  dims.slice(0, -1).forEach((d, i) => {
    const n = sizes[i] ?? x.shape[d];
    pair = c2c(pair, d, n, forward ? -1 : 1, scaleOf(norm, n, forward));
  });
  return asComplex(pair, forward ? "FftR2CBackward0" : dims.length === 1 ? "ConjBackward0" : "FftC2CBackward0");
}

/**
 * irfftn (inverse) and hfftn (forward, as torch 1.13 computes it): c2c transforms over all but the last dim, then the
 * c2r transform of the last (its size n, default 2 (m - 1)), each scaled for its direction under norm; hfftn
 * conjugates before the last dim's transform.
 */
function c2rN(fn: string, x: Tensor | ComplexTensor, args: readonly unknown[], defaultDim: readonly number[] | null, forward = false): Tensor {
  checkInput(`fft_${fn}`, x);
  const o = optsN(fn, args, defaultDim);
  const norm = checkNorm(o.norm);
  const [dims, sizes] = dimsAndSizes(fn, x, o, true);
  let pair = pairOf(x);
  dims.slice(0, -1).forEach((d, i) => {
    const n = sizes[i] ?? x.shape[d];
    pair = c2c(pair, d, n, forward ? -1 : 1, scaleOf(norm, n, forward), forward && i === 0 && !isComplexTensor(x));
  });
  const last = dims[dims.length - 1];
  const nLast = sizes[sizes.length - 1] ?? 2 * (x.shape[last] - 1);
  checkPoints(nLast);
  return asReal(c2r(forward ? conjPair(pair) : pair, last, nLast, scaleOf(norm, nLast, forward)), "FftC2RBackward0");
}

/** torch.fft.fft2 / ifft2 / fftn / ifftn / rfft2 / irfft2 / rfftn / irfftn / hfft2 / hfftn / ihfft2 / ihfftn (input, s=None, dim=..., norm=None). */
export const fft2 = (x: Tensor | ComplexTensor, ...args: FftNArgs): ComplexTensor => c2cN("fft2", x, args, true, [-2, -1]);
export const ifft2 = (x: Tensor | ComplexTensor, ...args: FftNArgs): ComplexTensor => c2cN("ifft2", x, args, false, [-2, -1]);
export const fftn = (x: Tensor | ComplexTensor, ...args: FftNArgs): ComplexTensor => c2cN("fftn", x, args, true, null);
export const ifftn = (x: Tensor | ComplexTensor, ...args: FftNArgs): ComplexTensor => c2cN("ifftn", x, args, false, null);
export const rfft2 = (x: Tensor, ...args: FftNArgs): ComplexTensor => r2cN("rfft2", x, args, [-2, -1]);
export const rfftn = (x: Tensor, ...args: FftNArgs): ComplexTensor => r2cN("rfftn", x, args, null);
export const irfft2 = (x: Tensor | ComplexTensor, ...args: FftNArgs): Tensor => c2rN("irfft2", x, args, [-2, -1]);
export const irfftn = (x: Tensor | ComplexTensor, ...args: FftNArgs): Tensor => c2rN("irfftn", x, args, null);
export const hfft2 = (x: Tensor | ComplexTensor, ...args: FftNArgs): Tensor => c2rN("hfft2", x, args, [-2, -1], true);
export const hfftn = (x: Tensor | ComplexTensor, ...args: FftNArgs): Tensor => c2rN("hfftn", x, args, null, true);
export const ihfft2 = (x: Tensor, ...args: FftNArgs): ComplexTensor => r2cN("ihfft2", x, args, [-2, -1], false);
export const ihfftn = (x: Tensor, ...args: FftNArgs): ComplexTensor => r2cN("ihfftn", x, args, null, false);
