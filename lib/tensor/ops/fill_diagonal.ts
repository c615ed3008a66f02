/**
 * fill_diagonal_(fill_value, wrap=false)'s out-of-place core: x with fill_value on its main
 * diagonal. A 2-D x may be non-square (min(rows, cols) entries); with wrap a tall matrix restarts
 * the diagonal every cols + 1 rows, as PyTorch's flat stride does. More dims must all be equal.
 * Written as where(diagonal, fill_value, x), so the gradient skips the filled entries.
 */
import { bool } from "../dtype";
import { RuntimeError } from "../errors";
import type { Tensor } from "../tensor";
import { empty } from "./util";
import { where } from "./where";

export function fill_diagonal(x: Tensor, fill_value: number, wrap = false): Tensor {
  if (x.dim() < 2) throw new RuntimeError("dimensions must larger than 1");
  const shape = x.shape;
  if (x.dim() > 2 && shape.some((s) => s !== shape[0])) throw new RuntimeError("all dimensions of input must be of equal length");
  const mask = empty(shape, bool);
  const m = mask._data;
  // The diagonal's flat (row-major) step: one past the last dim's step in every dim.
  let step = 0;
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    step += acc;
    acc *= shape[i];
  }
  const n = Math.min(...shape);
  const end = x.dim() === 2 && wrap ? m.length : Math.min(m.length, (n - 1) * step + 1);
  for (let p = 0; p < end; p += step) m[p] = 1;
  // The value takes x's dtype, as torch's fill_ (a bool mask's fill_diagonal_(0) stays bool).
  return where(mask, fill_value, x).to(x.dtype);
}
