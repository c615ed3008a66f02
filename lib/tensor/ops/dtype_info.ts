/**
 * torch.finfo / torch.iinfo (the numeric limits of a dtype, with PyTorch's field names) and the
 * legacy type names of Tensor.type() ("torch.FloatTensor", ...), with set_default_tensor_type.
 */
import { parseArgs, type PyArgs } from "../args";
import { set_default_dtype } from "../default_dtype";
import { bool, float32, float64, int16, int32, int64, int8, intRange, uint8, type DType } from "../dtype";
import { unsupportedDtypes } from "../dtype_unsupported";
import { TypeError_ } from "../errors";
import { legacyConstructorDtype } from "./legacy_constructors";

export interface FInfo {
  readonly bits: number;
  readonly eps: number;
  readonly max: number;
  readonly min: number;
  readonly tiny: number;
  readonly smallest_normal: number;
  readonly resolution: number;
  readonly dtype: string;
}

export interface IInfo {
  readonly bits: number;
  /** 2^63 - 1 and -2^63 as JS numbers (the nearest doubles; this engine's long storage is exact to 2^53). */
  readonly max: number;
  readonly min: number;
  readonly dtype: string;
}

/** C's printf("%g") (6 significant digits), as torch prints finfo / iinfo: 2147483647 -> 2.14748e+09, 1e-6 -> 1e-06. */
function cG(v: number): string {
  if (v === 0) return "0";
  let [mant, e] = v.toExponential(5).split("e");
  // C rounds the exact binary value half to even, toExponential an exact tie up: float16's eps 2^-10 = 0.0009765625
  // prints 0.000976562 in torch. toExponential(40) gives the exact digits, so a tie shows as a 5 followed by zeros.
  const [exactMant, exactE] = Math.abs(v).toExponential(40).split("e");
  const digits = exactMant.replace(".", "");
  if (/^50*$/.test(digits.slice(6)) && Number(digits[5]) % 2 === 0) {
    mant = `${v < 0 ? "-" : ""}${digits[0]}.${digits.slice(1, 6)}`;
    e = exactE;
  }
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant.replace(/\.?0+$/, "")}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(Number(`${mant}e${e}`));
}

/** Freezes an info object with Python's str() / repr() as toString (not enumerable: the fields compare as before). */
function withRepr<T extends object>(info: T, text: string): T {
  Object.defineProperty(info, "toString", { value: () => text, enumerable: false });
  return Object.freeze(info);
}

const finfoRepr = (f: Omit<FInfo, "bits">): string =>
  `finfo(resolution=${cG(f.resolution)}, min=${cG(f.min)}, max=${cG(f.max)}, eps=${cG(f.eps)}, smallest_normal=${cG(f.smallest_normal)}, tiny=${cG(f.tiny)}, dtype=${f.dtype})`;

const F32_FIELDS = {
  bits: 32, eps: 2 ** -23, max: 3.4028234663852886e38, min: -3.4028234663852886e38, tiny: 2 ** -126, smallest_normal: 2 ** -126, resolution: 1e-6, dtype: "float32",
};
const F64_FIELDS = {
  bits: 64, eps: Number.EPSILON, max: Number.MAX_VALUE, min: -Number.MAX_VALUE, tiny: 2 ** -1022, smallest_normal: 2 ** -1022, resolution: 1e-15, dtype: "float64",
};
// float16 / bfloat16 tensors are not stored by the engine, but their limits are plain numbers that mixed-precision code
// reads (torch.finfo(torch.float16).max as an attention mask fill, numpy-100's table of each type's limits).
const F16_FIELDS = {
  bits: 16, eps: 2 ** -10, max: 65504, min: -65504, tiny: 2 ** -14, smallest_normal: 2 ** -14, resolution: 0.001, dtype: "float16",
};
const BF16_FIELDS = {
  bits: 16, eps: 2 ** -7, max: 3.3895313892515355e38, min: -3.3895313892515355e38, tiny: 2 ** -126, smallest_normal: 2 ** -126, resolution: 0.01, dtype: "bfloat16",
};
const F32: FInfo = withRepr(F32_FIELDS, finfoRepr(F32_FIELDS));
const F64: FInfo = withRepr(F64_FIELDS, finfoRepr(F64_FIELDS));
const F16: FInfo = withRepr(F16_FIELDS, finfoRepr(F16_FIELDS));
const BF16: FInfo = withRepr(BF16_FIELDS, finfoRepr(BF16_FIELDS));

