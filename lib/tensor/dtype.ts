/**
 * Data types. Storage is always a float typed array: float64, int64 and int32 use Float64Array
 * (int64 values are exact to 2^53 in magnitude: torch.arange(16777215, 16777220), a count over 47M
 * pixels, randint's draws below 2^53; int32 values are exact over their whole range, so torch's
 * wrap-around at 2^31 is reproduced bit for bit), every other dtype uses Float32Array (int16/int8
 * values, uint8 pixels and bool masks, all exact there), so every kernel serves every dtype. An
 * int64 or int32 tensor made by wrapping a Float32Array (from_array) keeps that storage (exact
 * only to 2^24). The dtype decides printing, promotion, validity checks and the value domain ops
 * write back (castValue: truncation for long, truncation and wrap-around modulo 2^32 / 2^16 / 2^8
 * for int32 / int16 / int8 / uint8, 0/1 for bool), not the storage layout. int64 beyond 2^53 is not
 * exact (torch: 2^63).
 */
import { noteAllocated, takePooled } from "./buffer_pool";
import { RuntimeError } from "./errors";
export type Storage = Float32Array | Float64Array;

export interface DType {
  readonly name: "float32" | "float64" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";
  readonly is_floating_point: boolean;
  readonly itemsize: number;
  /** torch.dtype.is_signed: true but for uint8 and bool (torch.int8.is_signed, torch.float32.is_signed). */
  readonly is_signed: boolean;
  /** torch.dtype.is_complex: always false (the engine has no complex dtype). */
  readonly is_complex: boolean;
  toString(): string;
}

/**
 * A class rather than a plain object so that a dtype passed positionally
 * (`F.softmax(x, 1, 3, torch.float64)`) is never mistaken for a trailing options object.
 */
class TorchDType implements DType {
  readonly is_signed: boolean;
  readonly is_complex = false;
  constructor(
    readonly name: DType["name"],
    readonly is_floating_point: boolean,
    readonly itemsize: number,
  ) {
    this.is_signed = name !== "uint8" && name !== "bool";
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
export const int32 = makeDType("int32", false, 4);
export const int16 = makeDType("int16", false, 2);
export const int8 = makeDType("int8", false, 1);
export const uint8 = makeDType("uint8", false, 1);
export const bool = makeDType("bool", false, 1);

export function allocStorage(dtype: DType, n: number, zeroed = true): Storage {
  // Large buffers may come from the pool of gradients the autograd engine proved dead (zero-filled
  // unless the caller overwrites every element and asks for zeroed = false).
  const wide = dtype === float64 || dtype === int64 || dtype === int32;
  const buf = takePooled(wide, n, zeroed) ?? (wide ? new Float64Array(n) : new Float32Array(n));
  noteAllocated(buf);
  return buf;
}

/** PyTorch's C++ type names, used in its messages ("not implemented for 'Byte'", "can't be cast to ... Long"). */
export const cppTypeName = (dt: DType): string =>
  ({ float32: "Float", float64: "Double", int64: "Long", int32: "Int", int16: "Short", int8: "Char", uint8: "Byte", bool: "Bool" })[dt.name];

/** The C++ element-type names (caffe2::TypeMeta) some of torch's messages print ("expected dtype float for `end` but got dtype long int"). */
export const typeMetaName = (dt: DType): string =>
  (({
    float32: "float", float64: "double", int64: "long int", int32: "int", int16: "short int", int8: "signed char", uint8: "unsigned char",
    bool: "bool", float16: "c10::Half", bfloat16: "c10::BFloat16",
  }) as Record<string, string>)[dt.name] ?? dt.name;

/**
 * An op torch 1.13 has no bool kernel for: its RuntimeError naming the kernel ('"abs_cpu" not implemented for 'Bool''),
 * when `dt` (the input's, or the promoted operands') dtype is bool.
 */
export function refuseBool(dt: DType | null | undefined, kernel: string): void {
  if (dt === bool) throw new RuntimeError(`"${kernel}" not implemented for 'Bool'`);
}

/** True for the integer dtypes (int64, int32, int16, int8, uint8): neither floating point nor bool. */
export function isIntegral(dt: DType): boolean {
  return !dt.is_floating_point && dt !== bool;
}

/** Bit width and signedness of the integer dtypes whose results wrap around (int64 does not here). */
const WRAPPING: ReadonlyMap<DType, { bits: number; signed: boolean }> = new Map([
  [int32, { bits: 32, signed: true }],
  [int16, { bits: 16, signed: true }],
  [int8, { bits: 8, signed: true }],
  [uint8, { bits: 8, signed: false }],
]);

/** The signed integer dtypes ordered by width (PyTorch: int8 < int16 < int32 < int64). */
const SIGNED_RANK: ReadonlyMap<DType, number> = new Map([[int8, 1], [int16, 2], [int32, 3], [int64, 4]]);
const SIGNED_BY_RANK = [bool, int8, int16, int32, int64];

/**
 * Tensor-tensor type promotion, as PyTorch's promote_types: bool < integers < float32 < float64,
 * the wider signed integer wins, uint8 with a signed one gives the signed one but at least int16
 * (uint8 + int8 -> int16).
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === float64 || b === float64) return float64;
  if (a === float32 || b === float32) return float32;
  if (a === b) return a;
  if (a === bool) return b;
  if (b === bool) return a;
  const ra = SIGNED_RANK.get(a) ?? 0;
  const rb = SIGNED_RANK.get(b) ?? 0;
  if (a === uint8 || b === uint8) return SIGNED_BY_RANK[Math.max(ra, rb, 2)]; // the other is signed
  return SIGNED_BY_RANK[Math.max(ra, rb)];
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

/**
 * Casts a JS value into the dtype's value domain as torch 1.13 converts a float (truncation for
 * long, truncation and wrap-around for int32/int16/int8/uint8, 0/1 for bool).
 */
export function castValue(dtype: DType, v: number): number {
  if (dtype === int64) return Math.trunc(v) + 0; // + 0: integers have no -0 (torch.tensor([-0.5]).long().tolist() is [0])
  if (dtype === uint8) return toUint8(v);
  if (dtype === bool) return v !== 0 ? 1 : 0;
  if (dtype === int32) return floatToInt32(v);
  const w = WRAPPING.get(dtype);
  if (w) return wrapBits(toInt32(v), w.bits, w.signed); // int16, int8: through the CPU's int32 conversion, as uint8
  return v;
}

/**
 * An integer result (of integer arithmetic, or an integer cast) in the dtype's value domain: int32,
 * int16, int8 and uint8 keep their low bits (int16 32767 + 1 is -32768), int64 truncates.
 * Floats, int64 and bool values are returned as castValue gives them.
 */
export function wrapValue(dtype: DType, v: number): number {
  const w = WRAPPING.get(dtype);
  if (!w) return castValue(dtype, v);
  const t = Math.trunc(v);
  if (!Number.isFinite(t)) return castValue(dtype, v);
  return wrapBits(t, w.bits, w.signed);
}

/** The low `bits` bits of the integer t, read as signed or unsigned. */
function wrapBits(t: number, bits: number, signed: boolean): number {
  const m = 2 ** bits;
  let r = t % m;
  if (r < 0) r += m;
  if (signed && r >= m / 2) r -= m;
  return r + 0;
}

/** C's float -> int32 conversion on x86-64: truncation; NaN, the infinities and out-of-range values give INT32_MIN. */
function floatToInt32(v: number): number {
  const t = Math.trunc(v);
  return t >= -(2 ** 31) && t < 2 ** 31 ? t + 0 : -(2 ** 31);
}

/** The float -> int32 conversion narrow integer casts go through (out of range: 0 after taking the low bits). */
function toInt32(v: number): number {
  const t = Math.trunc(v);
  return Math.abs(t) < 2 ** 31 ? t + 0 : 0;
}

/** True for the dtypes whose stored values wrap around (int32, int16, int8, uint8). */
export function wrapsAround(dtype: DType): boolean {
  return WRAPPING.has(dtype);
}

/**
 * Rewrites an int32/int16/int8/uint8 tensor's storage in place into its range after a kernel computed
 * the exact results; a float kernel's -0 (-100 * 0) becomes 0, as integers have no sign on zero.
 */
export function wrapInto(dtype: DType, d: Storage): void {
  if (dtype === uint8) wrapUint8(d);
  const w = WRAPPING.get(dtype);
  if (!w) return;
  const lo = w.signed ? -(2 ** (w.bits - 1)) : 0;
  const hi = w.signed ? 2 ** (w.bits - 1) - 1 : 2 ** w.bits - 1;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v === 0) d[i] = 0;
    else if (v < lo || v > hi || v !== Math.trunc(v)) d[i] = wrapValue(dtype, v);
  }
}

