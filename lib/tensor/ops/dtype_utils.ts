/**
 * dtype questions and conversions PyTorch code asks of tensors: result_type, promote_types,
 * can_cast, is_nonzero, element_size, type_as, and honest errors for what this engine lacks
 * (16-bit floats, CUDA, raw pointers).
 */
import { isComplexTensor } from "../complex_dtype";
import { bool, promoteTypes, uint8, type DType } from "../dtype";
import { AssertionError, RuntimeError, TypeError_ } from "../errors";
import { Tensor, type TensorLike } from "../tensor";
import { contiguousData, resultType } from "./util";
import { warnOnce } from "../warnings";

/** torch.result_type(a, b): the dtype an arithmetic op on a and b gives (PyTorch's promotion). */
export function result_type(a: TensorLike, b: TensorLike): DType {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new TypeError_("result_type() received an invalid combination of arguments: at least one argument must be a Tensor");
  }
  return resultType(a, b);
}

export function promote_types(a: DType, b: DType): DType {
  return promoteTypes(a, b);
}

const category = (d: DType): number => (d === bool ? 0 : d.is_floating_point ? 2 : 1);

/** torch.can_cast(from, to): PyTorch's casting rule (no cast to a lower kind: float -> int, int -> bool). */
export function can_cast(from: DType, to: DType): boolean {
  return category(from) <= category(to);
}

/** The truth value of a one-element tensor (PyTorch's bool(tensor)). */
export function is_nonzero(x: Tensor): boolean {
  const n = x.numel();
  if (n === 0) throw new RuntimeError("Boolean value of Tensor with no values is ambiguous");
  if (n > 1) throw new RuntimeError("Boolean value of Tensor with more than one value is ambiguous");
  return Number(x.item()) !== 0; // a bool tensor's item() is a boolean
}

/** Bytes per element of the dtype PyTorch reports (float32 4, float64 8, int64 8, int32 4, int16 2, int8 1, uint8 1, bool 1). */
export function element_size(x: Tensor): number {
  return x.dtype.itemsize;
}

export function type_as(x: Tensor, other: Tensor): Tensor {
  // x.type_as(z) with a complex z: x + 0j (Tensor.to with the complex dtype, ../complex_tensor.ts)
  if (isComplexTensor(other)) return x.to((other as unknown as { dtype: DType }).dtype);
  if (!(other instanceof Tensor)) throw new TypeError_(`type_as(): argument 'other' must be a Tensor, not ${typeof other}`);
  return x.to(other.dtype);
}

/** .half() / .bfloat16(): the same answer Module.half() gives (nn/placement.ts). */
export function unsupportedFloat(name: "half" | "bfloat16"): never {
  const dt = name === "half" ? "torch.float16" : "torch.bfloat16";
  throw new RuntimeError(
    `${name}(): ${dt} is not supported by Gradbook's tensor engine, which stores float32 and float64 only. ` +
      "Use .float() (float32, the default) or .double() (float64).",
  );
}

export function noCuda(): never {
  throw new AssertionError(
    "Torch not compiled with CUDA enabled. cuda(): Gradbook's tensor engine runs on the CPU (in your browser), so there is no GPU: torch.cuda.is_available() is False. " +
      "Leave tensors on the CPU; .cpu() and .to('cpu') do nothing.",
  );
}

export function noDataPtr(): never {
  throw new RuntimeError(
    "data_ptr(): tensors here live in JavaScript typed arrays, which have no memory address, so the engine does not expose one. " +
      "Use x._base (the tensor a view shares storage with) to tell whether two tensors share storage.",
  );
}

/** torch 1.13's deprecation warnings for a uint8 tensor used as a mask (the op then treats it as x != 0). */
const UINT8_MASK_WARNINGS = {
  index: "indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.",
  masked_fill: "masked_fill_ received a mask with dtype torch.uint8, this behavior is now deprecated,please use a mask with dtype torch.bool instead.",
  masked_scatter: "masked_scatter_ received a mask with dtype torch.uint8, this behavior is now deprecated,please use a mask with dtype torch.bool instead.",
  masked_select: "masked_select received a mask with dtype torch.uint8, this behavior is now deprecated,please use a mask with dtype torch.bool instead.",
  where: "where received a uint8 condition tensor. This behavior is deprecated and will be removed in a future version of PyTorch. Use a boolean condition instead.",
} as const;

/**
 * A uint8 mask as the bool mask torch 1.13 reads it (nonzero = true), after its UserWarning; any
 * other tensor unchanged. Masks, indexing and where call it before their bool checks.
 */
export function uint8MaskAsBool<T>(mask: T, op: keyof typeof UINT8_MASK_WARNINGS): T {
  if (!(mask instanceof Tensor) || mask.dtype !== uint8) return mask;
  warnOnce(`UserWarning: ${UINT8_MASK_WARNINGS[op]}`);
  return mask.ne(0) as T;
}

/**
 * torch 1.13's uint8 mask kernels (masked_fill, masked_select, masked_scatter, and `x[mask] = scalar`, which index_put_
 * sends to masked_fill) read each byte as the flag and refuse any value but 0 and 1: a uint8 mask negated with ~
 * (254 where it was 1, deepsets-digitsum's `Z[~mask] = float('-Inf')`) raises, where indexing reads it as nonzero.
 */
export function checkUint8MaskValues(mask: unknown): void {
  if (!(mask instanceof Tensor) || mask.dtype !== uint8) return;
  if (contiguousData(mask).some((v) => v > 1)) throw new RuntimeError("Mask tensor can take 0 and 1 values only");
}
