/**
 * index_add: adds alpha * source into x at the positions `index` names along dim (duplicates
 * accumulate). scatter and scatter_add, the per-element forms, live in ./indexing with gather;
 * the in-place spellings (scatter_, scatter_add_, index_add_) are in Tensor via ./inplace.
 */
import { record } from "../autograd/function";
import { cppTypeName, int32, int64 } from "../dtype";
import { IndexError, RuntimeError } from "../errors";
import { fmtShape, normalizeDim, numelOf } from "../shape";
import { Tensor } from "../tensor";
import { contiguousData } from "./util";

function checkIndexAdd(x: Tensor, d: number, index: Tensor, source: Tensor): void {
  if (!(index instanceof Tensor) || (index.dtype !== int64 && index.dtype !== int32)) {
    // torch 1.13 names the dtype for float and bool indices too (a float edge list in a GNN's index_add)
    throw new RuntimeError(index instanceof Tensor ? `index_add_(): Expected dtype int32/int64 for index but got: ${cppTypeName(index.dtype)}` : "index_add_(): Expected dtype int64 for index");
  }
  if (index.dim() > 1) throw new IndexError("index_add_(): Index is supposed to be a vector");
  // torch 1.13 adds only a source of self's dtype (it used to be cast silently here).
  if (source.dtype !== x.dtype) throw new RuntimeError(`index_add_(): self (${cppTypeName(x.dtype)}) and source (${cppTypeName(source.dtype)}) must have the same scalar type`);
  const n = index.numel();
  const srcShape = source.dim() === 0 ? [1] : source.shape;
  const xShape = x.dim() === 0 ? [1] : x.shape;
  const want = xShape.slice();
  want[d] = n;
  // torch 1.13 checks the count first ('Number of indices (2) should be equal to source.size(dim): (3), for dim: 0'),
  // then adds slice by slice, so another dim's mismatch is the broadcast error of self's slice against source's.
  if (source.dim() > 0 && d < source.dim() && source.shape[d] !== n) {
    throw new RuntimeError(`index_add_(): Number of indices (${n}) should be equal to source.size(dim): (${source.shape[d]}), for dim: ${d}`);
  }
  if (srcShape.length === want.length) {
    const bad = want.findIndex((w, i) => i !== d && srcShape[i] !== w && srcShape[i] !== 1);
    if (bad >= 0) {
      throw new RuntimeError(`The size of tensor a (${want[bad]}) must match the size of tensor b (${srcShape[bad]}) at non-singleton dimension ${bad < d ? bad : bad - 1}`);
    }
  }
  if (source.dim() > 0 && d < source.dim() && source.dim() > want.length) {
    const wantSlice = want.filter((_, i) => i !== d), srcSlice = source.shape.filter((_, i) => i !== d);
    const pad = [...Array<number>(srcSlice.length - wantSlice.length).fill(1), ...wantSlice];
    if (pad.every((w, i) => w === srcSlice[i] || w === 1 || srcSlice[i] === 1)) {
      const b = pad.map((w, i) => Math.max(w, srcSlice[i]));
      throw new RuntimeError(`output with shape ${fmtShape(wantSlice)} doesn't match the broadcast shape ${fmtShape(b)}`);
    }
  }
  if (broadcastSlices(source, d, want) === null && (srcShape.length !== want.length || srcShape.some((s, i) => s !== want[i]))) {
    throw new RuntimeError(`index_add_(): source ${fmtShape(source.shape)} must have the shape of self ${fmtShape(x.shape)} with dim ${d} of size ${n} (the index length)`);
  }
  const idx = contiguousData(index);
  for (let i = 0; i < idx.length; i++) {
    if (!Number.isInteger(idx[i]) || idx[i] < 0 || idx[i] >= xShape[d]) {
      // torch 1.13's CPU kernel takes no negative index (index_add_(0, tensor([-1]), ...) raises too)
      throw new IndexError("index out of range in self"); // torch 1.13's CPU kernel's TORCH_CHECK_INDEX text
    }
  }
}

/**
 * torch 1.13 adds source's slices into self's one by one, so a source slice that broadcasts to self's slice is taken
 * (index_add_(0, idx, torch.ones(2)) into a [4, 2] self fills whole rows): source's values expanded to self's shape
 * with dim d of the index's length. null when source needs no expanding or cannot be expanded that way.
 */
function broadcastSlices(source: Tensor, d: number, want: readonly number[]): Tensor | null {
  if (source.dim() === 0 || d >= source.dim() || source.dim() > want.length) return null;
  if (source.dim() === want.length && source.shape.every((s, i) => s === want[i])) return null;
  const wantSlice = want.filter((_, i) => i !== d), srcSlice = source.shape.filter((_, i) => i !== d);
  const lead = wantSlice.length - srcSlice.length;
  if (!srcSlice.every((s, i) => s === 1 || s === wantSlice[lead + i])) return null;
  const front = source.movedim(d, 0);
  return front.reshape([source.shape[d], ...Array<number>(lead).fill(1), ...srcSlice]).expand([source.shape[d], ...wantSlice]).movedim(0, d);
}

/** Copy of x with alpha * source[..., i, ...] added at x[..., index[i], ...] along dim. */
export function index_add(x: Tensor, dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  checkIndexAdd(x, d, index, source);
  const want = (x.dim() === 0 ? [1] : x.shape).slice();
  want[d] = index.numel();
  const expanded = broadcastSlices(source.detach(), d, want);
  const out = x.detach().clone();
  const xShape = x.dim() === 0 ? [1] : x.shape;
  const size = xShape[d];
  const outer = numelOf(xShape.slice(0, d));
  const inner = numelOf(xShape.slice(d + 1));
  const idx = contiguousData(index);
  const sd = contiguousData(expanded ?? source);
  const od = out._data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < idx.length; i++) {
      const k = idx[i] < 0 ? idx[i] + size : idx[i];
      const to = (o * size + k) * inner;
      const from = (o * idx.length + i) * inner;
      for (let j = 0; j < inner; j++) od[to + j] += alpha * sd[from + j];
    }
  }
  return record(
    out, "IndexAddBackward0", [x, source],
    (g) => [
      x.requires_grad ? g : null,
      // torch's expand_as(source): a broadcast source's backward raises its expand error, as in torch 1.13
      source.requires_grad ? (expanded === null
        ? g.reshape(xShape.slice()).index_select(d, index).mul(alpha).reshape(source.shape.slice())
        : g.reshape(xShape.slice()).index_select(d, index).expand(source.shape.slice()).mul(alpha)) : null,
    ],
    [index],
    true, // the backward is recorded ops (reshape, index_select, mul): differentiable as it is
  );
}
