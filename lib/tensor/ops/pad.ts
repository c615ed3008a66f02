/**
 * Padding of the last dims (F.pad): constant (negative amounts crop), reflect, replicate and
 * circular, with backward. `pad` lists (before, after) pairs starting from the LAST dim, as in
 * PyTorch: (left, right, top, bottom, ...).
 *
 * Every mode is a map from an output position to an input position (or none, for the constant
 * fill) per padded dim; forward gathers along it and backward scatter-adds along it.
 */
import { record } from "../autograd/function";
import { int64 } from "../dtype";
import { NotImplementedError, RuntimeError } from "../errors";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/** PyTorch's grad_fn name for a mode padding k dims. */
function nodeName(mode: PadMode, k: number): string {
  if (mode === "constant") return "ConstantPadNdBackward0";
  if (mode === "circular") return "CopySlices";
  return `${mode === "reflect" ? "Reflection" : "Replication"}Pad${k}DBackward0`;
}

const sizeStr = (s: readonly number[]): string => `[${s.join(", ")}]`;

/** Source index of each output position along one dim (-1: the constant value). */
function indexMap(mode: PadMode, size: number, before: number, after: number): Int32Array {
  const out = size + before + after;
  const m = new Int32Array(Math.max(out, 0));
  for (let o = 0; o < out; o++) {
    const i = o - before;
    if (i >= 0 && i < size) m[o] = i;
    else if (mode === "constant") m[o] = -1;
    else if (mode === "reflect") m[o] = i < 0 ? -i : 2 * (size - 1) - i;
    else if (mode === "replicate") m[o] = i < 0 ? 0 : size - 1;
    else m[o] = ((i % size) + size) % size;
  }
  return m;
}

