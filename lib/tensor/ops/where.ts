/** Selection by mask: where and masked_fill. */
import { composite, record } from "../autograd/function";
import { bool, checkIntScalar, cppTypeName, cScalarName, float32, float64, int16, int32, int64, int8, uint8 } from "../dtype";
import { parseArgs } from "../args";
import { RuntimeError, TypeError_ } from "../errors";
import { broadcastShapes, broadcastStrides, fmtShape } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { uint8MaskAsBool } from "./dtype_utils";
import { empty, operands, sumToShape } from "./util";

function checkMask(cond: Tensor, op: string): void {
  if (cond.dtype !== bool) {
    // torch 1.13's words for torch.where / Tensor.where (a uint8 condition was already taken, with its warning)
    if (op === "where") throw new RuntimeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${cppTypeName(cond.dtype) ?? cond.dtype.name}`);
    throw new RuntimeError(`${op}: expected a bool mask (got ${cond.dtype}); build one with a comparison like x.gt(0) or t.bool()`);
  }
}

/**
 * torch.where's call forms: where(condition, input, other) picks elementwise, where(condition)
 * alone is nonzero(condition, as_tuple=True) (given as `nonzero`, which this module cannot
 * import without a cycle). input / other may be keywords; a third positional or an unknown
 * keyword raises as in PyTorch instead of being dropped.
 */
export function torchWhere(nonzero: (c: Tensor) => Tensor[], condition: Tensor, ...args: unknown[]): Tensor | Tensor[] {
  const a = parseArgs<{ input: TensorLike; other: TensorLike }>("where", ["input", "other"], args);
  if (a.input === undefined && a.other === undefined) return nonzero(condition);
  if (a.input === undefined || a.other === undefined) {
    throw new TypeError_(`where() received an invalid combination of arguments: expected (condition) or (condition, input, other), but '${a.input === undefined ? "input" : "other"}' is missing`);
  }
  return where(condition, a.input, a.other);
}

/** cond ? a : b elementwise with broadcasting over all three. */
export function where(condition: Tensor, input: TensorLike, other: TensorLike): Tensor {
  condition = uint8MaskAsBool(condition, "where"); // torch 1.13: deprecated, still works
  checkMask(condition, "where");
  const [a, b, dt] = operands(input, other, "where");
  // A Python int picked into a uint8 / int8 / ... result must fit (torch.where(c, img, 300) overflows; -1 gives 255 in uint8).
  for (const v of [input, other]) if (typeof v === "number") checkIntScalar(dt, v, cScalarName(dt));
  // torch 1.13's message: condition's shape, then input's, then other's, pairwise ('The size of tensor a (3) must match ...').
  const shape = broadcastShapes(broadcastShapes(condition.shape, a.shape), b.shape);
  const out = empty(shape, dt);
  if (sameLayout(condition, shape) && sameLayout(a, shape) && sameLayout(b, shape)) {
    // Common case (masks built from the same tensor): one flat loop, no index bookkeeping.
    const cd = condition._data, ad = a._data, bd = b._data, od = out._data;
    const co = condition._offset, ao = a._offset, bo = b._offset;
    for (let i = 0; i < od.length; i++) od[i] = cd[co + i] !== 0 ? ad[ao + i] : bd[bo + i];
    return recordWhere(out, condition, a, b);
  }
  const nd = shape.length;
  const cs = broadcastStrides(condition.shape, condition._strides, shape);
  const as = broadcastStrides(a.shape, a._strides, shape);
  const bs = broadcastStrides(b.shape, b._strides, shape);
  const idx = new Array<number>(nd).fill(0);
  let co = condition._offset, ao = a._offset, bo = b._offset;
  const cd = condition._data, ad = a._data, bd = b._data, od = out._data;
  const n = od.length;
  for (let i = 0; i < n; i++) {
    od[i] = cd[co] !== 0 ? ad[ao] : bd[bo];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      co += cs[d]; ao += as[d]; bo += bs[d];
      if (idx[d] < shape[d]) break;
      co -= cs[d] * shape[d]; ao -= as[d] * shape[d]; bo -= bs[d] * shape[d];
      idx[d] = 0;
    }
  }
  return recordWhere(out, condition, a, b);
}

function sameLayout(t: Tensor, shape: readonly number[]): boolean {
  return t.dim() === shape.length && t.shape.every((s, i) => s === shape[i]) && t.is_contiguous();
}

function recordWhere(out: Tensor, condition: Tensor, a: Tensor, b: Tensor): Tensor {
  return record(
    out, "WhereBackward0", [a, b],
    (g) => {
      const zero = empty([], g.dtype);
      return [
        a.requires_grad ? sumToShape(where(condition, g, zero), a.shape) : null,
        b.requires_grad ? sumToShape(where(condition, zero, g), b.shape) : null,
      ];
    },
    [condition],
    true,
  );
}

const LOW_BYTE_DTYPES = [float32, float64, int64, int32, int16, int8, uint8];

/**
 * torch 1.13's masked_fill reads a mask that is not bool through its uint8 kernel: the first (lowest, little-endian)
 * byte of each element is the flag, and it must be 0 or 1. So an int64 / int32 mask of 0s and 1s works as a bool one
 * (256 counts as 0), a uint8 mask of 2 raises, and a float mask of 1.0 (bytes 00 00 80 3f) masks nothing, silently:
 * CS224N a4's generate_sent_masks float mask given to masked_fill_ without .bool(). Other dtypes pass through.
 */
function lowByteMask(mask: Tensor): Tensor {
  if (!LOW_BYTE_DTYPES.includes(mask.dtype)) return mask;
  const src = mask.detach().contiguous();
  const out = empty(mask.shape, bool);
  const d = src._data, o = src._offset, od = out._data;
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < od.length; i++) {
    const v = d[o + i];
    let byte: number;
    if (mask.dtype === float32) {
      view.setFloat32(0, v, true);
      byte = view.getUint8(0);
    } else if (mask.dtype === float64) {
      view.setFloat64(0, v, true);
      byte = view.getUint8(0);
    } else {
      byte = ((v % 256) + 256) % 256;
    }
    if (byte > 1) throw new RuntimeError("Mask tensor can take 0 and 1 values only");
    od[i] = byte;
  }
  return out;
}

/**
 * Copy of x with `value` where mask is true (a mask not bool: see lowByteMask). Out of place, mask and x broadcast
 * together as torch's expand_outplace(mask, self): the mask is tensor a of a mismatch, and a larger mask gives a
 * larger result. In place (masked_fill_), self is tensor a and the mask must broadcast to self's shape.
 */
export function masked_fill(x: Tensor, mask: Tensor, value: TensorLike, inplace = false): Tensor {
  const raw = mask;
  mask = uint8MaskAsBool(mask, "masked_fill"); // torch 1.13: deprecated, still works
  if (typeof value === "number") checkIntScalar(x.dtype, value, cScalarName(x.dtype));
  const shape = inplace ? broadcastShapes(x.shape, mask.shape, "masked_fill_") : broadcastShapes(mask.shape, x.shape, "masked_fill");
  if (inplace && (shape.length !== x.dim() || shape.some((s, i) => s !== x.shape[i]))) {
    throw new RuntimeError(`output with shape ${fmtShape(x.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`);
  }
  if (raw instanceof Tensor && raw.dtype !== bool) mask = lowByteMask(raw);
  checkMask(mask, "masked_fill");
  if (value instanceof Tensor) {
    if (value.dim() !== 0) throw new RuntimeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
    return composite("MaskedFillBackward1", [x, value], (xx, vv) => where(mask, vv.to(xx.dtype), xx)); // the Tensor-value overload
  }
  return composite("MaskedFillBackward0", [x], (xx) => {
    const out = where(mask, value, xx);
    return out.dtype === xx.dtype ? out : out.to(xx.dtype);
  });
}
