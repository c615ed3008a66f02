/**
 * PyTorch's legacy typed constructors, which older tutorials still use:
 * `torch.Tensor([0])` (here `new torch.Tensor([0])`), `torch.Tensor(2, 3)`, `torch.LongTensor(letter_indexes)`,
 * `torch.FloatTensor(...)`, `torch.DoubleTensor(...)`, `torch.IntTensor(...)`, `torch.ByteTensor(...)`, `torch.BoolTensor(...)`. A list gives a tensor
 * of those values in the constructor's dtype (long truncates toward zero); integers or a torch.Size give an
 * "uninitialized" tensor of that size (zero-filled here, as torch.empty); nothing gives shape [0].
 */
import { isOptions } from "../args";
import { get_default_dtype } from "../default_dtype";
import { bool, isDType, float32, float64, int16, int32, int64, int8, uint8, type DType } from "../dtype";
import { record } from "../autograd/function";
import { RuntimeError, TypeError_ } from "../errors";
import { isTensor, type NestedArray, type Tensor } from "../tensor";
import * as creation from "./creation";
import { from_numpy } from "./frombuffer";
import { Size } from "../size";
import { pyTypeName } from "../py_type_name";


/** C++ type names in torch's "expected TensorOptions(dtype=...)" message. */
const CPP_NAMES: Record<string, string> = { float32: "float", float64: "double", int64: "long int", int32: "int", int16: "short int", int8: "signed char", uint8: "unsigned char", bool: "bool", float16: "c10::Half", bfloat16: "c10::BFloat16", complex64: "c10::complex<float>", complex128: "c10::complex<double>" };
const tensorOptions = (d: DType): string => `TensorOptions(dtype=${CPP_NAMES[d.name] ?? d.name}, device=cpu, layout=Strided, requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))`;

/**
 * A tensor of dtype from the legacy arguments: (), (data list), (tensor), or (...sizes). A tensor
 * of the constructor's dtype gives an alias (same storage, AliasBackward0 when it requires grad),
 * as torch.FloatTensor(t) does; any other dtype raises torch's TypeError.
 */