export function pad(input: Tensor, amounts: readonly number[], mode: PadMode, value: number): Tensor {
  const fn = "pad";
  if (amounts.length % 2 !== 0) throw new RuntimeError(`Padding length must be divisible by 2`);
  const k = amounts.length / 2;
  // torch 1.13's words (later releases say "Padding length should be less than or equal to two times ...")
  if (k > input.dim()) throw new RuntimeError("Padding length too large");
  if (amounts.some((a) => !Number.isInteger(a))) throw new RuntimeError(`${fn}: padding amounts must be integers, got ${sizeStr(amounts)}`);
  if (k === 0) return input.clone();
  const d = input.dim();
  if (mode !== "constant") {
    // PyTorch pads the last 1, 2 or 3 dims of a batched or unbatched input in these modes (torch 1.13's _pad_enum).
    if (k < 1 || k > 3 || !(d === k + 1 || d === k + 2)) {
      throw new NotImplementedError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
    }
    // reflect / replicate take a negative amount as torch does (the index maps crop); circular does not
    if (mode === "circular" && amounts.some((a) => a < 0)) throw new RuntimeError(`${fn}: negative padding is only supported in constant, reflect and replicate modes`);
  }
  const shape = input.shape.slice();
  const maps: Int32Array[] = [];
  for (let j = 0; j < k; j++) {
    const dim = d - 1 - j;
    const before = amounts[2 * j];
    const after = amounts[2 * j + 1];
    const size = shape[dim];
    if (mode === "reflect" && (before >= size || after >= size)) {
      throw new RuntimeError(
        `Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${before}, ${after}) at dimension ${dim} of input ${sizeStr(input.shape)}`,
      );
    }
    if (mode === "circular" && (before > size || after > size)) {
      throw new RuntimeError(`Padding value causes wrapping around more than once.`);
    }
    if ((mode === "replicate" || mode === "circular") && size === 0) {
      throw new RuntimeError(`${fn}: cannot ${mode}-pad an empty dimension (input ${sizeStr(input.shape)})`);
    }
    const outSize = size + before + after;
    if (outSize < 0) {
      throw new RuntimeError(
        `The input size ${size}, plus negative padding ${before} and ${after} resulted in a negative output size, which is invalid. Check dimension ${dim} of your input.`,
      );
    }
    maps[dim] = indexMap(mode, size, before, after);
  }
  const outShape = shape.map((s, dim) => (maps[dim] ? maps[dim].length : s));
  const dt = input.dtype;
  const x = contiguousData(input);
  const result = empty(outShape, dt);
  const y = result._data;
  // Leading dims that are not padded form one outer loop; padded dims are walked with an odometer.
  const first = d - k;
  const outer = shape.slice(0, first).reduce((a, b) => a * b, 1);
  const inInner = shape.slice(first).reduce((a, b) => a * b, 1);
  const outInner = outShape.slice(first).reduce((a, b) => a * b, 1);
  const inStrides = new Array<number>(d).fill(1);
  for (let i = d - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const padded = outShape.slice(first);
  const pmaps = maps.slice(first);
  const pstr = inStrides.slice(first);

  /** Calls f(outFlat, inFlatOrMinus1) for every position of one outer slice. */
  function walk(f: (o: number, i: number) => void): void {
    if (outInner === 0) return;
    const idx = new Array<number>(k).fill(0);
    const last = k - 1;
    const lastMap = pmaps[last];
    const lastLen = padded[last];
    for (let o = 0; o < outInner; o += lastLen) {
      let base = 0;
      let outside = false;
      for (let j = 0; j < last; j++) {
        const s = pmaps[j][idx[j]];
        if (s < 0) outside = true;
        base += s * pstr[j];
      }
      for (let t = 0; t < lastLen; t++) {
        const s = lastMap[t];
        f(o + t, outside || s < 0 ? -1 : base + s);
      }
      for (let j = last - 1; j >= 0; j--) {
        if (++idx[j] < padded[j]) break;
        idx[j] = 0;
      }
    }
  }

  // Precompute the flat source of every output position of one outer slice (shared by all slices).
  const src = new Int32Array(outInner);
  walk((o, i) => (src[o] = i));
  for (let b = 0; b < outer; b++) {
    const xo = b * inInner;
    const yo = b * outInner;
    for (let o = 0; o < outInner; o++) {
      const s = src[o];
      y[yo + o] = s < 0 ? value : x[xo + s];
    }
  }
  return record(result, nodeName(mode, k), [input], (grad) => {
    const go = contiguousData(grad.dtype === dt ? grad : grad.to(dt));
    const gx = empty(input.shape, dt);
    const r = gx._data;
    for (let b = 0; b < outer; b++) {
      const xo = b * inInner;
      const yo = b * outInner;
      for (let o = 0; o < outInner; o++) {
        const s = src[o];
        if (s >= 0) r[xo + s] += go[yo + o];
      }
    }
    return [gx];
  }, [], (grad) => [padAdjoint(grad, input.shape, maps, mode, amounts)]);
}

/**
 * The backward of pad as recorded ops, for create_graph (a gradient penalty through a discriminator that pads, as
 * StyleGAN's Smooth does with ReplicationPad2d): constant mode pads the gradient with the negated amounts (crops what
 * was added, zero-fills what was cropped); the other modes scatter-add it back along each padded dim with index_add
 * over the same source map (index_add's backward is index_select, recorded too).
 */
function padAdjoint(grad: Tensor, inShape: readonly number[], maps: Int32Array[], mode: PadMode, amounts: readonly number[]): Tensor {
  if (mode === "constant") return pad(grad, amounts.map((a) => -a), "constant", 0);
  let cur = grad;
  maps.forEach((m, dim) => {
    if (!m) return;
    const idx = empty([m.length], int64);
    for (let i = 0; i < m.length; i++) idx._data[i] = m[i];
    const shape = cur.shape.slice();
    shape[dim] = inShape[dim];
    cur = empty(shape, cur.dtype).index_add(dim, idx, cur);
  });
  return cur;
}
