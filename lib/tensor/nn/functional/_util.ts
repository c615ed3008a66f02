/**
 * Helpers shared by the functional ops: PyTorch-style argument parsing (positional values or
 * a trailing options object) and raw data access for fused kernels.
 */
import { float32, type DType, type Storage } from "../../dtype";
import { RuntimeError, TypeError_, ValueError } from "../../errors";
import { contiguousData, empty } from "../../ops/util";
import { Tensor } from "../../tensor";

export type Reduction = "mean" | "sum" | "none";

/** True for a plain options object (not a tensor, array or number). */
export function isOptions(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !(v instanceof Tensor) && !Array.isArray(v);
}

/**
 * Resolves PyTorch's "positional or keyword" arguments: `names` in positional order, `args`
 * as passed; a trailing options object supplies the rest. Returns a record by name.
 */
export function parseArgs(fn: string, names: readonly string[], args: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let positional = args.length;
  if (positional > 0 && isOptions(args[positional - 1])) {
    positional--;
    const opts = args[positional] as Record<string, unknown>;
    for (const [k, v] of Object.entries(opts)) {
      if (!names.includes(k)) {
        throw new TypeError_(`${fn}() got an unexpected keyword argument '${k}' (accepted: ${names.join(", ")})`);
      }
      out[k] = v;
    }
  }
  if (positional > names.length) {
    throw new TypeError_(`${fn}() takes at most ${names.length} positional arguments after the input but ${positional} were given`);
  }
  for (let i = 0; i < positional; i++) {
    if (names[i] in out) throw new TypeError_(`${fn}() got multiple values for argument '${names[i]}'`);
    if (args[i] !== undefined) out[names[i]] = args[i];
  }
  return out;
}

export function checkTensor(x: unknown, fn: string, arg = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError_(`${fn}(): argument '${arg}' must be a Tensor, not ${x === null ? "null" : typeof x}`);
  }
}

export function checkReduction(r: unknown): Reduction {
  const red = r ?? "mean";
  if (red !== "mean" && red !== "sum" && red !== "none") {
    throw new ValueError(`${String(red)} is not a valid value for reduction (use "mean", "sum" or "none")`);
  }
  return red;
}

/** The floating dtype of a result: the input's own when floating, float32 otherwise. */
export function floatType(x: Tensor): DType {
  return x.dtype.is_floating_point ? x.dtype : float32;
}

/** Elements of t as a contiguous array in t's order (no copy when already contiguous). */
export function data(t: Tensor): Storage {
  return contiguousData(t);
}

/** Elements of t broadcast to `shape`, as a contiguous array (for weights and targets). */
export function dataAs(t: Tensor, shape: readonly number[], what: string, fn: string): Storage {
  if (t.shape.join() === shape.join()) return contiguousData(t);
  try {
    return contiguousData(t.expand(shape.slice()));
  } catch {
    throw new RuntimeError(`${fn}: ${what} of shape [${t.shape.join(", ")}] cannot be broadcast to the input shape [${shape.join(", ")}]`);
  }
}

/** A fresh tensor with the given values. */
export function tensorOf(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  const out = empty(shape, dtype);
  out._data.set(values);
  return out;
}

export { empty };

/** The value of a one-element gradient tensor. */
export function scalarOf(g: Tensor): number {
  return g._data[g._offset];
}