/** torch.finfo(dtype = default float32). */
export function finfo(dtype: DType = float32): FInfo {
  if (dtype === float32) return F32;
  if (dtype === float64) return F64;
  if ((dtype as unknown) === unsupportedDtypes.float16) return F16;
  if ((dtype as unknown) === unsupportedDtypes.bfloat16) return BF16;
  throw new TypeError_("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
}

export function iinfo(...args: PyArgs<[type: DType], { type: DType }>): IInfo {
  const dtype = parseArgs<{ type: DType }>("iinfo", ["type"], args).type; // torch.iinfo(type=torch.int32); another keyword raises
  // print(torch.iinfo(torch.int32)) -> iinfo(min=-2.14748e+09, max=2.14748e+09, dtype=int32), as torch
  const info = (bits: number, min: number, max: number, name: string): IInfo => withRepr({ bits, max, min, dtype: name }, `iinfo(min=${cG(min)}, max=${cG(max)}, dtype=${name})`);
  if (dtype === int64) return info(64, -(2 ** 63), 2 ** 63 - 1, "int64");
  if (dtype === int32 || dtype === int16 || dtype === int8 || dtype === uint8) {
    const { min, max } = intRange(dtype);
    return info(dtype.itemsize * 8, min, max, dtype.name);
  }
  if (dtype === bool) throw new TypeError_("torch.bool is not supported by torch.iinfo");
  throw new TypeError_("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
}

const TYPE_NAMES: [DType, string][] = [
  [float32, "torch.FloatTensor"], [float64, "torch.DoubleTensor"], [int64, "torch.LongTensor"], [int32, "torch.IntTensor"],
  [int16, "torch.ShortTensor"], [int8, "torch.CharTensor"], [uint8, "torch.ByteTensor"], [bool, "torch.BoolTensor"],
];

/** "torch.FloatTensor" for float32, ... (Tensor.type() without an argument). */
export function typeName(dtype: DType): string {
  return TYPE_NAMES.find(([d]) => d === dtype)![1];
}

/** The dtype a legacy type name stands for ("torch.DoubleTensor" -> float64, "torch.IntTensor" -> int32). */
export function dtypeOfTypeName(name: string): DType {
  const aliases: Record<string, DType> = { "torch.cuda.FloatTensor": float32 };
  const hit = TYPE_NAMES.find(([, n]) => n === name)?.[0] ?? aliases[name];
  if (!hit) throw new TypeError_(`invalid type: '${name}' (this engine has ${TYPE_NAMES.map(([, n]) => n).join(", ")})`);
  if (name.startsWith("torch.cuda.")) throw new TypeError_(`type '${name}' needs a GPU, which this engine does not have; use 'torch.FloatTensor'`);
  return hit;
}

/**
 * torch.set_default_tensor_type("torch.DoubleTensor" | "torch.FloatTensor") or the legacy type itself,
 * torch.set_default_tensor_type(torch.DoubleTensor), as the docstrings write it.
 */
export function set_default_tensor_type(t: string | ((...args: never[]) => unknown)): void {
  const d = typeof t === "string" ? dtypeOfTypeName(t) : legacyConstructorDtype(t);
  if (d === undefined) throw new TypeError_(`invalid type: ${typeof t === "function" ? "a function that is not a legacy tensor type" : String(t)} (pass torch.FloatTensor, torch.DoubleTensor or their names, "torch.FloatTensor")`);
  if (!d.is_floating_point) throw new TypeError_("only floating-point types are supported as the default type");
  set_default_dtype(d);
}
