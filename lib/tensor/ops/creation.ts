/**
 * Tensor creation: tensor, zeros, ones, empty, full, arange, linspace, eye, rand, randn,
 * randint, randperm, the *_like family and from_array. Shapes are varargs or one array,
 * with an options object last: zeros(2, 3, { dtype }) or zeros([2, 3], { requires_grad: true }).
 */
import { isOptions, parseArgs, type PyArgs } from "../args";
import { get_default_dtype } from "../default_dtype";
import {
  allocStorage, bool, refuseBool, castValue, checkIntScalar, intRange, cppTypeName, cScalarName, float32, float64, int16, int32, int64, int8, uint8, wrapInto, wrapsAround, wrapValue,
  type DType, type Storage,
} from "../dtype";
import { deviceUnavailable, type DeviceLike } from "../device";
import type { memory_format } from "../memory_format";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { promote_types } from "./dtype_utils";
import { default_generator, type Generator } from "../random";
import { isTensorLike, numelOf, sizeEntry, sizesOf, type SizeArg } from "../shape";
import { Size } from "../size";
import { pyTypeName } from "../py_type_name";
import { Tensor, type NestedArray } from "../tensor";
import { linspaceFill, type LinspaceKind } from "./linspace_fill";
import { warnOnce } from "../warnings";

export interface TensorOptions {
  dtype?: DType;
  requires_grad?: boolean;
  /** Accepted as PyTorch code passes it (`device=device`); only the CPU exists, anything else raises. */
  device?: DeviceLike;
}
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}
/**
 * The *_like creators' options, memory_format among them (torch.zeros_like(p, memory_format=torch.preserve_format),
 * as optimizers' state initialisation writes it; api/torch_1_13_names.ts wraps the creators to honour it).
 */
export interface LikeOptions extends TensorOptions {
  memory_format?: memory_format;
}
export interface RandomLikeOptions extends RandomOptions {
  memory_format?: memory_format;
}
/** Sizes positionally or as the size keyword (torch.empty(size=(2, 3)) is torch.empty({ size: [2, 3] }); splitShapeArgs). */
export type ShapeArgs<O> = (SizeArg | readonly SizeArg[] | (O & { size?: readonly SizeArg[] }) | undefined)[];

/** Splits `(2, 3, opts)` / `([2, 3], opts)` into a shape and options. */
/** Keyword arguments the creation functions accept (anything else is PyTorch's TypeError, not silently ignored). */
const CREATION_KEYS = ["dtype", "requires_grad", "generator", "device", "layout", "pin_memory", "memory_format"];

/** Raises for a misspelled or unsupported keyword (`torch.zeros(2, { dtyp })` must not silently give float32). */
export function checkCreationOptions(op: string, opts: object, extra: readonly string[] = []): void {
  for (const k of Object.keys(opts)) {
    if (!CREATION_KEYS.includes(k) && !extra.includes(k)) {
      throw new TypeError_(`${op}() got an unexpected keyword argument '${k}' (accepted: ${[...extra, "dtype", "requires_grad"].join(", ")})`);
    }
  }
  const device = (opts as { device?: unknown }).device;
  if (device !== undefined && device !== null && device !== "cpu" && (device as { type?: string }).type !== "cpu") {
    throw deviceUnavailable(op, String((device as { type?: string }).type ?? device));
  }
}

export function splitShapeArgs<O extends object>(args: ShapeArgs<O>, op: string): [number[], O] {
  let opts = {} as O;
  const rest = args.filter((a) => a !== undefined);
  const last = rest[rest.length - 1];
  if (last !== undefined && typeof last === "object" && !Array.isArray(last) && !isTensorLike(last)) {
    opts = last as O;
    rest.pop();
    // PyTorch's keyword form: torch.zeros({ size: [2, 3] }) / torch.zeros(size=(2, 3)).
    const { size, ...others } = opts as O & { size?: readonly number[] };
    if (size !== undefined) {
      if (rest.length > 0) throw new TypeError_(`${op}() got multiple values for argument 'size'`);
      rest.push(size as never);
      opts = others as O;
    }
    checkCreationOptions(op, opts);
  }
  let shape: number[];
  // Entries may be one-element integer tensors, as torch takes them (shape.ts's sizeEntry).
  if (rest.length === 1 && Array.isArray(rest[0])) shape = sizesOf(rest[0] as readonly unknown[], op, "size");
  else shape = rest.map((v, i) => sizeEntry(v, op, "size", i + 1, i === 0));
  for (const s of shape) {
    if (typeof s !== "number" || !Number.isInteger(s)) throw new TypeError_(`${op}(): expected a shape of integers, got ${JSON.stringify(shape)}`);
  }
  checkNonNegative(shape);
  return [shape, opts];
}