/** The range of an integer dtype (int64 as float64 numbers). */
export function intRange(dtype: DType): { min: number; max: number } {
  const w = WRAPPING.get(dtype);
  if (!w) return { min: -(2 ** 63), max: 2 ** 63 - 1 };
  return w.signed ? { min: -(2 ** (w.bits - 1)), max: 2 ** (w.bits - 1) - 1 } : { min: 0, max: 2 ** w.bits - 1 };
}

/**
 * torch's overflow check where a Python scalar becomes one value of a narrow integer dtype
 * (torch.tensor, full, fill_, masked_fill, clamp): uint8 as checkUint8Scalar; int32/int16/int8 need
 * the number within [min, max] before truncation (torch.tensor([127.9], dtype=torch.int8) overflows).
 * `cppName` follows torch's message: "int8" from torch.tensor, "int8_t" from full / fill_.
 */
export function checkIntScalar(dtype: DType, v: number, cppName?: string): void {
  if (dtype === uint8) return checkUint8Scalar(v, cppName);
  if (!WRAPPING.has(dtype) && dtype !== int64) return;
  const { min, max } = intRange(dtype);
  // NaN fails too; int64 takes every finite number up to +-2^63 (its bounds as doubles), not the infinities:
  // torch.full_like(long_tensor, float('-inf')) overflows where a float fill was meant.
  if (!(v >= min && v <= max)) throw new RuntimeError(`value cannot be converted to type ${cppName ?? dtype.name} without overflow`);
}

/** The name torch 1.13's C++ scalar checks use for the dtype (uint8_t, int8_t, int16_t, and "int" for int32). */
export const cScalarName = (dtype: DType): string => (dtype === int32 ? "int" : `${dtype.name}_t`);

/**
 * A number argument (addcmul's `value`) as torch 1.13 casts it to the result dtype `dt`: unchanged for floats; checked
 * for overflow and truncated for integers (value=0.5 adds nothing to an int64 tensor); a bool result has no kernel.
 */
export function castScalarArg(dt: DType, value: number | boolean, kernel: string): number {
  const v = Number(value);
  if (dt.is_floating_point) return v;
  refuseBool(dt, kernel);
  checkIntScalar(dt, v, cScalarName(dt));
  return castValue(dt, v);
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
