/** Small helpers shared by ops: scalar wrapping, fresh outputs, contiguous reads, grad reduction. */
import { get_default_dtype } from "../default_dtype";
import { allocStorage, float32, isIntegral, promoteTypes, promoteWithScalar, wrapsAround, wrapValue, type DType, type Storage } from "../dtype";
import { TypeError_ } from "../errors";
import { kernels } from "../kernels/registry";
import { pyTypeName, returnTypeObject } from "../py_type_name";
import { contiguousStrides, numelOf, shapesEqual } from "../shape";
import { isSparseCoo, sparseHooks } from "../sparse/brand";
import { Tensor, type MinMaxResult, type TensorLike } from "../tensor";

/** A fresh contiguous tensor (zero-filled by the typed array). */
export function empty(shape: readonly number[], dtype: DType = float32): Tensor {
  return new Tensor(allocStorage(dtype, numelOf(shape)), shape, dtype);
}

/**
 * Like empty, but a buffer from the gradient pool keeps its old contents (no zero-fill): only for
 * kernels that write every element of the result.
 */
export function emptyForOverwrite(shape: readonly number[], dtype: DType = float32): Tensor {
  return new Tensor(allocStorage(dtype, numelOf(shape), false), shape, dtype);
}

/** Wraps a JS scalar as a 0-d tensor stored in the given dtype (so float32 ops round like PyTorch). */
export function scalar(v: number | boolean, dtype: DType): Tensor {
  const t = empty([], dtype);
  // A Python int becomes a uint8 / int8 / int16 / int32 operand as torch casts it (-1 -> 255 in uint8,
  // 300 -> 44 in int8), so a // -3 and comparisons match too.
  t._data[0] = typeof v === "boolean" ? (v ? 1 : 0) : wrapsAround(dtype) ? wrapValue(dtype, v) : v;
  return t;
}

export function checkTensorLike(x: unknown, op: string, arg: string): asserts x is TensorLike {
  if (!(x instanceof Tensor) && typeof x !== "number" && typeof x !== "boolean") {
    if (isSparseCoo(x)) sparseHooks.denseOperand(op, x); // x / S: torch's sparse division error (sparse/dispatch.ts)
    throw new TypeError_(`${op}(): argument '${arg}' must be a Tensor or a number, not ${pyTypeName(x)}`);
  }
}

const isInteger = isIntegral;

/** Result dtype of a binary op between two operands (tensor-tensor or tensor-scalar promotion). */
export function resultType(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) {
    // A 0-d tensor does not widen a float dimensioned tensor (PyTorch's dimension-category rule).
    if (a.dim() === 0 && b.dim() > 0 && b.dtype.is_floating_point && a.dtype.is_floating_point) return b.dtype;
    if (b.dim() === 0 && a.dim() > 0 && a.dtype.is_floating_point && b.dtype.is_floating_point) return a.dtype;
    // So does a 0-d integer tensor an integer one: uint8 [n] + int64 0-d stays uint8, as in torch.
    if (a.dim() === 0 && b.dim() > 0 && isInteger(a.dtype) && isInteger(b.dtype)) return b.dtype;
    if (b.dim() === 0 && a.dim() > 0 && isInteger(a.dtype) && isInteger(b.dtype)) return a.dtype;
    return promoteTypes(a.dtype, b.dtype);
  }
  if (a instanceof Tensor) return withDefaultFloat(a.dtype, promoteWithScalar(a.dtype, b as number | boolean));
  if (b instanceof Tensor) return withDefaultFloat(b.dtype, promoteWithScalar(b.dtype, a as number | boolean));
  return typeof a === "boolean" && typeof b === "boolean" ? promoteTypes(float32, float32) : float32;
}

/** An integer / bool tensor with a Python float gives torch's default float dtype (float64 after set_default_dtype). */
function withDefaultFloat(t: DType, r: DType): DType {
  return r === float32 && !t.is_floating_point ? get_default_dtype() : r;
}

/**
 * int16 * int16 (and int32 sums and products) can pass 2^24, where the float32 result a kernel
 * stored in `out` (contiguous, a and b broadcast to its shape) has lost the low bits the wrap-around
 * keeps: the elements are computed again in float64 (exact below 2^53; a product of two int32 values
 * through Math.imul, exact modulo 2^32) and wrapped into out's dtype before float32 storage rounds
 * them. Returns whether it recomputed (no element reached 2^24: the kernel's results were exact).
 */
export function exactIntegerResults(op: "add" | "sub" | "mul", a: Tensor, b: Tensor, out: Tensor, alpha: number): boolean {
  const d = out._data;
  let big = false;
  for (let i = 0; i < d.length && !big; i++) big = !(Math.abs(d[i]) < 2 ** 24);
  if (!big) return false;
  const shape = out.shape.slice();
  const ac = a.expand(shape).contiguous(), bc = b.expand(shape).contiguous();
  const ad = ac._data, bd = bc._data, ao = ac._offset, bo = bc._offset;
  for (let i = 0; i < d.length; i++) {
    const x = ad[ao + i], y = bd[bo + i];
    const v = op === "mul" ? (Math.abs(x * y) < 2 ** 53 ? x * y : Math.imul(x, y)) : x + (op === "sub" ? -alpha : alpha) * y;
    d[i] = wrapValue(out.dtype, v);
  }
  return true;
}

/** Turns both operands into tensors, wrapping scalars in the result dtype. */
export function operands(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor, DType] {
  checkTensorLike(a, op, "input");
  checkTensorLike(b, op, "other");
  const dt = resultType(a, b);
  return [a instanceof Tensor ? a : scalar(a, dt), b instanceof Tensor ? b : scalar(b, dt), dt];
}

/** The tensor's elements as a contiguous array of exactly numel entries (a view when possible). */
export function contiguousData(t: Tensor): Storage {
  const n = t.numel();
  if (t.is_contiguous()) {
    if (t._offset === 0 && t._data.length === n) return t._data;
    return t._data.subarray(t._offset, t._offset + n);
  }
  const out = allocStorage(t.dtype, n);
  kernels.copy(t._shape, t._data, t._offset, t._strides, out, 0, contiguousStrides(t._shape));
  return out;
}

/** Sums a broadcast gradient back to the shape of the input it flows to. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.dim() - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.dim(); i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const s = dims.length > 0 ? g.sum(dims, true) : g;
  return s.reshape(shape.slice());
}

/**
 * A (values, indices) result that is also iterable and indexable in that order, like PyTorch's
 * named tuples: `const [v, i] = x.max(1)`, and `x.max(1)[1]` as the DQN tutorial writes it.
 */
export function valuesAndIndices(values: Tensor, indices: Tensor, name?: string): MinMaxResult {
  const result = Object.assign(name === undefined ? {} : returnTypeObject(name), { values, indices });
  // Not enumerable: the fields stay the whole printed / compared object.
  Object.defineProperty(result, Symbol.iterator, { enumerable: false, value: () => [values, indices][Symbol.iterator]() });
  Object.defineProperty(result, 0, { enumerable: false, value: values });
  Object.defineProperty(result, 1, { enumerable: false, value: indices });
  // print(torch.max(x, 1)): Python's str of the named tuple, 'torch.return_types.max(\nvalues=tensor(...),\nindices=tensor(...))'
  if (name !== undefined) {
    Object.defineProperty(result, "toString", { enumerable: false, value: () => `torch.return_types.${name}(\nvalues=${String(values)},\nindices=${String(indices)})` });
  }
  return result as MinMaxResult;
}
