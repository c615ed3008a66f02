/** Shape, stride and broadcasting helpers shared by views, kernels and autograd. */
import { isOptions } from "./args";
import { IndexError, RuntimeError, TypeError_ } from "./errors";

export type Shape = readonly number[];

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

/** Wraps a possibly negative dim into [0, ndim); the message matches PyTorch's. */
export function normalizeDim(dim: number, ndim: number): number {
  const n = Math.max(ndim, 1); // scalars accept dim 0 and -1, like PyTorch
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + n : dim;
}

/**
 * PyTorch broadcasting: align trailing dims; each pair must be equal or contain a 1. A mismatch raises ATen's
 * infer_size message, as torch 1.13's elementwise ops (add, mul, where, masked_fill, copy_, lerp, ...) do:
 * 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1', a being the
 * first shape, the dimension counted in the broadcast result and checked from the last one. `_op` names the caller (kept for call sites).
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the call sites name their op; torch's message does not
export function broadcastShapes(a: Shape, b: Shape, _op = "broadcast"): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // From the last dimension, as ATen's infer_size: with several mismatches the message names the innermost one.
  for (let i = n - 1; i >= 0; i--) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RuntimeError(`The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had `target` shape (0 for broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Resolves one -1 entry in a requested shape from the element count; the errors are torch 1.13's (view / reshape / unflatten). */
export function inferShape(shape: readonly number[], numel: number): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (s === -1) {
      if (infer >= 0) throw new RuntimeError("only one dimension can be inferred");
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new RuntimeError(`invalid shape dimension ${s}`);
    } else known *= s;
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new RuntimeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
    }
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new RuntimeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
  }
  return out;
}

/**
 * Accepts `f(2, 3)`, `f([2, 3])` and `f()` shape arguments, and PyTorch's keyword form
 * `f({ [keyword]: [2, 3] })` (x.view(size=...), x.permute(dims=...)); `fn` names the method in
 * the TypeError for any other keyword.
 */
export function shapeFromArgs(args: readonly (SizeArg | readonly SizeArg[])[], fn = "view", keyword = "size"): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return sizesOf(args[0] as readonly unknown[], fn, keyword);
  const out: number[] = [];
  for (const a of args) {
    if (typeof a === "number") out.push(a);
    else if (isTensorLike(a)) out.push(sizeEntry(a, fn, keyword, out.length + 1, out.length === 0));
    else return shapeFromKeywordArgs(args, fn, keyword);
  }
  return out;
}

/**
 * shapeFromArgs for a size torch requires (x.sum_to_size(*size), x.resize_(*size)): given as numbers, one list or by
 * keyword (sum_to_size(size=(1, 3))); none at all raises Python's "missing 1 required positional argument".
 */
export function requiredShape(args: readonly unknown[], fn: string, keyword = "size"): number[] {
  const last = args[args.length - 1];
  const named = isOptions(last) && last[keyword] !== undefined;
  if (!named && !args.some((a) => a !== undefined && !isOptions(a))) {
    if (isOptions(last)) shapeFromKeywordArgs(args, fn, keyword); // an unknown keyword raises first, as in torch
    throw new TypeError_(`${fn}() missing 1 required positional argument: '${keyword}'`);
  }
  return shapeFromArgs(args as readonly (SizeArg | readonly SizeArg[])[], fn, keyword);
}

/** A tensor seen structurally (shape.ts sits below tensor.ts in the import graph). */
export interface TensorLike { dtype: { is_floating_point: boolean; name: string }; numel(): number; item(): number | boolean }

/** A size entry: a number, or a one-element integer tensor (sizeEntry). */
export type SizeArg = number | TensorLike;

export function isTensorLike(v: unknown): v is TensorLike {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "dtype" in v && typeof (v as { item?: unknown }).item === "function" && typeof (v as { numel?: unknown }).numel === "function";
}

/**
 * One entry of a size: a number, or (as torch 1.13 takes it through __index__) a one-element integer or
 * bool tensor, which is what iterating an int64 tensor yields (`torch.zeros(...t)`, `x.view(t[0], 2)`).
 * Float, complex and multi-element tensors raise torch's TypeError; `pos` counts from 1, `first` is a tensor
 * given as the first positional argument (not inside a list): torch names the argument's position then.
 */
export function sizeEntry(v: unknown, fn: string, keyword: string, pos: number, first = false): number {
  if (!isTensorLike(v)) return v as number;
  const integral = !v.dtype.is_floating_point && !v.dtype.name.startsWith("complex");
  if (!integral || v.numel() !== 1) {
    // A lone int argument (randperm's n, eye's n and m) rather than an entry of a size.
    if (keyword === "n" || keyword === "m") throw new TypeError_(`${fn}(): argument '${keyword}' (position ${pos}) must be int, not Tensor`);
    // torch's random creation ops and unflatten name their argument "tuple of ints", the others "tuple of SymInts".
    const kind = INT_SIZE_OPS.has(fn) ? "ints" : "SymInts";
    if (first) throw new TypeError_(`${fn}(): argument '${keyword}' (position 1) must be tuple of ${kind}, not Tensor`);
    throw new TypeError_(`${fn}(): argument '${keyword}' must be tuple of ${kind}, but found element of type Tensor at pos ${pos}`);
  }
  return Number(v.item());
}
const INT_SIZE_OPS = new Set(["rand", "randn", "randint", "unflatten"]);

/** The entries of a size given as one array, tensors among them converted by sizeEntry. */
export function sizesOf(list: readonly unknown[], fn: string, keyword: string): number[] {
  return list.map((v, i) => sizeEntry(v, fn, keyword, i + 1));
}

/** The slow path of shapeFromArgs: a trailing options object (its keyword, or an unknown one), else the shape error. */
function shapeFromKeywordArgs(args: readonly unknown[], fn: string, keyword: string): number[] {
  const last = args[args.length - 1];
  if (!isOptions(last)) throw new RuntimeError(`expected a shape given as numbers or one array, got ${JSON.stringify(args)}`);
  const unknown = Object.keys(last).find((k) => k !== keyword);
  if (unknown !== undefined) throw new TypeError_(`${fn}() got an unexpected keyword argument '${unknown}'`);
  const positional = args.slice(0, -1) as (SizeArg | readonly SizeArg[])[];
  const value = last[keyword] as SizeArg | readonly SizeArg[] | undefined;
  if (value === undefined) return shapeFromArgs(positional, fn, keyword);
  if (positional.length > 0) throw new TypeError_(`${fn}() got multiple values for argument '${keyword}'`);
  return shapeFromArgs([value], fn, keyword);
}
