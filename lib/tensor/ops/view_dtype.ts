/**
 * Tensor.view(dtype): torch 1.13 reinterprets the tensor's bytes as another dtype, a view of the same
 * memory (not differentiable: the result never requires grad).
 *
 * This engine stores values, not bytes: every dtype but float64 keeps its values in a Float32Array
 * (torch.int32's 1065353216 is stored as that number, not as the bits of 1.0), so a view can only show
 * the stored numbers again. view(dtype) is therefore a view sharing storage exactly when every element
 * reads the same in both dtypes:
 *   - the same dtype (an alias, as torch's);
 *   - among the one-byte dtypes (bool, uint8, int8), when the bytes of these values mean the same numbers
 *     in the new dtype: a bool tensor as uint8 / int8 (0 and 1), a uint8 / int8 tensor holding only 0 and
 *     1 as bool, uint8 values 0..127 as int8 and int8 values 0..127 as uint8. Other values raise (200 as
 *     int8 would read -56); so would values written later through one of the views (not checked then).
 * Other pairs of dtypes (float32 <-> int32, float64 <-> int64, and any change of element size) change
 * every value: after torch's own checks for different element sizes (its messages), they raise an error
 * naming the pair.
 */
import { bool, cppTypeName, int8, uint8, type DType } from "../dtype";
import { RuntimeError } from "../errors";
import { Tensor } from "../tensor";
import { contiguousData } from "./util";

const ONE_BYTE: ReadonlySet<DType> = new Set([bool, uint8, int8]);

/** The byte holding the value v of a one-byte dtype. */
const byteOf = (dtype: DType, v: number): number => (dtype === int8 && v < 0 ? v + 256 : v);

/** The value the byte b reads as in a one-byte dtype (bool: nonzero is True). */
const readByte = (dtype: DType, b: number): number => (dtype === bool ? (b !== 0 ? 1 : 0) : dtype === int8 && b >= 128 ? b - 256 : b);

const pyBool = (v: number): string => (v !== 0 ? "True" : "False");
const show = (dtype: DType, v: number): string => (dtype === bool ? pyBool(v) : String(v));

/** torch 1.13's checks (aten view_dtype) for a different element size, with its messages. */
function checkElementSizes(x: Tensor, dtype: DType): void {
  const from = x.dtype.itemsize;
  const to = dtype.itemsize;
  const what = `to view ${cppTypeName(x.dtype)} as ${cppTypeName(dtype)} (different element sizes)`;
  if (x.dim() === 0) throw new RuntimeError(`self.dim() cannot be 0 ${what}`);
  const last = x.dim() - 1;
  if (from > to) {
    if (x.stride(last) !== 1) throw new RuntimeError(`self.stride(-1) must be 1 ${what}, but got ${x.stride(last)}`);
    return;
  }
  const ratio = to / from;
  if (x.shape[last] % ratio !== 0) throw new RuntimeError(`self.size(-1) must be divisible by ${ratio} ${what}, but got ${x.shape[last]}`);
  if (x.storage_offset() % ratio !== 0) throw new RuntimeError(`self.storage_offset() must be divisible by ${ratio} ${what}, but got ${x.storage_offset()}`);
  if (x.stride(last) !== 1) throw new RuntimeError(`self.stride(-1) must be 1 ${what}, but got ${x.stride(last)}`);
  for (let d = 0; d < last; d++) {
    if (x.stride(d) % ratio !== 0) throw new RuntimeError(`self.stride(${d}) must be divisible by ${ratio} ${what}, but got ${x.stride(d)}`);
  }
}

/** The first value of x (a one-byte dtype) that reads differently as `dtype`, or null when none does. */
function firstChanged(x: Tensor, dtype: DType): number | null {
  const d = contiguousData(x);
  for (let i = 0; i < d.length; i++) {
    if (readByte(dtype, byteOf(x.dtype, d[i])) !== d[i]) return d[i];
  }
  return null;
}

/** x.view(dtype): see the file's comment. */
export function viewDtype(x: Tensor, dtype: DType): Tensor {
  const alias = (): Tensor => new Tensor(x._data, x.shape, dtype, x._strides, x._offset, x._ver);
  if (dtype === x.dtype) return alias();
  if (x.dtype.itemsize !== dtype.itemsize) checkElementSizes(x, dtype);
  else if (ONE_BYTE.has(x.dtype) && ONE_BYTE.has(dtype)) {
    const v = firstChanged(x, dtype);
    if (v === null) return alias();
    throw new RuntimeError(
      `view(): viewing this ${x.dtype} tensor as ${dtype} would change its values (${show(x.dtype, v)} reads as ${show(dtype, readByte(dtype, byteOf(x.dtype, v)))}); ` +
        "this engine's views share stored values, not bytes, so it views a one-byte dtype as another only while every value reads the same in both",
    );
  }
  throw new RuntimeError(
    `view(): viewing ${x.dtype} as ${dtype} reinterprets the bits, which this engine cannot do: it stores values, not bits ` +
      "(in float32 storage for every dtype but float64), so no view of the same memory can read them as another dtype. " +
      `.to(${dtype}) converts the values instead.`,
  );
}
