/**
 * torch.nextafter(input, other): the next representable value after input towards other, in the
 * inputs' floating dtype (float32 steps are float32 ulps, float64 steps float64 ulps). Not
 * differentiable, as in PyTorch 1.13.
 */
import { cppTypeName, float32, float64, promoteTypes } from "../dtype";
import { RuntimeError } from "../errors";
import { broadcastShapes } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { from_array, tensor } from "./creation";
import { contiguousData } from "./util";

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function next64(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  u64[0] += (y > x) === (x > 0) ? 1n : -1n;
  return f64[0];
}

function next32(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  if (x === y) return y;
  if (x === 0) return y > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
  f32[0] = x;
  u32[0] += (y > x) === (x > 0) ? 1 : -1;
  return f32[0];
}

export function nextafter(input: TensorLike, other: TensorLike): Tensor {
  const a = input instanceof Tensor ? input : tensor(input as number);
  const b = other instanceof Tensor ? other : tensor(other as number, { dtype: a.dtype });
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (dtype !== float32 && dtype !== float64) {
    throw new RuntimeError(`"nextafter_cpu" not implemented for '${cppTypeName(dtype)}'`);
  }
  const shape = broadcastShapes(a.shape, b.shape, "nextafter");
  const x = contiguousData(a.to(dtype).expand(shape).contiguous());
  const y = contiguousData(b.to(dtype).expand(shape).contiguous());
  const out = dtype === float64 ? new Float64Array(x.length) : new Float32Array(x.length);
  const step = dtype === float64 ? next64 : next32;
  for (let i = 0; i < out.length; i++) out[i] = step(x[i], y[i]);
  return from_array(out, shape, { dtype });
}