/** torch's refusal of a negative size, the same text for every factory (it names no op). */
function checkNonNegative(shape: readonly number[]): void {
  const s = shape.find((d) => d < 0);
  if (s !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${s}: [${shape.join(", ")}]`);
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requires_grad) {
    // torch 1.13's factories word the refusal of an integer dtype otherwise than requires_grad_() does
    if (!t.dtype.is_floating_point) throw new RuntimeError("Only Tensors of floating point and complex dtype can require gradients");
    t.requires_grad_(true);
  }
  return t;
}

function filled(shape: readonly number[], value: number, opts: TensorOptions, dflt: DType = get_default_dtype()): Tensor {
  const dtype = opts.dtype ?? dflt;
  const t = new Tensor(allocStorage(dtype, numelOf(shape)), shape, dtype);
  checkIntScalar(dtype, value, cScalarName(dtype)); // torch.full(.., 300, dtype=torch.uint8 / int8) overflows
  if (value !== 0) t._data.fill(castValue(dtype, value));
  return finish(t, opts);
}

/** A typed array (NumPy's part): a 1-D run of numbers inside torch.tensor's data, as an ndarray in a Python list. */
const isTypedArray = (v: unknown): v is ArrayLike<number | bigint> => ArrayBuffer.isView(v) && !(v instanceof DataView);
/** The dtype torch gives an ndarray of this typed array's element type (torch.from_numpy's table). */
function typedArrayDtype(v: ArrayLike<number | bigint>): DType {
  if (v instanceof Float64Array) return float64;
  if (v instanceof Int32Array) return int32;
  if (v instanceof Int16Array) return int16;
  if (v instanceof Int8Array) return int8;
  if (v instanceof Uint8Array || v instanceof Uint8ClampedArray) return uint8;
  if (v instanceof BigInt64Array) return int64;
  return float32;
}

function inferShapeOf(data: NestedArray, path = "data"): number[] {
  if (isTypedArray(data)) return [(data as ArrayLike<number>).length];
  if (!Array.isArray(data)) return [];
  if (data.length === 0) return [0];
  const inner = inferShapeOf(data[0], `${path}[0]`);
  for (let i = 1; i < data.length; i++) {
    const s = inferShapeOf(data[i], `${path}[${i}]`);
    if (s.length !== inner.length || s.some((v, k) => v !== inner[k])) {
      throw new ValueError(`expected sequence of length ${inner[0]} at dim ${path.split("[").length} (got ${s[0] ?? "a scalar"}) at ${path}[${i}]: nested arrays must be rectangular`);
    }
  }
  return [data.length, ...inner];
}

function allBooleans(data: NestedArray): boolean {
  if (Array.isArray(data)) return data.length > 0 && data.every(allBooleans);
  return typeof data === "boolean" || ((data as unknown) instanceof Tensor && (data as unknown as Tensor).dtype === bool);
}

/**
 * torch.tensor's dtype when the data holds tensors or torch.Size values: theirs promoted together with the
 * numbers' (the default dtype: JS numbers carry no int/float distinction) and booleans' (bool), as torch 1.13
 * infers torch.tensor([torch.tensor(1), torch.tensor(2)]) -> int64 and [float64 tensor, 2.5] -> float64. A
 * torch.Size holds Python ints, so torch.tensor(t.shape) is int64 (deeplizard's torch.tensor(t.shape).prod()).
 * Null when the data holds neither (the numbers-only rule of tensor() applies).
 */
function dtypeWithTensors(data: NestedArray): DType | null {
  let sawTensor = false;
  let dtype: DType | null = null;
  const visit = (v: unknown): void => {
    if (isTypedArray(v)) {
      sawTensor = true;
      const d = typedArrayDtype(v);
      dtype = dtype === null ? d : promote_types(dtype, d);
      return;
    }
    if (v instanceof Size) {
      sawTensor = true;
      if (v.length > 0) dtype = dtype === null ? int64 : promote_types(dtype, int64);
      return;
    }
    if (Array.isArray(v)) return v.forEach(visit);
    const d = v instanceof Tensor ? v.dtype : typeof v === "boolean" ? bool : typeof v === "number" ? get_default_dtype() : null;
    if (v instanceof Tensor) sawTensor = true;
    if (d) dtype = dtype === null ? d : promote_types(dtype, d);
  };
  visit(data);
  return sawTensor ? dtype : null;
}

/** The value of a one-element tensor inside torch.tensor's data (PyTorch's error otherwise). */
function scalarOf(t: Tensor): number | boolean {
  if (t.numel() !== 1) throw new ValueError("only one element tensors can be converted to Python scalars");
  return t.item<number | boolean>(); // a boolean for a bool tensor
}

/** torch.tensor's options: dtype and device may be None (null), the defaults, as PyTorch code writes `dtype=None, device=None`. */
export interface TensorDataOptions extends Omit<TensorOptions, "dtype" | "device"> {
  dtype?: DType | null;
  device?: DeviceLike | null;
}

/**
 * torch.tensor(data, { dtype, requires_grad }). JS numbers carry no int/float distinction, so
 * numbers give the default dtype (float32 unless torch.set_default_dtype) unless dtype says otherwise (pass { dtype: torch.long } for labels);
 * booleans give bool. Typed arrays are accepted as 1-D data.
 */
export function tensor(
  data: NestedArray | Storage | Uint8Array | Int32Array | Int16Array | Int8Array | Tensor | readonly (Tensor | NestedArray | Storage | Int32Array | Uint8Array)[],
  given: TensorDataOptions = {},
): Tensor {
  checkCreationOptions("tensor", given);
  const opts: TensorOptions = { ...given, dtype: given.dtype ?? undefined, device: given.device ?? undefined };
  if (data instanceof Tensor) return copyConstruct(data, opts, "torch.tensor(sourceTensor)");
  if (data instanceof Uint8Array) {
    // Bytes (an image file's pixels): uint8 by default, as torch.tensor of a NumPy uint8 array.
    const dtype = opts.dtype ?? uint8;
    const t = new Tensor(allocStorage(dtype, data.length), [data.length], dtype);
    for (let i = 0; i < data.length; i++) t._data[i] = castValue(dtype, data[i]);
    return finish(t, opts);
  }
  if (data instanceof Int32Array || data instanceof Int16Array || data instanceof Int8Array) {
    // A typed array of integers: its dtype, as torch.tensor of a NumPy int32 / int16 / int8 array.
    const dtype = opts.dtype ?? (data instanceof Int32Array ? int32 : data instanceof Int16Array ? int16 : int8);
    const t = new Tensor(allocStorage(dtype, data.length), [data.length], dtype);
    for (let i = 0; i < data.length; i++) t._data[i] = wrapValue(dtype, data[i]);
    return finish(t, opts);
  }
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const dtype = opts.dtype ?? (data instanceof Float64Array ? float64 : float32);
    const t = new Tensor(allocStorage(dtype, data.length), [data.length], dtype);
    t._data.set(data);
    if (!dtype.is_floating_point) for (let i = 0; i < data.length; i++) t._data[i] = castValue(dtype, t._data[i]);
    return finish(t, opts);
  }
  const shape = inferShapeOf(data as NestedArray);
  if (Array.isArray(data) && data.length > 0 && isTypedArray(data[0])) {
    // torch.tensor([ndarray, ndarray]) (sentdex's torch.Tensor([i[0] for i in training_data])): torch 1.13's warning
    warnOnce("UserWarning: Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider converting the list to a single numpy.ndarray with numpy.array() before converting to a tensor.");
  }
  const dtype = opts.dtype ?? dtypeWithTensors(data as NestedArray) ?? (allBooleans(data as NestedArray) ? bool : get_default_dtype());
  const t = new Tensor(allocStorage(dtype, numelOf(shape)), shape, dtype);
  const out = t._data;
  let k = 0;
  const walk = (v: NestedArray): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (isTypedArray(v)) {
      for (let i = 0; i < v.length; i++) out[k++] = castValue(dtype, Number(v[i]));
      return;
    }
    // A one-element tensor stands for its value, as in torch.tensor([loss1, loss2]).
    if (typeof v === "object" && (v as unknown) instanceof Tensor) v = scalarOf(v as unknown as Tensor);
    if (typeof v !== "number" && typeof v !== "boolean") throw new TypeError_(`torch.tensor: unsupported element ${JSON.stringify(v)}`);
    const num = typeof v === "boolean" ? (v ? 1 : 0) : v;
    if (typeof v === "number") checkIntScalar(dtype, num); // torch.tensor([300], dtype=torch.uint8 / int8) overflows
    out[k++] = castValue(dtype, num);
  };
  walk(data as NestedArray);
  return finish(t, opts);
}

/**
 * torch.tensor(t) / t0.new_tensor(t) of a tensor: a detached copy (in opts.dtype if given), with torch 1.13's
 * UserWarning naming the call (`how`), as a learner re-wrapping a batch that is already a tensor sees it.
 */
export function copyConstruct(data: Tensor, opts: TensorOptions, how: string): Tensor {
  warnOnce(
    "UserWarning: To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or " +
      `sourceTensor.clone().detach().requires_grad_(True), rather than ${how}.`,
  );
  const t = data.detach().clone().to(opts.dtype ?? data.dtype);
  return finish(t.is_leaf ? t : t.detach(), opts);
}

/**
 * torch.as_tensor(data, dtype=None, device=None): a tensor is returned itself (no copy, no warning, its graph
 * kept), or converted with .to(dtype) when another dtype is asked for; other data as torch.tensor.
 */
export function as_tensor(data: Parameters<typeof tensor>[0], given: Pick<TensorDataOptions, "dtype" | "device"> = {}): Tensor {
  // torch.as_tensor takes dtype and device only (torch.as_tensor(x, requires_grad=True) is a TypeError)
  for (const k of Object.keys(given)) if (k !== "dtype" && k !== "device") throw new TypeError_(`as_tensor() got an unexpected keyword argument '${k}'`);
  checkCreationOptions("as_tensor", given);
  if (data instanceof Tensor) return given.dtype && given.dtype !== data.dtype ? data.to(given.dtype) : data;
  // a Float32Array / Float64Array (NumPy's part) in its own dtype is shared, as torch.as_tensor(ndarray) shares the
  // array's memory (torch.from_numpy's rule); integer arrays are copied (the engine stores integers wide)
  const own = data instanceof Float32Array ? float32 : data instanceof Float64Array ? float64 : null;
  if (own && (!given.dtype || given.dtype === own)) return new Tensor(data as Storage, [(data as Float32Array).length], own);
  return tensor(data, given);
}

/** Wraps an existing typed array without copying (shape defaults to 1-D). */
export function from_array(data: Storage, shape?: readonly number[], opts: TensorOptions = {}): Tensor {
  checkCreationOptions("from_array", opts);
  const s = shape ?? [data.length];
  if (numelOf(s) !== data.length) throw new RuntimeError(`from_array: shape [${s.join(", ")}] needs ${numelOf(s)} elements but the array has ${data.length}`);
  const dtype = opts.dtype ?? (data instanceof Float64Array ? float64 : float32);
  // int64 and int32 are stored wide (exact) but a Float32Array of small integers serves them too.
  if (dtype !== int64 && dtype !== int32 && (dtype === float64) !== (data instanceof Float64Array)) {
    throw new RuntimeError(`from_array: ${dtype} needs a ${dtype === float64 ? "Float64Array" : "Float32Array"}`);
  }
  return finish(new Tensor(data, s, dtype), opts);
}

export function zeros(...args: ShapeArgs<TensorOptions>): Tensor {
  const [shape, opts] = splitShapeArgs(args, "zeros");
  return filled(shape, 0, opts);
}

export function ones(...args: ShapeArgs<TensorOptions>): Tensor {
  const [shape, opts] = splitShapeArgs(args, "ones");
  return filled(shape, 1, opts);
}

/** Uninitialised in PyTorch; zero-filled here (typed arrays always start at zero). */
export function empty(...args: ShapeArgs<TensorOptions>): Tensor {
  const [shape, opts] = splitShapeArgs(args, "empty");
  return filled(shape, 0, opts);
}

type FullOptions = TensorOptions & { size?: readonly number[]; fill_value?: number | boolean };

export function full(size: readonly number[] | FullOptions, fill_value?: number | boolean | FullOptions, opts: TensorOptions = {}): Tensor {
  if (!Array.isArray(size) && typeof size === "object" && size !== null && !(size instanceof Tensor)) {
    // full({ size, fill_value, dtype }): torch.full(size=(N,), fill_value=T, dtype=torch.long)
    const { size: s, ...rest } = size as FullOptions;
    if (s === undefined) throw new TypeError_("full() missing 1 required positional argument: 'size'");
    return full(s, rest);
  }
  if (fill_value === undefined) throw new TypeError_("full() missing 1 required positional argument: 'fill_value'");
  if (typeof fill_value === "object" && fill_value !== null) {
    // full(size, { fill_value, dtype })
    const { fill_value: v, ...rest } = fill_value;
    if (v === undefined) throw new TypeError_("full() missing 1 required positional argument: 'fill_value'");
    fill_value = v;
    opts = rest;
  }
  checkCreationOptions("full", opts);
  const [shape] = splitShapeArgs([size as readonly number[]], "full");
  const dflt = typeof fill_value === "boolean" ? bool : get_default_dtype();
  return filled(shape, typeof fill_value === "boolean" ? (fill_value ? 1 : 0) : fill_value, opts, dflt);
}

/** arange(end), arange(start, end), arange(start, end, step), options last. */
export function arange(...args: (number | Tensor | (TensorOptions & { start?: number; end?: number; step?: number }) | undefined)[]): Tensor {
  // One-element tensors stand for their value, as torch takes them for its Scalars; a float one gives a float result.
  const positional = args.filter((a) => typeof a === "number" || a instanceof Tensor);
  const names = [["end"], ["start", "end"], ["start", "end", "step"]][positional.length - 1] ?? [];
  let floatTensor = false;
  const nums = positional.map((a, i) => {
    if (typeof a === "number") return a;
    if (a.numel() !== 1) throw new TypeError_(`arange(): argument '${names[i] ?? "end"}' (position ${i + 1}) must be Number, not Tensor`);
    if (a.dtype.is_floating_point) floatTensor = true;
    return Number(a.item());
  });
  const given = (args.find((a) => typeof a === "object" && a !== null && !(a instanceof Tensor)) as (TensorOptions & { start?: number; end?: number; step?: number }) | undefined) ?? {};
  const { start: kStart, end: kEnd, step: kStep, ...opts } = given;
  checkCreationOptions("arange", opts, ["start", "end", "step"]);
  // Positional numbers fill (end) / (start, end) / (start, end, step); keywords fill the rest, as in Python.
  let start = 0, end: number | undefined, step = 1;
  if (nums.length === 1 && kEnd === undefined) end = nums[0];
  else if (nums.length === 1) [start, end] = [nums[0], kEnd];
  else if (nums.length === 2) [start, end] = nums;
  else if (nums.length === 3) [start, end, step] = nums;
  else if (nums.length === 0 && kEnd !== undefined) end = kEnd;
  else throw new TypeError_("arange(): expected (end), (start, end) or (start, end, step)");
  if (kStart !== undefined) {
    if (nums.length >= 2 || (nums.length === 1 && kEnd !== undefined)) throw new TypeError_("arange() got multiple values for argument 'start'");
    start = kStart;
  }
  if (kStep !== undefined) {
    if (nums.length === 3) throw new TypeError_("arange() got multiple values for argument 'step'");
    step = kStep;
  }
  if (kEnd !== undefined && nums.length >= 2) throw new TypeError_("arange() got multiple values for argument 'end'");
  if (end === undefined) throw new TypeError_("arange() missing 1 required positional argument: 'end'");
  nums.push(...[kStart, kEnd, kStep].filter((v): v is number => v !== undefined));
  if (step === 0) throw new RuntimeError("arange(): step must be nonzero");
  if ((end - start) / step < 0) throw new RuntimeError("arange(): upper bound and larger bound inconsistent with step sign");
  const n = Math.max(0, Math.ceil((end - start) / step));
  // Integer arguments give long in PyTorch; JS cannot tell 2.0 from 2, so integral args give long too.
  const dtype = opts.dtype ?? (!floatTensor && nums.every(Number.isInteger) ? int64 : get_default_dtype());
  const t = new Tensor(allocStorage(dtype, n), [n], dtype);
  for (let i = 0; i < n; i++) t._data[i] = start + i * step;
  wrapInto(dtype, t._data); // arange(250, 260, 4, dtype=torch.uint8) -> 250, 254, 2 as torch (int8, int16, int32 too)
  return finish(t, opts);
}

type LinspaceOptions = TensorOptions & { start?: number | Tensor; end?: number | Tensor; steps?: number };

/**
 * linspace's start / end: a number, or a 0-dim tensor standing for its value as torch's Scalar does
 * (torch.linspace(torch.min(x), torch.max(x), 1000) in Neuromatch's W1D3); any other tensor is the parser's TypeError.
 */
function linspaceEnd(v: number | Tensor, name: string, position: number): number {
  if (!(v instanceof Tensor)) return v;
  if (v.dim() !== 0) throw new TypeError_(`linspace(): argument '${name}' (position ${position}) must be Number, not Tensor`);
  return Number(v.item());
}

export function linspace(...args: PyArgs<[start?: number | Tensor, end?: number | Tensor, steps?: number], LinspaceOptions>): Tensor {
  // start and end may come by keyword too: torch.linspace(start=-10, end=10, steps=5)
  const { start: startArg, end: endArg, steps, ...opts } = parseArgs<LinspaceOptions>("linspace", ["start", "end", "steps", "dtype", "requires_grad", "device"], args);
  if (startArg === undefined || endArg === undefined) throw new TypeError_(`linspace() missing required argument '${startArg === undefined ? "start" : "end"}'`);
  const start = linspaceEnd(startArg, "start", 1), end = linspaceEnd(endArg, "end", 2);
  checkCreationOptions("linspace", opts);
  if (steps === undefined) throw new TypeError_('linspace() missing 1 required positional arguments: "steps"'); // torch's parser words it so
  // torch 1.13: a fractional steps is the argument parser's TypeError (no position when given by keyword), a negative one
  // the kernel's RuntimeError
  if (typeof steps === "number" && !Number.isInteger(steps)) {
    const positional = args.length >= 3 && typeof args[2] === "number";
    throw new TypeError_(`linspace(): argument 'steps'${positional ? " (position 3)" : ""} must be int, not float`);
  }
  if (steps < 0) throw new RuntimeError("number of steps must be non-negative");
  const dtype = opts.dtype ?? get_default_dtype();
  refuseBool(dtype, "linspace_cpu");
  const t = new Tensor(allocStorage(dtype, steps), [steps], dtype);
  // ATen's kernel, to the bit: see ./linspace_fill.ts.
  // the narrower integer types fill as int64 does, but with their own vector width (32 bytes of elements)
  const lanes = wrapsAround(dtype) ? ({ int32: 8, int16: 16, int8: 32, uint8: 32 } as Record<string, number>)[dtype.name] : undefined;
  linspaceFill(t._data, (wrapsAround(dtype) ? "int64" : dtype.name) as LinspaceKind, start, end, steps, lanes);
  wrapInto(dtype, t._data);
  return finish(t, opts);
}

/**
 * randperm's n, eye's n and m: an int or a one-element integer tensor (sizeEntry); anything else raises torch's
 * TypeError ("must be int, not float") instead of making a tensor of that "size".
 */
function intArg(v: unknown, fn: string, keyword: string, pos: number): number {
  const n: unknown = sizeEntry(v, fn, keyword, pos);
  if (typeof n === "number" && Number.isInteger(n)) return n;
  const kind = typeof n === "number" ? "float" : typeof n === "string" ? "str" : typeof n === "boolean" ? "bool" : n === null || n === undefined ? "NoneType" : Array.isArray(n) ? "list" : "dict";
  throw new TypeError_(`${fn}(): argument '${keyword}' (position ${pos}) must be int, not ${kind}`);
}

/** eye(n, m?, opts) or eye(n, { m, dtype, requires_grad }). */
export function eye(n: SizeArg | (TensorOptions & { n: SizeArg; m?: SizeArg }), ...args: PyArgs<[m?: SizeArg], TensorOptions & { m?: SizeArg }>): Tensor {
  if (isOptions(n) && args.length === 0) {
    // torch.eye(n=2, m=3): every argument by keyword
    const { n: rows, ...rest } = n as Record<string, unknown>;
    if (rows === undefined) throw new TypeError_('eye() missing 1 required positional arguments: "n"');
    return eye(rows as SizeArg, rest as TensorOptions & { m?: SizeArg });
  }
  const { m, ...opts } = parseArgs<TensorOptions & { m?: SizeArg }>("eye", ["m", "dtype", "requires_grad", "device"], args);
  checkCreationOptions("eye", opts);
  const rows = intArg(n, "eye", "n", 1); // n and m may be one-element integer tensors, as in torch
  const cols = m === undefined ? rows : intArg(m, "eye", "m", 2);
  const t = filled([rows, cols], 0, opts);
  for (let i = 0; i < Math.min(rows, cols); i++) t._data[i * cols + i] = 1;
  return t;
}

export function rand(...args: ShapeArgs<RandomOptions>): Tensor {
  const [shape, opts] = splitShapeArgs(args, "rand");
  const t = filled(shape, 0, opts);
  if (!t.dtype.is_floating_point) throw new RuntimeError(`"check_uniform_bounds" not implemented for '${cppTypeName(t.dtype)}'`);
  (opts.generator ?? default_generator).fillUniform(t._data, 0, 1, t.dtype === float64);
  return t;
}

export function randn(...args: ShapeArgs<RandomOptions>): Tensor {
  const [shape, opts] = splitShapeArgs(args, "randn");
  const t = filled(shape, 0, opts);
  if (!t.dtype.is_floating_point) throw new RuntimeError(`"normal_kernel_cpu" not implemented for '${cppTypeName(t.dtype)}'`);
  (opts.generator ?? default_generator).fillNormal(t._data, 0, 1, t.dtype === float64);
  return t;
}

const RANDINT_KEYWORDS = "*, torch.Generator generator, Tensor out, torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad";
const RANDINT_NO_GENERATOR = "*, Tensor out, torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad";
/** torch 1.13's randint overloads, as its "invalid combination of arguments" lists them. */
const RANDINT_SIGNATURES = [
  `int high, tuple of ints size, ${RANDINT_KEYWORDS}`, `int high, tuple of ints size, ${RANDINT_NO_GENERATOR}`,
  `int low, int high, tuple of ints size, ${RANDINT_KEYWORDS}`, `int low, int high, tuple of ints size, ${RANDINT_NO_GENERATOR}`,
].map((sig) => ` * (${sig})\n`).join("");

/** torch 1.13's randperm overloads, as its "invalid combination of arguments" lists them. */
const RANDPERM_SIGNATURES = [`int n, ${RANDINT_KEYWORDS}`, `int n, ${RANDINT_NO_GENERATOR}`].map((sig) => ` * (${sig})\n`).join("");

/** randint(high, shape) or randint(low, high, shape): integers in [low, high), long by default. */
type RandintOptions = RandomOptions & { low?: number; high?: number; size?: readonly SizeArg[] };

export function randint(a: number | RandintOptions, b?: number | readonly SizeArg[] | RandintOptions, c?: readonly SizeArg[] | RandintOptions, d?: RandintOptions): Tensor {
  let low = 0, high: number, size: readonly SizeArg[], opts: RandomOptions;
  // A tensor for the size (torch.randint(10, x.shape) is right, torch.randint(10, torch.tensor([2, 3])) is not)
  if (typeof a === "number" && b instanceof Tensor) throw new TypeError_(`randint(): argument 'size' (position 2) must be tuple of ints, not Tensor`);
  if (typeof a === "number" && typeof b === "number" && c instanceof Tensor) throw new TypeError_(`randint() received an invalid combination of arguments - got (${pyTypeName(a)}, ${pyTypeName(b)}, Tensor), but expected one of:\n${RANDINT_SIGNATURES}`);
  // Keyword forms: randint(high, { size }), randint(low, high, { size }), randint(low, { high, size }),
  // randint({ low, high, size }) (torch.randint(low=1, high=C, size=(N, S)) in the CTCLoss docstring).
  const kw = [a, b, c, d].find((v): v is RandintOptions => typeof v === "object" && v !== null && !Array.isArray(v));
  if (kw && (kw.size !== undefined || kw.high !== undefined || kw.low !== undefined)) {
    const { low: kLow, high: kHigh, size: kSize, ...rest } = kw;
    const pos = [a, b, c].filter((v) => typeof v === "number" || Array.isArray(v)) as (number | readonly SizeArg[])[];
    const nums = pos.filter((v): v is number => typeof v === "number");
    const sizes = pos.filter((v): v is readonly SizeArg[] => Array.isArray(v));
    // randint(low, { high, size }) takes its one number for low; randint({ high, size }) has low 0
    const lowV = kLow ?? (nums.length === 2 || (kHigh !== undefined && nums.length === 1) ? nums[0] : 0);
    const highV = kHigh ?? (nums.length === 2 ? nums[1] : nums[0]);
    const sizeV = kSize ?? sizes[0];
    if (sizeV === undefined && highV !== undefined) throw new TypeError_('randint() missing 1 required positional arguments: "size"');
    if (sizeV === undefined || highV === undefined) throw new TypeError_("randint() missing required arguments: expected (high, size) or (low, high, size)");
    return randint(lowV, highV, sizeV, rest);
  }
  if (typeof a !== "number") {
    const given = [a, b, c, d].filter((v) => v !== undefined);
    throw new TypeError_(`randint() received an invalid combination of arguments - got (${given.map(pyTypeName).join(", ")}), but expected one of:\n${RANDINT_SIGNATURES}`);
  }
  // No size, in torch 1.13's parser words: randint(10), randint(10, dtype=...), randint(0, 10)
  if (b === undefined) throw new TypeError_(`randint() received an invalid combination of arguments - got (${pyTypeName(a)}), but expected one of:\n${RANDINT_SIGNATURES}`);
  if (isOptions(b)) throw new TypeError_('randint() missing 1 required positional arguments: "size"');
  if (typeof b === "number" && c === undefined) throw new TypeError_(`randint(): argument 'size' (position 2) must be tuple of ints, not ${pyTypeName(b)}`);
  if (typeof b === "number" && isOptions(c)) throw new TypeError_('randint() missing 1 required positional arguments: "size"');
  if (Array.isArray(b)) {
    high = a;
    size = b as readonly SizeArg[];
    opts = (c as RandomOptions) ?? {};
  } else {
    low = a;
    high = b as number;
    size = c as readonly SizeArg[];
    opts = d ?? {};
  }
  checkCreationOptions("randint", opts);
  if (!(high > low)) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const shape = sizesOf(size, "randint", "size");
  checkNonNegative(shape);
  const t = filled(shape, 0, { ...opts, dtype: opts.dtype ?? int64 });
  // The narrow integer dtypes check the bounds against their range, in torch's C++ type names.
  const cName = ({ uint8: "unsigned char", int8: "signed char", int16: "short int", int32: "int" } as Record<string, string | undefined>)[t.dtype.name];
  if (cName) {
    const { min, max } = intRange(t.dtype);
    if (low < min || low > max) throw new RuntimeError(`from is out of bounds for ${cName}`);
    if (high - 1 > max) throw new RuntimeError(`to - 1 is out of bounds for ${cName}`);
  }
  const gen = opts.generator ?? default_generator;
  const range = high - low;
  if (range < 2 ** 32) for (let i = 0; i < t._data.length; i++) t._data[i] = (gen.random() % range) + low;
  else {
    // torch draws 64 bits for a range of 2^32 or more (the first draw the high word), modulo the range.
    const r = BigInt(Math.trunc(range));
    for (let i = 0; i < t._data.length; i++) {
      const hi = BigInt(gen.random());
      t._data[i] = Number(((hi << 32n) | BigInt(gen.random())) % r) + low;
    }
  }
  return t;
}

/** A random permutation of 0..n-1 (long), PyTorch's swap shuffle on the seeded generator. */
export function randperm(size: SizeArg | (RandomOptions & { n: SizeArg }), ...more: [opts?: RandomOptions]): Tensor {
  // torch.randperm(2, 3): n is its only positional argument
  if (more.length > 1 || (more.length === 1 && more[0] !== undefined && !isOptions(more[0]))) {
    throw new TypeError_(`randperm() takes 1 positional argument but ${1 + more.filter((v) => !isOptions(v)).length} were given`);
  }
  const opts: RandomOptions = more[0] ?? {};
  if (isOptions(size)) {
    // torch.randperm(n=5, generator=g): every argument by keyword
    const { n, ...rest } = size as Record<string, unknown>;
    if (n === undefined) throw new TypeError_('randperm() missing 1 required positional arguments: "n"');
    return randperm(n as SizeArg, { ...(rest as RandomOptions), ...opts });
  }
  checkCreationOptions("randperm", opts);
  if (size === undefined) throw new TypeError_(`randperm() received an invalid combination of arguments - got (), but expected one of:\n${RANDPERM_SIGNATURES}`);
  const n = intArg(size, "randperm", "n", 1); // a one-element integer tensor counts, as in torch
  const t = filled([n], 0, { ...opts, dtype: opts.dtype ?? int64 });
  const gen = opts.generator ?? default_generator;
  const r = t._data;
  for (let i = 0; i < n; i++) r[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.random() % (n - i);
    const tmp = r[i];
    r[i] = r[z + i];
    r[z + i] = tmp;
  }
  return t;
}

function likeOpts(x: Tensor, opts: TensorOptions, op: string): TensorOptions {
  checkCreationOptions(op, opts);
  return { dtype: opts.dtype ?? x.dtype, requires_grad: opts.requires_grad };
}

export const zeros_like = (x: Tensor, opts: LikeOptions = {}): Tensor => zeros(x.shape.slice(), likeOpts(x, opts, "zeros_like"));
export const ones_like = (x: Tensor, opts: LikeOptions = {}): Tensor => ones(x.shape.slice(), likeOpts(x, opts, "ones_like"));
export const empty_like = (x: Tensor, opts: LikeOptions = {}): Tensor => empty(x.shape.slice(), likeOpts(x, opts, "empty_like"));
export const full_like = (x: Tensor, value: number | boolean, opts: LikeOptions = {}): Tensor => full(x.shape.slice(), value, likeOpts(x, opts, "full_like"));
export const rand_like = (x: Tensor, opts: RandomLikeOptions = {}): Tensor => rand(x.shape.slice(), { ...opts, ...likeOpts(x, opts, "rand_like") });
export const randn_like = (x: Tensor, opts: RandomLikeOptions = {}): Tensor => randn(x.shape.slice(), { ...opts, ...likeOpts(x, opts, "randn_like") });
type RandintLikeOptions = RandomLikeOptions & { low?: number; high?: number };
/**
 * randint_like(x, high) or randint_like(x, low, high), options last (PyTorch: low defaults to 0); low and high by
 * keyword too, as torch 1.13's two overloads name them: randint_like(x, high=5), randint_like(x, 1, high=5),
 * randint_like(x, low=1, high=5).
 */
export const randint_like = (
  x: Tensor,
  ...args: [high: number, opts?: RandomOptions] | [low: number, high: number, opts?: RandomOptions] | [low: number, opts: RandintLikeOptions] | [opts: RandintLikeOptions]
): Tensor => {
  const positional = args.filter((a) => !isOptions(a)) as number[];
  const { low: kLow, high: kHigh, ...opts } = (isOptions(args[args.length - 1]) ? args[args.length - 1] : {}) as RandintLikeOptions;
  if (positional.length > 2) throw new TypeError_(`randint_like() takes from 2 to 3 positional arguments but ${positional.length + 1} were given`);
  // positional values fill low, high from the right when high is not named (randint_like(x, 5) is high=5)
  const names: ("low" | "high")[] = kHigh === undefined && positional.length === 1 ? ["high"] : ["low", "high"];
  const a: { low?: number; high?: number } = {};
  positional.forEach((v, i) => { a[names[i]] = v; });
  for (const [k, v] of [["low", kLow], ["high", kHigh]] as const) {
    if (v === undefined) continue;
    if (a[k] !== undefined) throw new TypeError_(`randint_like() got multiple values for argument '${k}'`);
    a[k] = v;
  }
  if (a.high === undefined) throw new TypeError_("randint_like() missing 1 required positional argument: 'high'");
  return randint(a.low ?? 0, a.high, x.shape.slice(), { ...opts, dtype: opts.dtype ?? x.dtype });
};

export function scalar_tensor(v: number | boolean, opts: TensorOptions = {}): Tensor {
  return tensor(v, opts);
}
