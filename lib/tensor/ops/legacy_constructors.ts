/**
 * PyTorch's legacy typed constructors, which older tutorials still use:
 * `torch.Tensor([0])` (here `new torch.Tensor([0])`), `torch.Tensor(2, 3)`, `torch.LongTensor(letter_indexes)`,
 * `torch.FloatTensor(...)`, `torch.DoubleTensor(...)`, `torch.IntTensor(...)`, `torch.ByteTensor(...)`, `torch.BoolTensor(...)`. A list gives a tensor
 * of those values in the constructor's dtype (long truncates toward zero); integers give an
 * "uninitialized" tensor of that size (zero-filled here, as torch.empty); nothing gives shape [0].
 */
import { get_default_dtype } from "../default_dtype";
import { bool, float32, float64, int16, int32, int64, int8, uint8, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { isTensor, type NestedArray, type Tensor } from "../tensor";
import * as creation from "./creation";

const typeName = (v: unknown): string => (v === null ? "NoneType" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "string" ? "str" : typeof v);

/** A tensor of dtype from the legacy arguments: (), (data list), or (...sizes). */
export function legacyTensor(dtype: DType, args: readonly unknown[]): Tensor {
  if (args.length === 0) return creation.empty([0], { dtype });
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

type Legacy = { (data: NestedArray): Tensor; (...sizes: number[]): Tensor; new (data: NestedArray): Tensor; new (...sizes: number[]): Tensor };
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

/** `new torch.Tensor(...)` in the legacy form: the default dtype. */
export const legacyDefault = (args: readonly unknown[]): Tensor => legacyTensor(get_default_dtype(), args);
