/**
 * nan_to_num: NaN, +inf and -inf replaced by finite numbers (defaults: 0 and the dtype's
 * largest / lowest finite value). The gradient passes where the input was finite, zero
 * elsewhere, as in PyTorch.
 */
import { record } from "../autograd/function";
import { float64 } from "../dtype";
import { RuntimeError } from "../errors";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

const FLOAT32_MAX = 3.4028234663852886e38;

export interface NanToNumOptions {
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}

export function nan_to_num(x: Tensor, nan = 0, posinf?: number | null, neginf?: number | null): Tensor {
  for (const [name, v] of [["nan", nan], ["posinf", posinf], ["neginf", neginf]] as const) {
    if (v !== undefined && v !== null && typeof v !== "number") throw new RuntimeError(`nan_to_num(): ${name} must be a number, got ${typeof v}`);
  }
  if (!x.dtype.is_floating_point) return x.clone();
  const big = x.dtype === float64 ? Number.MAX_VALUE : FLOAT32_MAX;
  const pos = posinf ?? big;
  const neg = neginf ?? -big;
  const xd = contiguousData(x);
  const out = empty(x.shape, x.dtype);
  const od = out._data;
  for (let i = 0; i < xd.length; i++) {
    const v = xd[i];
    od[i] = v !== v ? nan : v === Infinity ? pos : v === -Infinity ? neg : v;
  }
  return record(out, "NanToNumBackward0", [x], (g) => [g.mul(x.isfinite().to(g.dtype))], [x]);
}
