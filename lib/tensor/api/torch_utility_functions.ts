/**
 * Small torch.* utilities: torch.range (deprecated, end included), torch.Size, torch.typename,
 * torch.asarray, is_storage / is_signed / is_same_size / get_device, and the second names
 * row_stack, concatenate, unflatten, with nextafter, gradient and cumulative_trapezoid.
 */
import { parseArgs, type PyArgs } from "../args";
import { RuntimeError, TypeError_, ValueError } from "../errors";
import { Tensor } from "../tensor";
import { nextafter } from "../ops/nextafter";
import { cumulative_trapezoid, gradient } from "../ops/gradient";
import { get_default_dtype } from "../default_dtype";
import { float64, type DType } from "../dtype";
import { from_array, tensor } from "../ops/creation";
import { cat, vstack } from "../ops/join";
import { Size as SizeClass, sizeOf } from "../size";
import { TypedStorage } from "./storage";
import { warnOnce } from "../warnings";

export interface RangeOptions { step?: number; dtype?: DType; requires_grad?: boolean; device?: unknown }

/**
 * torch.range(start, end, step=1): deprecated in PyTorch, kept for old tutorials. Unlike arange
 * the end is included: floor((end - start) / step) + 1 values, in the default dtype.
 */
function range(start: number, end: number, ...args: PyArgs<[step?: number], RangeOptions>): Tensor {
  const o = parseArgs<RangeOptions>("range", ["step", "dtype", "requires_grad", "device"], args);
  warnOnce("UserWarning: torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).");
  const step = o.step ?? 1;
  if (step === 0) throw new RuntimeError("step must be nonzero");
  if ((step > 0 && end < start) || (step < 0 && end > start)) throw new RuntimeError("upper bound and larger bound inconsistent with step sign");
  const n = Math.floor((end - start) / step) + 1;
  // in the default dtype, float32 unless set, as torch (it gave float64): values computed in double, then stored
  const dtype = get_default_dtype();
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  const data = dtype === float64 ? Float64Array.from(values) : Float32Array.from(values);
  const t = from_array(data, [n], { dtype });
  const out = o.dtype ? t.to(o.dtype) : t;
  return o.requires_grad ? out.requires_grad_(true) : out;
}

/**
 * torch.Size([2, 3]): checks and copies the sizes into the class every shape is (size.ts: a frozen
 * number array that also reads x.shape[-1]); `x.shape instanceof torch.Size` holds.
 */
function Size(sizes: Iterable<number> | Tensor = []): readonly number[] {
  // torch.Size(torch.tensor([2, 3])): iterating a tensor gives 0-d tensors; a one-element integer or bool tensor
  // stands for its value (Python's __index__), a float one is refused
  const asIndex = (v: unknown): unknown => (v instanceof Tensor && v.numel() === 1 && !v.dtype.is_floating_point ? Number(v.item()) : v);
  const out: unknown[] = [...(sizes as Iterable<unknown>)].map(asIndex);
  out.forEach((v, i) => {
    const kind = v instanceof Tensor ? "Tensor" : typeof v === "number" ? "float" : typeof v;
    if (!Number.isInteger(v)) throw new TypeError_(`torch.Size() takes an iterable of 'int' (item ${i} is '${kind}')`);
  });
  return sizeOf(out as number[]);
}
// Not an expando assignment (Size.prototype = ...): the editor declarations could not name the function then.
Object.defineProperty(Size, "prototype", { value: SizeClass.prototype });

/** torch.typename(obj): a tensor's legacy type name (torch.FloatTensor, ...), else the class name. */
function typename(obj: unknown): string {
  if (obj instanceof Tensor) return obj.type();
  if (obj === null || obj === undefined) return "NoneType";
  if (typeof obj !== "object" && typeof obj !== "function") return { number: Number.isInteger(obj) ? "int" : "float", string: "str", boolean: "bool" }[typeof obj as string] ?? typeof obj;
  return (obj as object).constructor?.name ?? "object";
}

export interface AsarrayOptions { dtype?: DType; copy?: boolean | null; requires_grad?: boolean; device?: unknown }

/** torch.asarray(obj, *, dtype, copy, requires_grad): shares a tensor unless a copy or another dtype is asked for. */
function asarray(obj: unknown, ...args: PyArgs<[], AsarrayOptions>): Tensor {
  const o = parseArgs<AsarrayOptions>("asarray", ["dtype", "copy", "requires_grad", "device"], args);
  let t: Tensor;
  if (obj instanceof Tensor) {
    const retyped = o.dtype && o.dtype !== obj.dtype;
    if (o.copy === false && retyped) throw new ValueError(`can't alias tensor from ${obj.dtype} to ${o.dtype} without copying`);
    t = retyped ? obj.to(o.dtype as DType) : o.copy ? obj.clone() : obj;
  } else t = tensor(obj as never, { dtype: o.dtype });
  return o.requires_grad ? t.requires_grad_(true) : t;
}

export const torchUtilityFunctions = {
  row_stack: vstack,
  concatenate: cat,
  unflatten: (x: Tensor, dim: number, sizes: readonly number[]) => x.unflatten(dim, sizes),
  asarray,
  nextafter,
  gradient,
  cumulative_trapezoid,
  range,
  Size,
  typename,
  /** True for x.storage()'s TypedStorage (api/storage.ts). */
  is_storage: (obj: unknown) => obj instanceof TypedStorage,
  is_signed: (x: Tensor) => x.is_signed(),
  is_same_size: (x: Tensor, other: Tensor) => x.is_same_size(other),
  get_device: (x: Tensor) => x.get_device(),
};