export function legacyTensor(dtype: DType, given: readonly unknown[]): Tensor {
  const args = legacyArgs(given);
  if (args.length === 0) return creation.empty([0], { dtype });
  if (args.length === 1 && isTensor(args[0])) {
    const t = args[0];
    if (t.dtype !== dtype) throw new TypeError_(`expected ${tensorOptions(dtype)} (got ${tensorOptions(t.dtype)})`);
    const a = t.detach();
    return record(a, "AliasBackward0", [t], (g) => [g]);
  }
  // torch.Tensor(ndarray): a typed array plays NumPy's part, read as torch.from_numpy reads it and converted to the
  // constructor's dtype (a Float32Array under torch.Tensor / FloatTensor is shared, as torch shares a float32 array)
  if (args.length === 1 && ArrayBuffer.isView(args[0]) && !(args[0] instanceof DataView)) {
    const t = from_numpy(args[0]);
    return t.dtype === dtype ? t : t.to(dtype);
  }
  // torch.FloatTensor(std.size()): a torch.Size is a size, as in torch (a plain list is data)
  if (args.length === 1 && args[0] instanceof Size) return legacyTensor(dtype, [...args[0]]);
  if (args.length === 1 && Array.isArray(args[0])) return creation.tensor(args[0] as NestedArray, { dtype });
  // torch 1.13's parser: an int first is the size overload, whose other elements must be ints (a bool is one) and are
  // named by their 1-based position (torch.Tensor(1, 4, 8.5): 'found element of type float at pos 3'); anything else
  // first is data, which must come alone ('data must be a sequence (got float)', "invalid data type 'str'")
  const isInt = (v: unknown) => typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v));
  if (typeof args[0] !== "number" || !Number.isInteger(args[0])) {
    const types = args.map(argTypeName);
    if (args.length > 1) {
      throw new TypeError_(
        `new() received an invalid combination of arguments - got (${types.join(", ")}), but expected one of:\n * ${LEGACY_OVERLOADS[0]}\n` +
          `      didn't match because some of the arguments have invalid types: (${types.map((t) => `!${t}!`).join(", ")})\n` +
          LEGACY_OVERLOADS.slice(1).map((o) => ` * ${o}\n`).join(""),
      );
    }
    throw new TypeError_(typeof args[0] === "string" ? `new(): invalid data type 'str'` : `new(): data must be a sequence (got ${types[0]})`);
  }
  for (const [i, a] of args.entries()) {
    if (!isInt(a)) throw new TypeError_(`new(): argument 'size' must be tuple of ints, but found element of type ${argTypeName(a)} at pos ${i + 1}`);
  }
  const sizes = args.map(Number);
  for (const a of sizes) if (a < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${a}: [${sizes.join(", ")}]`);
  return creation.empty(sizes, { dtype });
}

/** The legacy constructor's overloads as torch 1.13's argument parser prints them (new(...)), in its order. */
const LEGACY_OVERLOADS = ["(*, torch.device device)", "(torch.Storage storage)", "(Tensor other)", "(tuple of ints size, *, torch.device device)", "(object data, *, torch.device device)"];
/** The argument parser's names of a call's types: Python's type names, torch.dtype / torch.device for those. */
const argTypeName = (v: unknown): string => (isDType(v) ? "torch.dtype" : isTensor(v) ? "Tensor" : Array.isArray(v) && !(v instanceof Size) ? "list" : v instanceof Size ? "torch.Size" : pyTypeName(v));

/**
 * The legacy constructor's trailing keywords (an options object): `device` is its only one, as in torch; any other
 * (torch.Tensor(data, dtype=torch.float64), requires_grad=True) raises the parser's TypeError, which lists the
 * overloads and marks those whose argument count fits the call (the parser counts the `*` as one) with the
 * keywords they lack. A device is checked as torch does (a CPU one, and none beside a tensor); returns the
 * positional arguments.
 */
function legacyArgs(given: readonly unknown[]): readonly unknown[] {
  const last = given[given.length - 1];
  if (given.length === 0 || !isOptions(last)) return given;
  const args = given.slice(0, -1);
  const keys = Object.keys(last);
  if (keys.every((k) => k === "device")) {
    if (keys.length === 0) return args;
    if (args.length === 1 && isTensor(args[0])) {
      throw new RuntimeError("Legacy tensor constructor of the form torch.Tensor(tensor, device=device) is not supported.  Use torch.tensor(...) or torch.as_tensor(...) instead.");
    }
    const type = last.device === null || last.device === undefined ? "cpu" : String((last.device as { type?: unknown }).type ?? last.device).split(":")[0];
    if (type !== "cpu") throw new RuntimeError(`legacy constructor expects device type: cpu but device type: ${type} was passed`);
    return args;
  }
  const got = [...args.map(argTypeName), ...keys.map((k) => `${k}=${argTypeName(last[k])}`)];
  const lines = LEGACY_OVERLOADS.map((o) => {
    const params = o.slice(1, -1).split(", ");
    if (params.length !== args.length + keys.length) return ` * ${o}\n`;
    const names = params.map((p) => p.split(" ").pop());
    const unmatched = keys.filter((k) => !names.includes(k));
    return ` * ${o}\n` + (unmatched.length ? `      didn't match because some of the keywords were incorrect: ${unmatched.join(", ")}\n` : "");
  });
  const call = args.length === 0 ? `(${got.join(", ")}, )` : `(${got.join(", ")})`;
  throw new TypeError_(`new() received an invalid combination of arguments - got ${call}, but expected one of:\n${lines.join("")}`);
}

/** A torch.Size (x.size(), x.shape: readonly number[] in their types) is a size, as torch.FloatTensor(std.size()). */
type Legacy = {
  (data: LegacyData, options?: LegacyOptions): Tensor; (size: readonly number[], options?: LegacyOptions): Tensor; (...sizes: number[]): Tensor;
  new (data: LegacyData, options?: LegacyOptions): Tensor; new (size: readonly number[], options?: LegacyOptions): Tensor; new (...sizes: number[]): Tensor;
};
/** What the legacy constructors read as data: nested numbers, a tensor, a typed array (NumPy's part), or a list of typed arrays. */
type LegacyData = NestedArray | Tensor | Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | readonly (Float32Array | Float64Array | Int32Array | Uint8Array)[];
/** Their one keyword (torch's device=; any other raises torch's TypeError at run time). */
type LegacyOptions = { device?: string | { type: string } | null };
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
  legacyTensor(isTensor(args[0]) && (args.length === 1 || (args.length === 2 && isOptions(args[1]))) ? args[0].dtype : get_default_dtype(), args);
