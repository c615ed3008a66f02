/**
 * PyTorch's legacy typed constructors, which older tutorials still use:
 * `torch.Tensor([0])` (here `new torch.Tensor([0])`), `torch.Tensor(2, 3)`, `torch.LongTensor(letter_indexes)`,
 * `torch.FloatTensor(...)`, `torch.DoubleTensor(...)`, `torch.IntTensor(...)`, `torch.ByteTensor(...)`, `torch.BoolTensor(...)`. A list gives a tensor
 * of those values in the constructor's dtype (long truncates toward zero); integers or a torch.Size give an
 * "uninitialized" tensor of that size (zero-filled here, as torch.empty); nothing gives shape [0].
 */
import { get_default_dtype } from "../default_dtype";
import { bool, float32, float64, int16, int32, int64, int8, uint8, type DType } from "../dtype";
import { record } from "../autograd/function";
import { RuntimeError, TypeError_ } from "../errors";
import { isTensor, type NestedArray, type Tensor } from "../tensor";
import * as creation from "./creation";
import { Size } from "../size";

const typeName = (v: unknown): string => (v === null ? "NoneType" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "string" ? "str" : typeof v);

/** C++ type names in torch's "expected TensorOptions(dtype=...)" message. */
const CPP_NAMES: Record<string, string> = { float32: "float", float64: "double", int64: "long int", int32: "int", int16: "short int", int8: "signed char", uint8: "unsigned char", bool: "bool", float16: "c10::Half", bfloat16: "c10::BFloat16", complex64: "c10::complex<float>", complex128: "c10::complex<double>" };
const tensorOptions = (d: DType): string => `TensorOptions(dtype=${CPP_NAMES[d.name] ?? d.name}, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))`;

/**
 * A tensor of dtype from the legacy arguments: (), (data list), (tensor), or (...sizes). A tensor
 * of the constructor's dtype gives an alias (same storage, AliasBackward0 when it requires grad),
 * as torch.FloatTensor(t) does; any other dtype raises torch's TypeError.
 */
export function legacyTensor(dtype: DType, args: readonly unknown[]): Tensor {
  if (args.length === 0) return creation.empty([0], { dtype });
  if (args.length === 1 && isTensor(args[0])) {
    const t = args[0];
    if (t.dtype !== dtype) throw new TypeError_(`expected ${tensorOptions(dtype)} (got ${tensorOptions(t.dtype)})`);
    const a = t.detach();
    return record(a, "AliasBackward0", [t], (g) => [g]);
  }
  // torch.FloatTensor(std.size()): a torch.Size is a size, as in torch (a plain list is data)
  if (args.length === 1 && args[0] instanceof Size) return legacyTensor(dtype, [...args[0]]);
  if (args.length === 1 && Array.isArray(args[0])) return creation.tensor(args[0] as NestedArray, { dtype });
  for (const a of args) {
    if (typeof a !== "number") {
      throw new TypeError_(args.length === 1 ? `new(): invalid data type '${typeName(a)}'` : `new(): argument 'size' must be tuple of ints, but found element of type ${typeName(a)}`);
    }
    if (!Number.isInteger(a)) throw new TypeError_(`new(): data must be a sequence (got ${typeName(a)})`);
    if (a < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${a}: [${args.join(", ")}]`);
  }
  return creation.empty(args as number[], { dtype });
}

/** A torch.Size (x.size(), x.shape: readonly number[] in their types) is a size, as torch.FloatTensor(std.size()). */
type Legacy = {
  (data: NestedArray | Tensor): Tensor; (size: readonly number[]): Tensor; (...sizes: number[]): Tensor;
  new (data: NestedArray | Tensor): Tensor; new (size: readonly number[]): Tensor; new (...sizes: number[]): Tensor;
};
/** Each constructor's dtype, so x.type(torch.LongTensor) converts as in PyTorch (the class names its type). */
const dtypeOfConstructor = new WeakMap<object, () => DType>();
/**
 * Called or with `new` (`new torch.FloatTensor()`, written as `new torch.Tensor(...)` is); `x instanceof
 * torch.FloatTensor` is isinstance's answer: a tensor of that dtype.
 */
const make = (name: string, dtype: () => DType): Legacy => {
  const f = function (...args: unknown[]): Tensor {
    return legacyTensor(dtype(), args);
  } as unknown as Legacy;
  Object.defineProperty(f, "name", { value: name });
  Object.defineProperty(f, Symbol.hasInstance, { value: (x: unknown) => isTensor(x) && x.dtype === dtype() });
  dtypeOfConstructor.set(f, dtype);
  return f;
};

/** The dtype of torch.FloatTensor / ... given as a value (x.type(torch.ByteTensor)); undefined for anything else. */
export const legacyConstructorDtype = (f: unknown): DType | undefined => (typeof f === "function" ? dtypeOfConstructor.get(f)?.() : undefined);

/** torch.FloatTensor / DoubleTensor / LongTensor / IntTensor / ShortTensor / CharTensor / ByteTensor / BoolTensor, called like functions (`torch.LongTensor([1, 2])`) or with new. */
export const legacyConstructors = {
  FloatTensor: make("FloatTensor", () => float32),
  DoubleTensor: make("DoubleTensor", () => float64),
  LongTensor: make("LongTensor", () => int64),
  IntTensor: make("IntTensor", () => int32),
  ShortTensor: make("ShortTensor", () => int16),
  CharTensor: make("CharTensor", () => int8),
  ByteTensor: make("ByteTensor", () => uint8),
  BoolTensor: make("BoolTensor", () => bool),
};

/** `new torch.Tensor(...)` in the legacy form: the default dtype, or a tensor argument's own (torch.Tensor(t) aliases t whatever its dtype). */
export const legacyDefault = (args: readonly unknown[]): Tensor =>
  legacyTensor(args.length === 1 && isTensor(args[0]) ? args[0].dtype : get_default_dtype(), args);
