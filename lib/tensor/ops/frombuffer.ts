/**
 * torch.frombuffer(buffer, { dtype, count = -1, offset = 0, requires_grad = false }): a 1-D tensor
 * over the bytes of an ArrayBuffer or of a typed array / DataView (its own window of bytes), as
 * PyTorch reads a Python buffer. offset is in bytes, count in elements (-1: all that follow).
 *
 * float32 and float64 tensors share the memory, as in PyTorch (writes show on both sides) when
 * offset is a multiple of the element size; otherwise, and for the integer dtypes (stored as numbers here)
 * and bool, the values are copied. torch.from_numpy takes a typed array in NumPy's place.
 */
import { parseArgs } from "../args";
import { bool, float32, float64, int16, int32, int64, int8, uint8, type DType } from "../dtype";
import { TypeError_, ValueError } from "../errors";
import { Tensor } from "../tensor";
import { empty } from "./util";

export interface FrombufferOptions {
  dtype?: DType;
  count?: number;
  offset?: number;
  requires_grad?: boolean;
}

const ITEMSIZE = new Map<DType, number>([[float32, 4], [float64, 8], [int64, 8], [int32, 4], [int16, 2], [int8, 1], [uint8, 1], [bool, 1]]);

function bytesOf(buffer: unknown): { buf: ArrayBufferLike; start: number; length: number } {
  if (buffer instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer)) {
    return { buf: buffer, start: 0, length: buffer.byteLength };
  }
  if (ArrayBuffer.isView(buffer)) return { buf: buffer.buffer, start: buffer.byteOffset, length: buffer.byteLength };
  throw new TypeError_("frombuffer(): expected an ArrayBuffer, a typed array or a DataView (an object exposing the buffer interface)");
}

export function frombuffer(buffer: ArrayBufferLike | ArrayBufferView, opts: FrombufferOptions): Tensor {
  const o = parseArgs<FrombufferOptions>("frombuffer", ["dtype", "count", "offset", "requires_grad"], [opts ?? {}]);
  if (o.dtype === undefined) throw new TypeError_("frombuffer() missing required keyword argument 'dtype'");
  const size = ITEMSIZE.get(o.dtype);
  if (size === undefined) throw new TypeError_(`frombuffer(): dtype ${String(o.dtype)} is not supported (float32, float64, int64, int32, int16, int8, uint8 or bool)`);
  const { buf, start, length } = bytesOf(buffer);
  const count = o.count ?? -1;
  const offset = o.offset ?? 0;
  if (!Number.isInteger(count) || !Number.isInteger(offset)) throw new TypeError_("frombuffer(): count and offset must be integers");
  if (length === 0 || count === 0) throw new ValueError(`both buffer length (${length}) and count (${count}) must not be 0`);
  if (offset < 0 || offset >= length) {
    throw new ValueError(`offset (${offset} bytes) must be non-negative and no greater than buffer length (${length} bytes) minus 1`);
  }
  if (count < 0 && (length - offset) % size !== 0) {
    throw new ValueError(`buffer length (${length - offset} bytes) after offset (${offset} bytes) must be a multiple of element size (${size})`);
  }
  if (count > 0 && count * size > length - offset) {
    throw new ValueError(
      `requested buffer length (${count} * ${size} bytes) after offset (${offset} bytes) must not be greater than actual buffer length (${length} bytes)`,
    );
  }
  const n = count < 0 ? (length - offset) / size : count;
  const at = start + offset;
  let t: Tensor;
  if ((o.dtype === float32 || o.dtype === float64) && at % size === 0) {
    t = new Tensor(o.dtype === float32 ? new Float32Array(buf, at, n) : new Float64Array(buf, at, n), [n], o.dtype);
  } else {
    t = empty([n], o.dtype);
    const view = new DataView(buf, at, n * size);
    const d = t._data;
    for (let i = 0; i < n; i++) {
      // Little-endian, as the buffers of every platform this runs on.
      if (o.dtype === float32) d[i] = view.getFloat32(i * 4, true);
      else if (o.dtype === float64) d[i] = view.getFloat64(i * 8, true);
      else if (o.dtype === int64) d[i] = Number(view.getBigInt64(i * 8, true));
      else if (o.dtype === int32) d[i] = view.getInt32(i * 4, true);
      else if (o.dtype === int16) d[i] = view.getInt16(i * 2, true);
      else if (o.dtype === int8) d[i] = view.getInt8(i);
      else if (o.dtype === uint8) d[i] = view.getUint8(i);
      else d[i] = view.getUint8(i) !== 0 ? 1 : 0;
    }
  }
  if (o.requires_grad) t.requires_grad_(true);
  return t;
}

/** The dtype a typed array's elements become, as NumPy's dtypes map to torch's. */
const TYPED_ARRAY_DTYPES: readonly [new (n: number) => ArrayLike<number | bigint>, DType][] = [
  [Float32Array, float32], [Float64Array, float64], [Int32Array, int32], [Int16Array, int16], [Int8Array, int8],
  [Uint8Array, uint8], [Uint8ClampedArray, uint8], [BigInt64Array, int64],
];

/**
 * torch.from_numpy(array): a JavaScript typed array plays NumPy's part (x.numpy() returns one).
 * A Float32Array or Float64Array is shared, as PyTorch shares the NumPy buffer (writes show on
 * both sides); integer arrays are copied into a tensor of the matching dtype (the engine stores
 * integers as floats). The result is one-dimensional, as a typed array has no shape: reshape it.
 * Anything else raises an error naming what to use instead.
 */
export function from_numpy(array?: unknown): Tensor {
  if (array instanceof Float32Array || array instanceof Float64Array) return new Tensor(array, [array.length], array instanceof Float64Array ? float64 : float32);
  const match = TYPED_ARRAY_DTYPES.find(([type]) => array instanceof type);
  if (match) {
    const source = array as ArrayLike<number | bigint>;
    const t = empty([source.length], match[1]);
    for (let i = 0; i < source.length; i++) t._data[i] = Number(source[i]);
    return t;
  }
  throw new TypeError_(
    `torch.from_numpy(): expected a typed array (Float32Array, Float64Array, Int32Array, ...; x.numpy() returns one), got ${Array.isArray(array) ? "an array" : typeof array}. `
      + "There is no NumPy here: use torch.tensor(nestedArray) for nested arrays, torch.from_array(float32Array, shape) for a shaped view, "
      + "or torch.frombuffer(arrayBuffer, { dtype })",
  );
}
