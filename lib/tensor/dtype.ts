/**
 * Data types. Storage is always a float typed array: float64 uses Float64Array, every other
 * dtype uses Float32Array (long labels, uint8 pixels and bool masks are exact integers below 2^24),
 * so every kernel serves every dtype. The dtype decides printing, promotion, validity checks and
 * the value domain ops write back (castValue: truncation for long, wrap-around modulo 256 for
 * uint8, 0/1 for bool), not the storage layout.
 */
import { noteAllocated, takePooled } from "./buffer_pool";
import { RuntimeError } from "./errors";
export type Storage = Float32Array | Float64Array;

export interface DType {
  readonly name: "float32" | "float64" | "int64" | "uint8" | "bool";
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
export const uint8 = makeDType("uint8", false, 1);
export const bool = makeDType("bool", false, 1);

export function allocStorage(dtype: DType, n: number, zeroed = true): Storage {
  // Large buffers may come from the pool of gradients the autograd engine proved dead (zero-filled
  // unless the caller overwrites every element and asks for zeroed = false).
  const wide = dtype === float64;
  const buf = takePooled(wide, n, zeroed) ?? (wide ? new Float64Array(n) : new Float32Array(n));
  noteAllocated(buf);
  return buf;
}

/** PyTorch's C++ type names, used in its messages ("not implemented for 'Byte'", "can't be cast to ... Long"). */
export const cppTypeName = (dt: DType): string => ({ float32: "Float", float64: "Double", int64: "Long", uint8: "Byte", bool: "Bool" })[dt.name];

/** Tensor-tensor type promotion, following PyTorch's order bool < uint8 < long < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === float64 || b === float64) return float64;
  if (a === float32 || b === float32) return float32;
  if (a === int64 || b === int64) return int64;
  if (a === uint8 || b === uint8) return uint8;
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

/** Casts a JS value into the dtype's value domain (truncation for long, wrap-around for uint8, 0/1 for bool). */
export function castValue(dtype: DType, v: number): number {
  if (dtype === int64) return Math.trunc(v) + 0; // + 0: integers have no -0 (torch.tensor([-0.5]).long().tolist() is [0])
  if (dtype === uint8) return toUint8(v);
  if (dtype === bool) return v !== 0 ? 1 : 0;
  return v;
}

/**
 * A number as torch 1.13 stores it in a uint8 tensor on x86-64: truncated toward zero, then its low
 * 8 bits (300 -> 44, -1 -> 255, 255.7 -> 255, -1.5 -> 255). NaN, the infinities and values beyond
 * the int32 range give 0, as the CPU's float -> int32 conversion does there (scripts/fixtures/uint8_fixtures.py).
 */
export function toUint8(v: number): number {
  const t = Math.trunc(v);
  if (!(Math.abs(t) < 2 ** 31)) return 0;
  return t & 255;
}

/**
 * torch's overflow check where a Python scalar becomes one uint8 value (torch.tensor, full, fill_,
 * masked_fill): integers from -255 to 255 wrap (-1 -> 255), other numbers must lie in [0, 255] before truncation.
 */
export function checkUint8Scalar(v: number, cppName = "uint8"): void {
  const ok = Number.isInteger(v) ? v >= -255 && v <= 255 : Number.isNaN(v) || (v >= 0 && v <= 255);
  if (!ok) throw new RuntimeError(`value cannot be converted to type ${cppName} without overflow`);
}

/** Rewrites a uint8 tensor's storage in place into 0..255 after a kernel computed the exact results. */
export function wrapUint8(d: Storage): void {
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v < 0 || v > 255 || v !== Math.trunc(v)) d[i] = toUint8(v);
  }
}
