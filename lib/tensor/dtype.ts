/**
 * Data types. Storage is always a float typed array: float64 uses Float64Array, every other
 * dtype uses Float32Array (long labels and bool masks are exact integers below 2^24).
 * The dtype decides printing, promotion and validity checks, not the storage layout.
 */
import { noteAllocated, takePooled } from "./buffer_pool";
export type Storage = Float32Array | Float64Array;

export interface DType {
  readonly name: "float32" | "float64" | "int64" | "bool";
  readonly is_floating_point: boolean;
  readonly itemsize: number;
  toString(): string;
}

/**
 * A class rather than a plain object so that a dtype passed positionally
 * (`F.softmax(x, 1, 3, torch.float64)`) is never mistaken for a trailing options object.
 */
class TorchDType implements DType {
  constructor(
    readonly name: DType["name"],
    readonly is_floating_point: boolean,
    readonly itemsize: number,
  ) {
    Object.freeze(this);
  }
  toString(): string {
    return `torch.${this.name}`;
  }
}

/** True for one of the engine's dtypes (torch.float32, ...). */
export function isDType(value: unknown): value is DType {
  return value instanceof TorchDType;
}

function makeDType(name: DType["name"], is_floating_point: boolean, itemsize: number): DType {
  return new TorchDType(name, is_floating_point, itemsize);
}

export const float32 = makeDType("float32", true, 4);
export const float64 = makeDType("float64", true, 8);
export const int64 = makeDType("int64", false, 8);
export const bool = makeDType("bool", false, 1);

export function allocStorage(dtype: DType, n: number, zeroed = true): Storage {
  // Large buffers may come from the pool of gradients the autograd engine proved dead (zero-filled
  // unless the caller overwrites every element and asks for zeroed = false).
  const wide = dtype === float64;
  const buf = takePooled(wide, n, zeroed) ?? (wide ? new Float64Array(n) : new Float32Array(n));
  noteAllocated(buf);
  return buf;
}

/** Tensor-tensor type promotion, following PyTorch's category order bool < long < float. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === float64 || b === float64) return float64;
  if (a === float32 || b === float32) return float32;
  if (a === int64 || b === int64) return int64;
  return bool;
}

/**
 * Tensor-scalar promotion: a Python-style scalar only lifts the category
 * (long * 2.5 -> float32, long * 2 -> long), never the width (float32 * 2.5 stays float32).
 */
export function promoteWithScalar(t: DType, s: number | boolean): DType {
  if (typeof s === "boolean") return t;
  if (t.is_floating_point) return t;
  if (!Number.isInteger(s)) return float32;
  return t === bool ? int64 : t;
}

/** Casts a JS value into the dtype's value domain (truncation for long, 0/1 for bool). */
export function castValue(dtype: DType, v: number): number {
  if (dtype === int64) return Math.trunc(v);
  if (dtype === bool) return v !== 0 ? 1 : 0;
  return v;
}
