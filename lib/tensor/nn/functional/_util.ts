/**
 * Helpers shared by the functional ops: argument checks and raw data access for fused
 * kernels. (Positional-or-keyword arguments are parsed by ../../args.ts.)
 */
import { float32, type DType, type Storage } from "../../dtype";
import { RuntimeError, TypeError_, ValueError } from "../../errors";
import { contiguousData, empty } from "../../ops/util";
import { pyTypeName } from "../../py_type_name";
import { Tensor } from "../../tensor";

export type Reduction = "mean" | "sum" | "none";

export function checkTensor(x: unknown, fn: string, arg = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    // Python's type name (NoneType, int, list, torch.return_types.max), as torch's messages print it
    throw new TypeError_(`${fn}(): argument '${arg}' must be a Tensor, not ${pyTypeName(x)}`);
  }
}

export function checkReduction(r: unknown): Reduction {
  const red = r ?? "mean";
  if (red !== "mean" && red !== "sum" && red !== "none") {
    throw new ValueError(`${String(red)} is not a valid value for reduction`); // torch 1.13's _Reduction.get_enum
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
