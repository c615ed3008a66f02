/**
 * Rearranging copies: tile (repeat with PyTorch's padding of short size lists), flip (reverse
 * along dims) and roll (cyclic shift along dims, or of the flattened tensor). All are built on
 * differentiable ops, or carry their own backward.
 */
import { record } from "../autograd/function";
import { no_grad } from "../autograd/grad_mode";
import { RuntimeError, TypeError_ } from "../errors";
import { contiguousStrides, normalizeDim } from "../shape";
import type { Tensor } from "../tensor";
import { cat } from "./join";
import { contiguousData, empty } from "./util";

/** Like repeat, but a size list shorter than x.dim() is padded with leading 1s. */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  // torch 1.13: a float is refused by the argument parser; a negative repeat by repeat's sizing of the result
  if (dims.some((d) => !Number.isInteger(d))) throw new TypeError_("tile(): argument 'dims' (position 1) must be tuple of ints, not float");
  const sizes = dims.length < x.dim() ? [...new Array<number>(x.dim() - dims.length).fill(1), ...dims] : dims.slice();
  return x.repeat(sizes);
}

function uniqueDims(x: Tensor, dims: readonly number[], op: string): number[] {
  const norm = dims.map((d) => normalizeDim(d, Math.max(x.dim(), 1)));
  if (new Set(norm).size !== norm.length) throw new RuntimeError(`${op}(): dims has duplicates: [${dims.join(", ")}]`);
  return norm;
}

/** Copy of x reversed along each of `dims`. */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  const ds = uniqueDims(x, dims, "flip");
  const out = flipRaw(x, ds);
  return record(out, "FlipBackward0", [x], (g) => [flipRaw(g, ds)]);
}

function flipRaw(x: Tensor, dims: readonly number[]): Tensor {
  const xd = contiguousData(x);
  const out = empty(x.shape, x.dtype);
  const shape = x.shape;
  const strides = contiguousStrides(shape);
  const nd = shape.length;
  const coord = new Array<number>(nd).fill(0);
  const flipped = shape.map((_, i) => dims.includes(i));
  // Source offset of output element `i`: each flipped coordinate c reads size - 1 - c.
  let src = 0;
  for (let i = 0; i < nd; i++) if (flipped[i]) src += (shape[i] - 1) * strides[i];
  for (let i = 0; i < xd.length; i++) {
    out._data[i] = xd[src];
    for (let d = nd - 1; d >= 0; d--) {
      coord[d]++;
      src += flipped[d] ? -strides[d] : strides[d];
      if (coord[d] < shape[d]) break;
      src -= (flipped[d] ? -strides[d] : strides[d]) * shape[d];
      coord[d] = 0;
    }
  }
  return out;
}

/**
 * Cyclic shift: element i moves to i + shift along each dim; without dims, of the flattened tensor. One node,
 * RollBackward0, as torch 1.13 records it (its backward rolls the gradient back); the engine built it from
 * narrow / cat and printed CatBackward0 (ViewBackward0 without dims).
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
  const sh = typeof shifts === "number" ? [shifts] : shifts.slice();
  const flat = dims === undefined || dims === null || (Array.isArray(dims) && dims.length === 0);
  const ds = flat ? [] : typeof dims === "number" ? [dims] : (dims as readonly number[]).slice();
  // torch 1.13's words, with no space after "dims:" (aten's roll_common)
  if (flat && sh.length !== 1) throw new RuntimeError(`shifts and dimensions must align. shifts: ${sh.length}, dims:0`);
  if (!flat && sh.length !== ds.length) throw new RuntimeError(`shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
  const norm = ds.map((d) => normalizeDim(d, x.dim()));
  const out = no_grad(() => {
    if (flat) return rolled(x.flatten(), sh, [0]).view(x.shape.slice());
    return rolled(x, sh, norm);
  });
  const fresh = out._base ? no_grad(() => out.clone()) : out;
  const back = sh.map((s) => -s);
  return record(fresh, "RollBackward0", [x], (g) => [flat ? roll(g, back[0]) : roll(g, back, norm)], [], true);
}

/** The values of roll (no graph): each dim's shift as narrow + cat, a fresh tensor. */
function rolled(x: Tensor, sh: readonly number[], ds: readonly number[]): Tensor {
  let out = x;
  ds.forEach((d, i) => {
    const size = x.shape[d];
    const s = size === 0 ? 0 : ((sh[i] % size) + size) % size;
    if (s !== 0) out = cat([out.narrow(d, size - s, s), out.narrow(d, 0, size - s)], d);
  });
  return out === x ? x.clone() : out;
}
