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

/** PyTorch broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(a: Shape, b: Shape, op = "broadcast"): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RuntimeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together ` +
          `(the size of dim ${i - n} is ${da} vs ${db}; sizes must match or be 1)`,
      );
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

/** Resolves one -1 entry in a requested shape from the element count. */
export function inferShape(shape: readonly number[], numel: number, op: string, from: Shape): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (s === -1) {
      if (infer >= 0) throw new RuntimeError(`${op}: only one dimension can be inferred`);
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new RuntimeError(`${op}: invalid shape dimension ${s}`);
    } else known *= s;
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new RuntimeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel}`);
    }
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new RuntimeError(`shape '${fmtShape(shape)}' is invalid for input of size ${numel} (input shape ${fmtShape(from)})`);
  }
  return out;
}

/**
 * Accepts `f(2, 3)`, `f([2, 3])` and `f()` shape arguments, and PyTorch's keyword form
 * `f({ [keyword]: [2, 3] })` (x.view(size=...), x.permute(dims=...)); `fn` names the method in
 * the TypeError for any other keyword.
 */
export function shapeFromArgs(args: readonly (number | readonly number[])[], fn = "view", keyword = "size"): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as number[]).slice();
  const out: number[] = [];
  for (const a of args) {
    if (typeof a !== "number") return shapeFromKeywordArgs(args, fn, keyword);
    out.push(a);
  }
  return out;
}

/** The slow path of shapeFromArgs: a trailing options object (its keyword, or an unknown one), else the shape error. */
function shapeFromKeywordArgs(args: readonly unknown[], fn: string, keyword: string): number[] {
  const last = args[args.length - 1];
  if (!isOptions(last)) throw new RuntimeError(`expected a shape given as numbers or one array, got ${JSON.stringify(args)}`);
  const unknown = Object.keys(last).find((k) => k !== keyword);
  if (unknown !== undefined) throw new TypeError_(`${fn}() got an unexpected keyword argument '${unknown}'`);
  const positional = args.slice(0, -1) as (number | readonly number[])[];
  const value = last[keyword] as number | readonly number[] | undefined;
  if (value === undefined) return shapeFromArgs(positional, fn, keyword);
  if (positional.length > 0) throw new TypeError_(`${fn}() got multiple values for argument '${keyword}'`);
  return shapeFromArgs([value], fn, keyword);
}
