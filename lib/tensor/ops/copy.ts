/** Copies and conversions: detach, clone, to(dtype), tolist. */
import { record } from "../autograd/function";
import { bool, castValue, wrapValue, type DType } from "../dtype";
import { kernels } from "../kernels/registry";
import { Tensor, type NestedArray } from "../tensor";
import { empty } from "./util";

export function detach(t: Tensor): Tensor {
  // Shares storage and the version counter, but is not an autograd view (no _base):
  // in-place ops on p.detach() are allowed, as in PyTorch.
  return new Tensor(t._data, t._shape, t.dtype, t._strides, t._offset, t._ver);
}

/** Contiguous copy of the elements of t (no autograd). */
export function copyOf(t: Tensor, dtype: DType = t.dtype): Tensor {
  const out = empty(t.shape, dtype);
  kernels.copy(t._shape, t._data, t._offset, t._strides, out._data, 0, out._strides);
  if (dtype !== t.dtype && !dtype.is_floating_point) {
    const d = out._data;
    // From a float, the CPU's float -> int conversion (int32: out of range -> INT32_MIN); from an
    // integer, its low bits (int64 -> int32 wraps modulo 2^32), as torch converts.
    const cast = t.dtype.is_floating_point ? castValue : wrapValue;
    for (let i = 0; i < d.length; i++) d[i] = cast(dtype, d[i]);
  }
  return out;
}

export function clone(t: Tensor): Tensor {
  const out = copyOf(t);
  return record(out, "CloneBackward0", [t], (g) => [g], [], true);
}

export function to(t: Tensor, dtype: DType): Tensor {
  if (dtype === t.dtype) return t;
  const out = copyOf(t, dtype);
  // Gradients flow between floating dtypes only (casting to long/bool cuts the graph).
  if (!dtype.is_floating_point) return out;
  return record(out, "ToCopyBackward0", [t], (g) => [g.to(t.dtype)], [], true);
}

export function onesLike(t: Tensor): Tensor {
  const out = empty(t.shape, t.dtype);
  out._data.fill(1);
  return out;
}

export function tolist(t: Tensor): NestedArray {
  const isBool = t.dtype === bool;
  const conv = (v: number): number | boolean => (isBool ? v !== 0 : v);
  const rec = (dim: number, off: number): NestedArray => {
    if (dim === t.dim()) return conv(t._data[off]);
    const out: NestedArray[] = [];
    for (let i = 0; i < t.shape[dim]; i++) out.push(rec(dim + 1, off + i * t._strides[dim]));
    return out;
  };
  return rec(0, t._offset);
}

