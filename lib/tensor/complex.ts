/**
 * Complex numbers and torch.fft. Complex tensors (complex64 / complex128, aliases cfloat / cdouble) are
 * complex_tensor.ts's ComplexTensor: made by torch.complex, torch.polar, torch.view_as_complex and
 * x.to(torch.complex64); read back with torch.view_as_real, .real / .imag (views), abs / angle. What a complex
 * tensor supports is complex_tensor.ts's COMPLEX_SUPPORTED; anything else on one raises one clear error naming it.
 * torch.fft's transforms are ops/fft.ts's (all of torch 1.13's: the 1-D, 2-D and n-D forms of fft / rfft / hfft and inverses).
 * Still refused: factories other than zeros / ones / empty /
 * rand / randn given a complex dtype (torch.full([2], 1, { dtype: torch.complex64 }): complex_dtype.ts's error),
 * torch.complex32 / chalf, and Tensor.imag of a real tensor (torch's own error). What is real-valued works as PyTorch's: torch.fft.fftfreq / rfftfreq / fftshift / ifftshift, and for
 * real tensors Tensor.real (itself), conj / conj_physical / resolve_conj / resolve_neg (itself) and angle (0 or π).
 */
import { parseArgs, type PyArgs } from "./args";
import { get_default_dtype } from "./default_dtype";
import type { ComplexTensor } from "./complex_tensor";
import type { DType } from "./dtype";
import { RuntimeError } from "./errors";
import { complexDtypes } from "./complex_dtype";
import { arange } from "./ops/creation";
import * as transforms from "./ops/fft";
import { map1 } from "./ops/elementwise_extra";
import type { Tensor } from "./tensor";

export const SUPPORTED_DTYPES = "float32, float64, int64, int32, int16, int8, uint8 and bool";

type FreqArgs = PyArgs<[d?: number], { d?: number; dtype?: DType; requires_grad?: boolean }>;

function freqOptions(fn: string, args: readonly unknown[]): { d: number; dtype: DType; requires_grad: boolean } {
  const a = parseArgs<{ d?: number; dtype?: DType; requires_grad?: boolean }>(fn, ["d", "dtype", "requires_grad"], args);
  return { d: a.d ?? 1, dtype: a.dtype ?? get_default_dtype(), requires_grad: a.requires_grad ?? false };
}

/** The sample frequencies of an n-point FFT: [0, 1, ..., ceil(n/2) - 1, -floor(n/2), ..., -1] / (d n). */
function fftfreq(n: number, ...args: FreqArgs): Tensor {
  const { d, dtype, requires_grad } = freqOptions("fft.fftfreq", args);
  const k = arange(n).to(dtype);
  const half = Math.ceil(n / 2);
  const signed = k.sub(k.ge(half).to(dtype).mul(n));
  return signed.div(d * n).requires_grad_(requires_grad);
}

/** The frequencies of rfft's n // 2 + 1 outputs: [0, 1, ..., n // 2] / (d n). */
function rfftfreq(n: number, ...args: FreqArgs): Tensor {
  const { d, dtype, requires_grad } = freqOptions("fft.rfftfreq", args);
  return arange(Math.floor(n / 2) + 1).to(dtype).div(d * n).requires_grad_(requires_grad);
}

export type ShiftArgs = PyArgs<[dim?: number | readonly number[] | null], { dim?: number | readonly number[] | null }>;

/** Rolls each named dim (all by default) by floor(size / 2): zero frequency to the centre; ifftshift undoes it. */
function shift<X extends Tensor | ComplexTensor>(fn: string, x: X, inverse: boolean, args: readonly unknown[]): X {
  const dim = parseArgs<{ dim?: number | readonly number[] | null }>(fn, ["dim"], args).dim;
  const dims = dim == null ? x.shape.map((_, i) => i) : typeof dim === "number" ? [dim] : [...dim];
  const sizes = dims.map((d) => x.shape[d < 0 ? d + x.dim() : d]);
  const shifts = sizes.map((s) => (inverse ? -Math.floor(s / 2) : Math.floor(s / 2)));
  return dims.length === 0 ? x : ((x as Tensor).roll(shifts, dims) as unknown as X);
}

/** fftshift / ifftshift of a real tensor or of a complex spectrum. */
export interface Shift {
  (x: ComplexTensor, ...args: ShiftArgs): ComplexTensor;
  (x: Tensor, ...args: ShiftArgs): Tensor;
}

export const fft = {
  ...transforms,
  fftfreq,
  rfftfreq,
  fftshift: ((x: Tensor | ComplexTensor, ...args: ShiftArgs) => shift("fft.fftshift", x, false, args)) as Shift,
  ifftshift: ((x: Tensor | ComplexTensor, ...args: ShiftArgs) => shift("fft.ifftshift", x, true, args)) as Shift,
};

/** angle of a real tensor: π where negative, 0 elsewhere (NaN stays NaN); zero gradient, as PyTorch's. */
export function angle(x: Tensor): Tensor {
  return map1(x, "AngleBackward0", (v) => (Number.isNaN(v) ? NaN : v < 0 ? Math.PI : 0), (g) => g.mul(0));
}

/** torch's real-tensor complex helpers; torch.complex / polar / view_as_complex / view_as_real are complex_tensor.ts's (torch.ts). */
export const complexFunctions = {
  fft,
  real: (x: Tensor): Tensor => x,
  imag: (x: Tensor): Tensor => x.imag,
  conj: (x: Tensor): Tensor => x,
  conj_physical: (x: Tensor): Tensor => x,
  resolve_conj: (x: Tensor): Tensor => x,
  resolve_neg: (x: Tensor): Tensor => x,
  angle,
};

/**
 * torch.complex64 / complex128 / cfloat / cdouble (complex_dtype.ts; complex32 / chalf are named and refused when used),
 * non-enumerable as before, so listing torch's names does not change.
 */
export function defineComplexDtypes(ns: object): void {
  for (const [name, dt] of Object.entries(complexDtypes)) {
    Object.defineProperty(ns, name, { value: dt, enumerable: false, configurable: true, writable: false });
  }
}

export interface ComplexMethods {
  /** A real tensor is its own real part. */
  readonly real: Tensor;
  /** Raises, as PyTorch does for a real tensor. */
  readonly imag: Tensor;
  conj(): Tensor;
  conj_physical(): Tensor;
  resolve_conj(): Tensor;
  resolve_neg(): Tensor;
  angle(): Tensor;
}

declare module "./tensor" {
  // The class Tensor and this interface merge: installComplexMethods (called by tensor.ts) puts them on the prototype.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends ComplexMethods {}
}

export function installComplexMethods(proto: object): void {
  const values: Record<string, (this: Tensor) => Tensor> = {
    conj() { return this; },
    conj_physical() { return this; },
    resolve_conj() { return this; },
    resolve_neg() { return this; },
    angle() { return angle(this); },
  };
  for (const [name, fn] of Object.entries(values)) {
    if (!Object.prototype.hasOwnProperty.call(proto, name)) Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
  const getters: Record<string, (this: Tensor) => Tensor> = {
    real() { return this; },
    imag() { throw new RuntimeError("imag is not implemented for tensors with non-complex dtypes."); },
  };
  for (const [name, get] of Object.entries(getters)) {
    if (!Object.prototype.hasOwnProperty.call(proto, name)) Object.defineProperty(proto, name, { get, configurable: true, enumerable: false });
  }
}
