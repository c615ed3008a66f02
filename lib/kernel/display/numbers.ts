import { Tensor } from "../../tensor";

export type NumbersLike = number[] | ArrayLike<number> | Tensor;

/** A flat list of numbers from an array, a typed array or a tensor of any shape. */
export function toNumbers(values: NumbersLike, what = "values"): number[] {
  if (values instanceof Tensor) return Array.from(values.detach().contiguous().flatten().tolist() as number[]);
  if (Array.isArray(values) || ArrayBuffer.isView(values) || (typeof values === "object" && values !== null && "length" in values)) {
    return Array.from(values as ArrayLike<number>, Number);
  }
  throw new TypeError(`${what} must be an array of numbers or a Tensor, got ${typeof values}`);
}

/** Rows of numbers from a 2-D tensor or nested array. */
export function toMatrix(values: Tensor | number[][], what = "matrix"): number[][] {
  if (values instanceof Tensor) {
    if (values.dim() !== 2) throw new TypeError(`${what} must be a 2-D tensor, got shape [${values.shape.join(", ")}]`);
    return values.detach().tolist() as number[][];
  }
  if (Array.isArray(values) && values.every(Array.isArray)) return values.map((row) => row.map(Number));
  throw new TypeError(`${what} must be a 2-D tensor or an array of arrays of numbers`);
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}
