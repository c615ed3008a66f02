/**
 * Advanced indexing with several index tensors, `x[idx0, :, idx1]` (x.index(idx0, ":", idx1)).
 * The index tensors broadcast together to a shape B; the result holds B's dims where the
 * indexed dims were when those dims are adjacent, else B's dims first, then the dims that
 * slices kept (NumPy's and PyTorch's rule). Everything here works on storage positions: the
 * position of every result element in the indexed view, listed in "B first" order, serves
 * reads (gather), their backward (scatter-add) and writes (index_put, with accumulate).
 */
import { record } from "../autograd/function";
import { int64 } from "../dtype";
import { IndexError, RuntimeError } from "../errors";
import { broadcastShapes, contiguousStrides, fmtShape, numelOf } from "../shape";
import type { Tensor } from "../tensor";
import { contiguousData, empty } from "./util";

/** One index tensor (long) applied to dim `dim` of the view. */
export interface AdvancedIndex {
  dim: number;
  index: Tensor;
}

export interface AdvancedPlan {
  /** Broadcast shape of the index tensors. */
  bshape: number[];
  /** Dims of the view the slices kept, in order. */
  rest: number[];
  /** Result shape with B's dims first (the order `positions` lists elements in). */
  bFirstShape: number[];
  /** The result's shape in PyTorch's order. */
  shape: number[];
  /** Permutation from bFirstShape order to `shape` order (null when they agree). */
  perm: number[] | null;
  /** Element positions in the view for the given strides and offset, in bFirstShape order. */
  positions(strides: readonly number[], offset: number): Int32Array | Float64Array;
}

export function planAdvanced(viewShape: readonly number[], adv: readonly AdvancedIndex[]): AdvancedPlan {
  let bshape: number[] = [];
  try {
    for (const a of adv) bshape = broadcastShapes(bshape, a.index.shape);
  } catch {
    throw new IndexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${adv.map((a) => fmtShape(a.index.shape)).join(", ")}`);
  }
  const dims = adv.map((a) => a.dim);
  const rest = viewShape.map((_, i) => i).filter((i) => !dims.includes(i));
  const restShape = rest.map((i) => viewShape[i]);
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  const first = Math.min(...dims);
  const bFirstShape = [...bshape, ...restShape];
  let perm: number[] | null = null;
  let shape = bFirstShape;
  if (adv.length > 0 && adjacent && first > 0) {
    // B's dims go where the indexed dims were: after the `first` rest dims before them.
    const nb = bshape.length;
    perm = [...rest.slice(0, first).map((_, i) => nb + i), ...bshape.map((_, i) => i), ...rest.slice(first).map((_, i) => nb + first + i)];
    shape = perm.map((p) => bFirstShape[p]);
  }
  // Each index as data broadcast to B, checked against its dim's size once.
  const nB = numelOf(bshape);
  const idxData = adv.map((a) => {
    const size = viewShape[a.dim];
    const d = contiguousData(a.index.expand(bshape).contiguous());
    const out = new Float64Array(nB);
    for (let i = 0; i < nB; i++) {
      const v = d[i];
      if (!Number.isInteger(v) || v < -size || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${a.dim} with size ${size}`);
      out[i] = v < 0 ? v + size : v;
    }
    return out;
  });
  const positions = (strides: readonly number[], offset: number): Float64Array => {
    const restOff = restOffsets(restShape, rest.map((i) => strides[i]));
    const out = new Float64Array(nB * restOff.length);
    for (let b = 0; b < nB; b++) {
      let base = offset;
      for (let k = 0; k < adv.length; k++) base += idxData[k][b] * strides[adv[k].dim];
      const o = b * restOff.length;
      for (let r = 0; r < restOff.length; r++) out[o + r] = base + restOff[r];
    }
    return out;
  };
  return { bshape, rest, bFirstShape, shape, perm, positions };
}

/** Offsets of every element of a (shape, strides) block in row-major order. */
function restOffsets(shape: readonly number[], strides: readonly number[]): Float64Array {
  const n = numelOf(shape);
  const out = new Float64Array(n);
  const coord = new Array<number>(shape.length).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let d = shape.length - 1; d >= 0; d--) {
      coord[d]++;
      off += strides[d];
      if (coord[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      coord[d] = 0;
    }
  }
  return out;
}

/** Reads view[indices] (differentiable: backward scatter-adds into the view's shape). */
export function advancedRead(view: Tensor, adv: readonly AdvancedIndex[]): Tensor {
  const plan = planAdvanced(view.shape, adv);
  const pos = plan.positions(view._strides, view._offset);
  const out = empty(plan.bFirstShape, view.dtype);
  const vd = view._data;
  for (let i = 0; i < pos.length; i++) out._data[i] = vd[pos[i]];
  const flatPos = plan.positions(contiguousStrides(view.shape), 0);
  const res = record(out, "IndexBackward0", [view], (g) => {
    const gd = contiguousData(g);
    const z = empty(view.shape, g.dtype);
    for (let i = 0; i < flatPos.length; i++) z._data[flatPos[i]] += gd[i];
    return [z];
  }, adv.map((a) => a.index), (g) => {
    // create_graph: the same scatter as a recorded index_add over the flattened view.
    const flat = empty([flatPos.length], int64);
    for (let i = 0; i < flatPos.length; i++) flat._data[i] = flatPos[i];
    return [empty([view.numel()], g.dtype).index_add(0, flat, g.reshape([-1])).reshape(view.shape.slice())];
  });
  return plan.perm ? res.permute(plan.perm) : res;
}

/**
 * Writes value (broadcast to the result shape) at the positions of view[indices], into the
 * view's own storage; accumulate adds, and repeated positions then add up.
 */
export function advancedWrite(view: Tensor, plan: AdvancedPlan, value: Tensor, accumulate: boolean): void {
  const v = valueInBFirstOrder(value, plan);
  const vd = contiguousData(v);
  const pos = plan.positions(view._strides, view._offset);
  const td = view._data;
  if (accumulate) for (let i = 0; i < pos.length; i++) td[pos[i]] += vd[i];
  else for (let i = 0; i < pos.length; i++) td[pos[i]] = vd[i];
}

/** value broadcast to the result shape, reordered with B's dims first (no copy when it can). */
export function valueInBFirstOrder(value: Tensor, plan: AdvancedPlan): Tensor {
  let v: Tensor;
  // Numbers and slices only (x[:] = v, x[0] = v): torch 1.13 copies, so expand's own error is its message
  if (plan.bshape.length === 0) v = value.expand(plan.shape);
  else {
    try {
      v = value.expand(plan.shape);
    } catch {
      throw new RuntimeError(`shape mismatch: value tensor of shape ${fmtShape(value.shape)} cannot be broadcast to indexing result of shape ${fmtShape(plan.shape)}`);
    }
  }
  if (!plan.perm) return v;
  const inverse = new Array<number>(plan.perm.length);
  plan.perm.forEach((p, i) => (inverse[p] = i));
  return v.permute(inverse);
}

/** Long index tensors for the k dims a bool mask covers (its nonzero coordinates). */
export function maskToIndices(mask: Tensor): Tensor[] {
  const md = contiguousData(mask);
  const k = mask.dim();
  const strides = contiguousStrides(mask.shape);
  const hits: number[] = [];
  for (let i = 0; i < md.length; i++) if (md[i] !== 0) hits.push(i);
  return Array.from({ length: k }, (_, d) => {
    const t = empty([hits.length], int64);
    for (let j = 0; j < hits.length; j++) t._data[j] = Math.floor(hits[j] / strides[d]) % mask.shape[d];
    return t;
  });
}

