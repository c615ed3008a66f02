/**
 * torch.complex64 / complex128 (aliases cfloat / cdouble) and the hooks through which the real engine hands a
 * complex operand to complex_tensor.ts. Kept apart from complex_tensor.ts so that tensor.ts, ops/arithmetic.ts and
 * non_tensor_input.ts can test for a complex operand without importing the complex class (which imports them).
 *
 * A ComplexDType passes isDType() (an options parser takes it as a dtype) but is not a real storage dtype: a factory
 * given one (torch.full([2], 1, { dtype: torch.complex64 })) raises one clear error saying how complex tensors are made
 * here; Tensor.to(torch.complex64), torch.zeros / ones / empty / rand / randn (index.ts) and the complex tensor's own
 * methods take it.
 */
import { float32, float64, type DType } from "./dtype";
import { UnsupportedDType } from "./dtype_unsupported";
import { RuntimeError } from "./errors";

/** What makes a complex tensor in this engine (for messages). */
export const COMPLEX_MAKERS =
  "torch.complex(real, imag), torch.polar(abs, angle), torch.view_as_complex(x), x.to(torch.complex64 / complex128) and " +
  "torch.zeros / ones / empty / rand / randn with a complex dtype";

/** What works on a complex tensor (named in every refusal). */
export const COMPLEX_SUPPORTED =
  "shape, size(), dim() / ndim, numel(), dtype, is_complex(), real / imag (views), abs, angle, conj, exp, log / log2 / log10, sqrt, " +
  "reciprocal, pow / float_power (a number or real tensor base too), neg, add / sub / mul / div " +
  "(with complex or real tensors and numbers, broadcasting), matmul, sum, mean, view / reshape / flatten / unsqueeze / squeeze / " +
  "transpose / permute / t / select / chunk / unbind / indexing leading dims, expand, roll / flip, masked_fill, index_put_ / fill_ / " +
  "zero_, square, clone, detach, contiguous, requires_grad_ / grad / backward, to(dtype), type_as, torch.view_as_real, " +
  "torch.cat / stack, torch.einsum (every operand complex), nn.Parameter (registered as its real [..., 2] pair), torch.fft, printing";

export class ComplexDType extends UnsupportedDType {
  override refuse(): never {
    throw new RuntimeError(
      `torch.${this.torchName}: this engine makes complex tensors only with ${COMPLEX_MAKERS}; ` +
        "other factories (torch.full / arange / tensor ...) with a complex dtype are not supported.",
    );
  }
  /** torch.complex64.is_complex: True. */
  override get is_complex(): boolean {
    return true;
  }
  /** torch.complex64.is_floating_point: False. */
  override get is_floating_point(): never {
    return false as never;
  }
  override get itemsize(): never {
    return (this.torchName === "complex64" ? 8 : 16) as never;
  }
  /** The real dtype of each part (float32 for complex64, float64 for complex128). */
  get realDtype(): DType {
    return this.torchName === "complex64" ? float32 : float64;
  }
}

export const complex64 = new ComplexDType("complex64", "");
export const complex128 = new ComplexDType("complex128", "");
const complex32 = new UnsupportedDType("complex32", "Use torch.complex64 (torch.cfloat) or torch.complex128 (torch.cdouble).");

/** torch's complex dtype names (aliases are the same objects). */
export const complexDtypes = { complex64, complex128, cfloat: complex64, cdouble: complex128, complex32, chalf: complex32 };

/** The complex dtype whose parts are `dt` (float64 -> complex128, else complex64). */
export const complexOf = (dt: DType): ComplexDType => (dt === float64 ? complex128 : complex64);

/** Set on ComplexTensor.prototype (complex_tensor.ts). */
export const COMPLEX_BRAND: unique symbol = Symbol.for("gradbook.complex");

export function isComplexTensor(v: unknown): boolean {
  return typeof v === "object" && v !== null && COMPLEX_BRAND in v;
}

/** Filled in by complex_tensor.ts when it loads. */
export const complexHooks: {
  /** a op b where a or b is complex (add / sub / mul / div / matmul). */
  binary: (op: string, a: unknown, b: unknown, opts?: unknown) => unknown;
  /** x.to(complex dtype) for a real tensor x. */
  toComplex: (x: unknown, dt: ComplexDType) => unknown;
  /** torch.<name>(args) whose first argument is complex (or a list holding one): { value } or a clear error. */
  torchCall: (name: string, args: readonly unknown[]) => { value: unknown };
  /** torch.einsum(equation, operands) where an operand is complex. */
  einsum: (equation: string, operands: readonly unknown[]) => unknown;
} = {
  binary: () => {
    throw new RuntimeError("complex tensors are not loaded");
  },
  toComplex: () => {
    throw new RuntimeError("complex tensors are not loaded");
  },
  torchCall: () => {
    throw new RuntimeError("complex tensors are not loaded");
  },
  einsum: () => {
    throw new RuntimeError("complex tensors are not loaded");
  },
};
