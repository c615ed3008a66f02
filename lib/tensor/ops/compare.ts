/** Comparisons and logic: results are bool masks and carry no gradient. */
import { parseArgs, type PyArgs } from "../args";
import { bool, cppTypeName, float64, uint8 } from "../dtype";
import { RuntimeError } from "../errors";
import type { BinaryOpName } from "../kernels/binary";
import { kernels } from "../kernels/registry";
import { shapesEqual } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { binaryKernel } from "./arithmetic";
import { contiguousData, empty, operands } from "./util";

function compare(op: BinaryOpName, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(a, b, op);
  return binaryKernel(op, x, y, bool);
}

export const gt = (a: TensorLike, b: TensorLike): Tensor => compare("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare("ge", a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare("lt", a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare("le", a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare("ne", a, b);
export const logical_and = (a: TensorLike, b: TensorLike): Tensor => compare("logical_and", a, b);
export const logical_or = (a: TensorLike, b: TensorLike): Tensor => compare("logical_or", a, b);
export const logical_xor = (a: TensorLike, b: TensorLike): Tensor => compare("logical_xor", a, b);

export function logical_not(x: Tensor): Tensor {
  const xd = contiguousData(x);
  const out = empty(x.shape, bool);
  kernels.unary.logical_not(xd.length, xd, out._data, 0, 0);
  return out;
}

function mapMask(x: Tensor, f: (v: number) => boolean): Tensor {
  const xd = contiguousData(x);
  const out = empty(x.shape, bool);
  for (let i = 0; i < xd.length; i++) out._data[i] = f(xd[i]) ? 1 : 0;
  return out;
}

export const isnan = (x: Tensor): Tensor => mapMask(x, (v) => v !== v);
export const isinf = (x: Tensor): Tensor => mapMask(x, (v) => v === Infinity || v === -Infinity);
export const isfinite = (x: Tensor): Tensor => mapMask(x, (v) => Number.isFinite(v));

/** True when shapes and all elements are equal (like torch.equal). */
export function equal(a: Tensor, b: Tensor): boolean {
  if (!shapesEqual(a.shape, b.shape)) return false;
  const x = contiguousData(a);
  const y = contiguousData(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equal_nan?: boolean;
}

/** ATen's infer_size check, with its message: the sizes must broadcast, compared from the last dim. */
function checkBroadcastable(a: readonly number[], b: readonly number[]): void {
  const ndim = Math.max(a.length, b.length);
  for (let i = ndim - 1; i >= 0; i--) {
    const sa = a[a.length - ndim + i] ?? 1;
    const sb = b[b.length - ndim + i] ?? 1;
    if (sa !== sb && sa !== 1 && sb !== 1) {
      throw new RuntimeError(`The size of tensor a (${sa}) must match the size of tensor b (${sb}) at non-singleton dimension ${i}`);
    }
  }
}

/** |a - b| <= atol + rtol * |b|, elementwise with broadcasting. */
export function isclose(a: Tensor, b: Tensor, opts: CloseOptions = {}): Tensor {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  // torch compares like with like: a float32 against a float64 raises, it is not promoted
  if (a.dtype !== b.dtype) throw new RuntimeError(`${cppTypeName(a.dtype)} did not match ${cppTypeName(b.dtype)}`);
  checkBroadcastable(a.shape, b.shape);
  const a64 = a.to(float64).detach();
  const b64 = b.to(float64).detach();
  if (rtol < 0 || atol < 0) throw new RuntimeError(`isclose(): rtol and atol must be non-negative (got rtol=${rtol}, atol=${atol})`);
  // Infinities are close only to themselves: |inf - x| <= rtol * inf would say otherwise.
  const tolerance = a64.sub(b64).abs().le(b64.abs().mul(rtol).add(atol)).logical_and(a64.isfinite()).logical_and(b64.isfinite());
  const close = tolerance.logical_or(a64.eq(b64));
  if (!opts.equal_nan) return close;
  return close.logical_or(a64.isnan().logical_and(b64.isnan()));
}

/** allclose(a, b, rtol=1e-5, atol=1e-8, equal_nan=false) or allclose(a, b, { rtol, atol, equal_nan }). */
export function allclose(a: Tensor, b: Tensor, ...args: PyArgs<[rtol?: number, atol?: number, equal_nan?: boolean], CloseOptions>): boolean {
  const opts = parseArgs<CloseOptions>("allclose", ["rtol", "atol", "equal_nan"], args);
  return isclose(a, b, opts).all().item<boolean>();
}

export function any(x: Tensor, dim?: number, keepdim = false): Tensor {
  const s = x.ne(0).to(float64);
  const r = (dim === undefined ? s.sum() : s.sum(dim, keepdim)).gt(0);
  return x.dtype === uint8 ? r.to(uint8) : r; // torch 1.13 answers a uint8 input in uint8 (0 / 1)
}

export function all(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (x.dtype === bool && dim === undefined) {
    const d = contiguousData(x);
    for (let i = 0; i < d.length; i++) if (d[i] === 0) return empty([], bool);
    const t = empty([], bool);
    t._data[0] = 1;
    return t;
  }
  const s = x.eq(0).to(float64);
  const r = (dim === undefined ? s.sum() : s.sum(dim, keepdim)).eq(0);
  return x.dtype === uint8 ? r.to(uint8) : r; // as any()
}

