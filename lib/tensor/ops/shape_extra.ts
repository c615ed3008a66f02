/**
 * More shape and indexing ops of PyTorch (API breadth): diagonals (diag, diagonal, diag_embed,
 * diagflat, trace), strided views (unfold, as_strided), moving and broadcasting dims, stacking
 * helpers, rot90, tensor_split, take / take_along_dim, repeat_interleave, meshgrid and friends,
 * block_diag, kron, tensordot, inner, cross, vander and slice_scatter.
 *
 * Most are compositions of differentiable ops, so autograd comes with them. The strided views
 * share one backward (geometryView): the gradient is index_add-ed back at the element positions
 * the view reads, which is itself differentiable.
 */
import { composite, record } from "../autograd/function";
import { no_grad } from "../autograd/grad_mode";
import { checkKeywords, isOptions, parseArgs, type PyArgs } from "../args";
import { cppTypeName, int16, int32, int64, int8, isIntegral, promoteTypes, refuseBool, type DType } from "../dtype";
import { IndexError, RuntimeError, TypeError_ } from "../errors";
import { broadcastShapes, contiguousStrides, fmtShape, normalizeDim, numelOf, shapesEqual } from "../shape";
import { Tensor } from "../tensor";
import { arange, full, tensor as makeTensor, zeros } from "./creation";
import { gather, index_select, narrow, sliceDim } from "./indexing";
import { cat, checkTensorList, hstack, stack } from "./join";
import { matmul } from "./matmul";
import { flip } from "./repeat";
import { index_add } from "./scatter";
import { contiguousData } from "./util";
import { makeView } from "./views";
import { warnOnce } from "../warnings";
import { atenPrint } from "../aten_print";
import { pyTypeName } from "../py_type_name";

interface Geometry {
  shape: number[];
  strides: number[];
  offset: number;
}
type GeometryFn = (shape: readonly number[], strides: readonly number[], offset: number) => Geometry;

/**
 * A view of x whose geometry `geom` computes from x's. Backward: the same geometry applied to
 * the positions 0..numel-1 of x names the element each view entry reads; the gradient is
 * summed there (index_add, so overlapping windows add up and create_graph works).
 */
function geometryView(x: Tensor, node: string, geom: GeometryFn): Tensor {
  const g = geom(x.shape, x._strides, x._offset);
  const backward = (grad: Tensor): Tensor[] => [scatterBack(x.shape, geom, grad)];
  return makeView(x, g.shape, g.strides, g.offset, node, backward, true);
}

function scatterBack(shape: readonly number[], geom: GeometryFn, grad: Tensor): Tensor {
  const pos = geom(shape, contiguousStrides(shape), 0);
  const ids = arange(numelOf(shape), { dtype: int64 });
  const picked = new Tensor(ids._data, pos.shape, int64, pos.strides, pos.offset).reshape(-1);
  return index_add(zeros(numelOf(shape), { dtype: grad.dtype }), 0, picked, grad.reshape(-1)).reshape(shape.slice());
}

function diagonalGeometry(offset: number, d1: number, d2: number): GeometryFn {
  return (shape, strides, off) => {
    const len = Math.max(0, Math.min(shape[d1] - Math.max(0, -offset), shape[d2] - Math.max(0, offset)));
    const keep = shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
    const start = len === 0 ? off : off + (offset >= 0 ? offset * strides[d2] : -offset * strides[d1]);
    return { shape: [...keep.map((i) => shape[i]), len], strides: [...keep.map((i) => strides[i]), strides[d1] + strides[d2]], offset: start };
  };
}

type DiagonalOptions = { offset?: number; dim1?: number; dim2?: number };

/** diagonal(x, offset=0, dim1=0, dim2=1): a view of the diagonal, appended as the last dim. */
export function diagonal(x: Tensor, ...args: PyArgs<[offset?: number, dim1?: number, dim2?: number], DiagonalOptions>): Tensor {
  const a = parseArgs<DiagonalOptions>("diagonal", ["offset", "dim1", "dim2"], args);
  // a 1-d (or 0-d) input fails as torch 1.13's does: dim2 = 1 is out of range
  const d1 = normalizeDim(a.dim1 ?? 0, x.dim());
  const d2 = normalizeDim(a.dim2 ?? 1, x.dim());
  if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${a.dim1 ?? 0}, ${a.dim2 ?? 1}`);
  return geometryView(x, "DiagonalBackward0", diagonalGeometry(a.offset ?? 0, d1, d2));
}

/** diag_embed(x, offset=0, dim1=-2, dim2=-1): the last dim of x placed on a diagonal of new matrices. */
export function diag_embed(x: Tensor, ...args: PyArgs<[offset?: number, dim1?: number, dim2?: number], DiagonalOptions>): Tensor {
  const a = parseArgs<DiagonalOptions>("diag_embed", ["offset", "dim1", "dim2"], args);
  const offset = a.offset ?? 0;
  const nd = x.dim() + 1;
  const d1 = normalizeDim(a.dim1 ?? -2, nd);
  const d2 = normalizeDim(a.dim2 ?? -1, nd);
  if (d1 === d2) throw new RuntimeError(`diagonal dimensions cannot be identical ${a.dim1 ?? -2}, ${a.dim2 ?? -1}`);
  const n = (x.dim() === 0 ? 1 : x.shape[x.dim() - 1]) + Math.abs(offset);
  const batch = x.shape.slice(0, -1);
  const shape: number[] = [];
  for (let i = 0, b = 0; i < nd; i++) shape.push(i === d1 || i === d2 ? n : batch[b++]);
  const out = zeros(shape, { dtype: x.dtype });
  const geom = diagonalGeometry(offset, d1, d2);
  const g = geom(shape, out._strides, 0);
  no_grad(() => new Tensor(out._data, g.shape, x.dtype, g.strides, g.offset).copy_(x));
  return record(out, "DiagEmbedBackward0", [x], (grad) => [diagonal(grad, offset, d1, d2)], [], true);
}

/** diag(x, diagonal=0): a 1-D tensor becomes a diagonal matrix; a matrix gives its diagonal (a copy). */
export function diag(x: Tensor, ...args: PyArgs<[diagonal?: number], { diagonal?: number }>): Tensor {
  const k = parseArgs<{ diagonal?: number }>("diag", ["diagonal"], args).diagonal ?? 0;
  if (x.dim() === 1) return composite("DiagBackward0", [x], (v) => diag_embed(v, k, 0, 1));
  if (x.dim() === 2) return composite("DiagBackward0", [x], (m) => diagonal(m, k).clone());
  // torch 1.13's text (later releases say "diag(): Supports 1D or 2D tensors. Got 3D")
  throw new RuntimeError("matrix or a vector expected");
}

/** diagflat(x, offset=0): x flattened onto a diagonal. */
export function diagflat(x: Tensor, ...args: PyArgs<[offset?: number], { offset?: number }>): Tensor {
  const offset = parseArgs<{ offset?: number }>("diagflat", ["offset"], args).offset ?? 0;
  return composite("DiagBackward0", [x], (v) => diag_embed(v.reshape(-1), offset, 0, 1));
}

export function trace(x: Tensor): Tensor {
  if (x.dim() !== 2) throw new RuntimeError(`trace: expected a matrix, but got tensor with dim ${x.dim()}`);
  refuseBool(x.dtype, "trace");
  return composite("TraceBackward0", [x], (m) => diagonal(m).sum());
}

/** Tensor.unfold(dimension, size, step): sliding windows along a dim as a new last dim (a view). */
export function unfold(x: Tensor, dimension: number, size: number, step: number): Tensor {
  const d = normalizeDim(dimension, Math.max(x.dim(), 1));
  const n = x.dim() === 0 ? 1 : x.shape[d];
  if (size > n) throw new RuntimeError(`maximum size for tensor at dimension ${d} is ${n} but size is ${size}`);
  if (!(step > 0)) throw new RuntimeError(`step is ${step} but must be > 0`);
  return geometryView(x, "UnfoldBackward0", (shape, strides, off) => {
    if (shape.length === 0) return { shape: [size], strides: [1], offset: off };
    const s = shape.slice();
    const st = strides.slice();
    s[d] = Math.floor((n - size) / step) + 1;
    st[d] = strides[d] * step;
    return { shape: [...s, size], strides: [...st, strides[d]], offset: off };
  });
}

/** as_strided(size, stride, storage_offset?): a view with explicit geometry over x's storage. */
export function as_strided(x: Tensor, size: readonly number[], stride: readonly number[], storage_offset?: number | null | { storage_offset?: number | null }): Tensor {
  // The keyword form as_strided(x, size, stride, { storage_offset }) (an options object used to be read as the offset).
  const so = isOptions(storage_offset) ? (checkKeywords("as_strided", storage_offset, ["storage_offset"]), storage_offset.storage_offset) : storage_offset;
  if (size.length !== stride.length) throw new RuntimeError(`mismatch in length of strides and shape`);
  const offset = (so as number | null | undefined) ?? x._offset;
  let last = offset;
  for (let i = 0; i < size.length; i++) {
    if (size[i] < 0 || stride[i] < 0) throw new RuntimeError("as_strided: Negative strides and sizes are not supported");
    if (size[i] > 0) last += (size[i] - 1) * stride[i];
  }
  if (numelOf(size) > 0 && last >= x._data.length) {
    // torch 1.13 counts bytes: (last element + 1) * itemsize against the storage's nbytes
    const b = x.dtype.itemsize;
    throw new RuntimeError(`setStorage: sizes ${fmtShape(size)}, strides ${fmtShape(stride)}, storage offset ${offset}, and itemsize ${b} requiring a storage size of ${(last + 1) * b} are out of bounds for storage of size ${x._data.length * b}`);
  }
  // Storage positions -> x's element positions, for the backward (x may itself be strided).
  const backward = (grad: Tensor): Tensor[] => {
    const where = new Map<number, number>();
    const pos = arange(x.numel(), { dtype: int64 });
    const view = new Tensor(pos._data, x.shape, int64).reshape(-1);
    const st = new Tensor(arange(x._data.length, { dtype: int64 })._data, x.shape, int64, x._strides, x._offset).reshape(-1);
    const vd = contiguousData(view);
    const sd = contiguousData(st);
    for (let i = 0; i < sd.length; i++) if (!where.has(sd[i])) where.set(sd[i], vd[i]);
    const storagePos = new Tensor(arange(x._data.length, { dtype: int64 })._data, size, int64, stride, offset);
    const picked = contiguousData(storagePos.contiguous()).map((p) => {
      const w = where.get(p);
      if (w === undefined) throw new RuntimeError("as_strided backward: the view reads storage outside the input tensor");
      return w;
    });
    const idx = makeTensor(Array.from(picked), { dtype: int64 });
    return [index_add(zeros(x.numel(), { dtype: grad.dtype }), 0, idx, grad.reshape(-1)).reshape(x.shape.slice())];
  };
  return makeView(x, size, stride, offset, "AsStridedBackward0", backward, null);
}

/** movedim(x, source, destination) (alias moveaxis): the source dims moved to the destination positions. */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = (typeof source === "number" ? [source] : source).map((d) => normalizeDim(d, x.dim()));
  const dst = (typeof destination === "number" ? [destination] : destination).map((d) => normalizeDim(d, x.dim()));
  if (src.length !== dst.length) {
    throw new RuntimeError(`movedim: Invalid source or destination dims: source (${fmtShape(src)} dims) should contain the same number of dims as destination (${fmtShape(dst)} dims)`);
  }
  if (new Set(src).size !== src.length) throw new RuntimeError(`movedim: repeated dim in \`source\` (${fmtShape(src)})`);
  if (new Set(dst).size !== dst.length) throw new RuntimeError(`movedim: repeated dim in \`destination\` (${fmtShape(dst)})`);
  const order = new Array<number>(x.dim()).fill(-1);
  src.forEach((s, i) => (order[dst[i]] = s));
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0, r = 0; i < order.length; i++) if (order[i] < 0) order[i] = rest[r++];
  return x.permute(order);
}

/** torch 1.13's ravel: contiguous().view(-1) (ViewBackward0, over CloneBackward0 when it copies). */
export function ravel(x: Tensor): Tensor {
  return x.contiguous().view(-1);
}

export function broadcast_to(x: Tensor, size: readonly number[]): Tensor {
  return x.expand(size.slice());
}

/** broadcast_shapes(...shapes): the shape they broadcast to. */
export function broadcast_shapes(...shapes: (number | readonly number[])[]): number[] {
  try {
    return shapes.reduce<number[]>((acc, s) => broadcastShapes(acc, typeof s === "number" ? [s] : s, "broadcast_shapes"), []);
  } catch {
    throw new RuntimeError("Shape mismatch: objects cannot be broadcast to a single shape"); // torch 1.13's Python check
  }
}

/** broadcast_tensors(...tensors) or broadcast_tensors([tensors]): views expanded to one shape. */
export function broadcast_tensors(...tensors: (Tensor | readonly Tensor[])[]): Tensor[] {
  const ts = tensors.length === 1 && Array.isArray(tensors[0]) ? (tensors[0] as readonly Tensor[]) : (tensors as Tensor[]);
  // ATen's infer_size message here ('The size of tensor a ...'), not broadcast_shapes' Python one
  const shape = ts.reduce<number[]>((acc, t) => broadcastShapes(acc, t.shape, "broadcast_tensors"), []);
  // a tensor already of the shape is returned itself, as ATen's expand_outplace (no ExpandBackward0; under no_grad a
  // requires-grad input stays on the graph: a distribution built under no_grad still differentiates its parameter)
  return ts.map((t) => (shapesEqual(t.shape, shape) ? t : t.expand(shape)));
}

/**
 * atleast_Nd(x) for one tensor, and as torch for several: atleast_1d((x, y)) / atleast_1d(x, y) give a list
 * (the docstrings' torch.atleast_1d((x, y))).
 */
function atleastEach(fn: string, one: (x: Tensor) => Tensor, args: readonly (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  if (args.length === 1 && args[0] instanceof Tensor) return one(args[0]);
  const ts = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly Tensor[]) : (args as Tensor[]);
  checkTensorList(fn, ts);
  return ts.map(one);
}

const atleast1 = (x: Tensor): Tensor => (x.dim() === 0 ? x.reshape(1) : x);
const atleast2 = (x: Tensor): Tensor => (x.dim() === 0 ? x.reshape(1, 1) : x.dim() === 1 ? x.unsqueeze(0) : x);
function atleast3(x: Tensor): Tensor {
  if (x.dim() === 0) return x.reshape(1, 1, 1);
  if (x.dim() === 1) return x.reshape(1, x.shape[0], 1);
  return x.dim() === 2 ? x.unsqueeze(-1) : x;
}

export function atleast_1d(x: Tensor): Tensor;
export function atleast_1d(...tensors: (Tensor | readonly Tensor[])[]): Tensor | Tensor[];
export function atleast_1d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleastEach("atleast_1d", atleast1, args);
}
export function atleast_2d(x: Tensor): Tensor;
export function atleast_2d(...tensors: (Tensor | readonly Tensor[])[]): Tensor | Tensor[];
export function atleast_2d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleastEach("atleast_2d", atleast2, args);
}
export function atleast_3d(x: Tensor): Tensor;
export function atleast_3d(...tensors: (Tensor | readonly Tensor[])[]): Tensor | Tensor[];
export function atleast_3d(...args: (Tensor | readonly Tensor[])[]): Tensor | Tensor[] {
  return atleastEach("atleast_3d", atleast3, args);
}

/** column_stack: 0-d and 1-d tensors become columns, then hstack. */
export function column_stack(tensors: readonly Tensor[]): Tensor {
  checkTensorList("column_stack", tensors);
  if (tensors.length === 0) throw new RuntimeError("column_stack expects a non-empty TensorList");
  return hstack(tensors.map((t) => (t.dim() <= 1 ? t.reshape(t.numel(), 1) : t)));
}

/** dstack: stacks along the third dim (tensors promoted to at least 3-D). */
export function dstack(tensors: readonly Tensor[]): Tensor {
  checkTensorList("dstack", tensors);
  if (tensors.length === 0) throw new RuntimeError("dstack expects a non-empty TensorList");
  return cat(tensors.map(atleast3), 2);
}

/** rot90(x, k=1, dims=[0, 1]): rotation by k quarter turns from the first dim towards the second. */
export function rot90(x: Tensor, ...args: PyArgs<[k?: number, dims?: readonly number[]], { k?: number; dims?: readonly number[] }>): Tensor {
  const a = parseArgs<{ k?: number; dims?: readonly number[] }>("rot90", ["k", "dims"], args);
  const dims = a.dims ?? [0, 1];
  if (dims.length !== 2) throw new RuntimeError(`expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (x.dim() < 2) throw new RuntimeError(`expected total dims >= 2, but got total dims = ${x.dim()}`);
  const d0 = normalizeDim(dims[0], x.dim());
  const d1 = normalizeDim(dims[1], x.dim());
  if (d0 === d1) throw new RuntimeError(`expected rotation dims to be different, but got dim0 = ${d0} and dim1 = ${d1}`);
  const k = (((a.k ?? 1) % 4) + 4) % 4;
  return composite("Rot90Backward0", [x], (t) => {
    if (k === 1) return flip(t, [d1]).transpose(d0, d1);
    if (k === 2) return flip(t, [d0, d1]);
    if (k === 3) return flip(t, [d0]).transpose(d0, d1);
    return t.clone();
  });
}

/** tensor_split(x, sections | indices, dim=0): views; n sections of sizes differing by at most one. */
export function tensor_split(x: Tensor, indices_or_sections: number | readonly number[] | Tensor, ...args: PyArgs<[dim?: number], { dim?: number }>): Tensor[] {
  const dim = parseArgs<{ dim?: number }>("tensor_split", ["dim"], args).dim ?? 0;
  if (x.dim() === 0) throw new RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims");
  const d = normalizeDim(dim, x.dim());
  const n = x.shape[d];
  if (indices_or_sections instanceof Tensor) {
    // torch 1.13's checks of the tensor overload
    if (indices_or_sections.dtype !== int64) throw new RuntimeError(`tensor_split expected tensor_indices_or_sections to have dtype of long, but got ${cppTypeName(indices_or_sections.dtype)}`);
    if (indices_or_sections.dim() > 1) {
      throw new RuntimeError(`tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with ${indices_or_sections.dim()} dims`);
    }
  }
  let spec: number | readonly number[] = indices_or_sections instanceof Tensor ? (indices_or_sections.dim() === 0 ? indices_or_sections.item() : (indices_or_sections.tolist() as number[])) : indices_or_sections;
  if (typeof spec === "number") {
    if (!(spec > 0)) throw new RuntimeError(`number of sections must be larger than 0, got ${spec}`);
    const base = Math.floor(n / spec);
    const extra = n % spec;
    const bounds: number[] = [];
    for (let i = 1, at = 0; i < spec; i++) bounds.push((at += base + (i - 1 < extra ? 1 : 0)));
    spec = bounds;
  }
  const cuts = [0, ...spec, n];
  const out: Tensor[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const s = Math.min(Math.max(cuts[i] < 0 ? cuts[i] + n : cuts[i], 0), n);
    const e = Math.min(Math.max(cuts[i + 1] < 0 ? cuts[i + 1] + n : cuts[i + 1], 0), n);
    out.push(sliceDim(x, d, s, Math.max(s, e), 1));
  }
  return out;
}

/** Long indices with negatives wrapped, checked against a size (index_select / gather need them in range). */
function wrapIndices(index: Tensor, size: number, op: string): Tensor {
  if (index.dtype !== int64) throw new RuntimeError(`${op}(): Expected a long tensor for index, but got ${cppTypeName(index.dtype)}`);
  const d = contiguousData(index);
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i] < 0 ? d[i] + size : d[i];
    if (v < 0 || v >= size) throw new IndexError(`out of range: tried to access index ${d[i]} on a tensor of ${size} elements.`);
    out[i] = v;
  }
  return makeTensor(Array.from(out), { dtype: int64 }).reshape(index.shape.slice());
}

/** take(x, index): x flattened, read at index (negatives from the end); result has index's shape. */
export function take(x: Tensor, index: Tensor): Tensor {
  const idx = wrapIndices(index, x.numel(), "take");
  return composite("TakeBackward0", [x], (t) => gather(t.reshape(-1), 0, idx.reshape(-1)).reshape(index.shape.slice()));
}

/** take_along_dim(x, indices, dim?): gather with broadcasting (no dim: on the flattened x). */
export function take_along_dim(x: Tensor, indices: Tensor, ...args: PyArgs<[dim?: number | null], { dim?: number | null }>): Tensor {
  const dim = parseArgs<{ dim?: number | null }>("take_along_dim", ["dim"], args).dim;
  // torch 1.13: take_along_dim(x.view(-1), indices.view(-1), 0) without dim; gather checks each index (no negatives).
  if (dim === undefined || dim === null) return gather(x.reshape(-1), 0, indices.reshape(-1));
  if (indices.dtype !== int64) throw new RuntimeError(`torch.take_along_dim(): dtype of indices should be Long but got ${cppTypeName(indices.dtype)}`);
  if (x.dim() !== indices.dim()) {
    throw new RuntimeError(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.dim()} dimensions for input, and ${indices.dim()} dimensions for indices`);
  }
  const d = normalizeDim(dim, x.dim());
  const xs = x.shape.slice();
  const is = indices.shape.slice();
  xs[d] = 1;
  is[d] = 1;
  const b = broadcastShapes(xs, is, "take_along_dim");
  const xShape = b.slice();
  const iShape = b.slice();
  xShape[d] = x.shape[d];
  iShape[d] = indices.shape[d];
  return gather(x.expand(xShape), d, indices.expand(iShape).contiguous());
}

type RepeatInterleaveOptions = { repeats?: number | Tensor; dim?: number | null; output_size?: number | null };

/** repeat_interleave(x, repeats, dim?, { output_size }); repeat_interleave(repeats) alone gives the repeated positions. */
export function repeat_interleave(x: Tensor, ...args: PyArgs<[repeats?: number | Tensor, dim?: number | null, output_size?: number | null], RepeatInterleaveOptions>): Tensor {
  const a = parseArgs<RepeatInterleaveOptions>("repeat_interleave", ["repeats", "dim", "output_size"], args);
  if (a.repeats === undefined) {
    if (x.dim() !== 1 || x.dtype !== int64) throw new RuntimeError("repeat_interleave: repeats must be a 1-D long tensor");
    return repeat_interleave(arange(x.numel(), { dtype: int64 }), x, 0);
  }
  const src = a.dim === undefined || a.dim === null ? x.reshape(-1) : x;
  const d = a.dim === undefined || a.dim === null ? 0 : normalizeDim(a.dim, x.dim());
  const n = src.dim() === 0 ? 1 : src.shape[d];
  let reps: number[];
  if (typeof a.repeats === "number") reps = new Array<number>(n).fill(a.repeats);
  else {
    if (a.repeats.dim() > 1) throw new RuntimeError("repeat_interleave: repeats must be 0-dim or 1-dim tensor");
    // torch 1.13 takes int32 repeats too; int16 / int8 have no kernel.
    if (a.repeats.dtype === int16 || a.repeats.dtype === int8) throw new RuntimeError(`"repeat_interleave_cpu" not implemented for '${cppTypeName(a.repeats.dtype)}'`);
    if (a.repeats.dtype !== int64 && a.repeats.dtype !== int32) throw new RuntimeError(`repeat_interleave: repeats has to be Long tensor, got ${a.repeats.dtype}`);
    reps = a.repeats.dim() === 0 ? new Array<number>(n).fill(a.repeats.item()) : (a.repeats.tolist() as number[]);
  }
  if (reps.length !== n) throw new RuntimeError(`repeats must have the same size as input along dim, but got repeats.size(0) = ${reps.length} and input.size(${d}) = ${n}`);
  if (reps.some((r) => r < 0)) throw new RuntimeError("repeats can not be negative");
  const idx: number[] = [];
  reps.forEach((r, i) => {
    for (let j = 0; j < r; j++) idx.push(i);
  });
  if (a.output_size !== undefined && a.output_size !== null && a.output_size !== idx.length) {
    throw new RuntimeError(`repeat_interleave: output_size (${a.output_size}) does not match the repeats' sum (${idx.length})`);
  }
  return index_select(src.dim() === 0 ? src.reshape(1) : src, d, makeTensor(idx, { dtype: int64 }));
}

/** Tensors given as varargs or as one list, optionally followed by an options object. */
function tensorList<O extends object>(fn: string, names: readonly (keyof O & string)[], args: readonly unknown[]): [Tensor[], Partial<O>] {
  let ts = args.filter((v) => v instanceof Tensor) as Tensor[];
  if (args.length > 0 && Array.isArray(args[0])) ts = [...(args[0] as Tensor[])];
  const rest = args.filter((v) => !(v instanceof Tensor) && !Array.isArray(v));
  return [ts, parseArgs<O>(fn, names, rest)];
}

/** meshgrid(...tensors, { indexing: "ij" | "xy" }) (default "ij", as PyTorch 1.13). */
export function meshgrid(...args: (Tensor | readonly Tensor[] | { indexing?: "ij" | "xy" })[]): Tensor[] {
  const [ts, o] = tensorList<{ indexing?: "ij" | "xy" }>("meshgrid", ["indexing"], args);
  const indexing = o.indexing ?? "ij";
  if (indexing !== "ij" && indexing !== "xy") throw new RuntimeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  // torch 1.13's TORCH_WARN_ONCE when indexing is left out (shown without its "(Triggered internally at ...)" suffix,
  // as the engine's other C++ warnings): an anchor grid built with torch.meshgrid(ys, xs)
  if (o.indexing === undefined) warnOnce("UserWarning: torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.");
  if (ts.length === 0) throw new RuntimeError("torch.meshgrid expects a non-empty TensorList");
  ts.forEach((t) => {
    if (t.dim() > 1) throw new RuntimeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${atenPrint(t)}`);
  });
  const swap = indexing === "xy" && ts.length >= 2;
  const order = ts.map((_, i) => i);
  if (swap) [order[0], order[1]] = [order[1], order[0]];
  const sizes = order.map((i) => ts[i].numel());
  return ts.map((t, i) => {
    const pos = order.indexOf(i);
    const shape = sizes.map((_, k) => (k === pos ? sizes[k] : 1));
    return t.reshape(shape).expand(sizes);
  });
}

/** cartesian_prod(...tensors): every combination, one per row. */
export function cartesian_prod(...tensors: (Tensor | readonly Tensor[])[]): Tensor {
  const [ts] = tensorList<object>("cartesian_prod", [], tensors);
  if (ts.length === 1) return ts[0];
  return stack(meshgrid(ts, { indexing: "ij" }).map((g) => g.reshape(-1)), 1); // torch's cartesian_prod passes "ij": no warning
}

/** combinations(x, r=2, with_replacement=false): rows of r entries of a 1-D x, in lexicographic order. */
export function combinations(x: Tensor, ...args: PyArgs<[r?: number, with_replacement?: boolean], { r?: number; with_replacement?: boolean }>): Tensor {
  const a = parseArgs<{ r?: number; with_replacement?: boolean }>("combinations", ["r", "with_replacement"], args);
  const r = a.r ?? 2;
  if (x.dim() !== 1) throw new RuntimeError(`Expect a 1D vector, but got shape ${fmtShape(x.shape)}`);
  if (r < 0) throw new RuntimeError(`Expect a non-negative number, but got ${r}`);
  if (r === 0) return zeros([0], { dtype: x.dtype });
  const n = x.numel();
  const rows: number[][] = [];
  const cur: number[] = [];
  const walk = (from: number): void => {
    if (cur.length === r) {
      rows.push(cur.slice());
      return;
    }
    for (let i = from; i < n; i++) {
      cur.push(i);
      walk(a.with_replacement ? i : i + 1);
      cur.pop();
    }
  };
  walk(0);
  if (rows.length === 0) return zeros([0, r], { dtype: x.dtype });
  const cols = Array.from({ length: r }, (_, k) => index_select(x, 0, makeTensor(rows.map((row) => row[k]), { dtype: int64 })));
  return stack(cols, 1);
}

/** block_diag(...tensors): a block-diagonal matrix (0-d and 1-d inputs count as one row). */
export function block_diag(...tensors: (Tensor | readonly Tensor[])[]): Tensor {
  const [ts] = tensorList<object>("block_diag", [], tensors);
  const blocks = ts.map((t, i) => {
    if (t.dim() > 2) throw new RuntimeError(`torch.block_diag: Input tensors must have 2 or fewer dimensions. Input ${i} has ${t.dim()} dimensions`);
    return t.dim() === 0 ? t.reshape(1, 1) : t.dim() === 1 ? t.unsqueeze(0) : t;
  });
  const dtype = blocks.reduce<DType>((acc, b) => promoteTypes(acc, b.dtype), blocks[0]?.dtype ?? int64);
  const cols = blocks.reduce((s, b) => s + b.shape[1], 0);
  if (blocks.length === 0) return zeros([0, 0]);
  return composite("BlockDiagBackward0", blocks, (...bs) => {
    let left = 0;
    const rows = bs.map((b) => {
      const parts = [zeros([b.shape[0], left], { dtype }), b.to(dtype), zeros([b.shape[0], cols - left - b.shape[1]], { dtype })];
      left += b.shape[1];
      return cat(parts, 1);
    });
    return cat(rows, 0);
  });
}

/** kron(a, b): the Kronecker product (the shorter shape padded with leading ones). */
export function kron(a: Tensor, b: Tensor): Tensor {
  const nd = Math.max(a.dim(), b.dim());
  const as = [...new Array<number>(nd - a.dim()).fill(1), ...a.shape];
  const bs = [...new Array<number>(nd - b.dim()).fill(1), ...b.shape];
  // torch 1.13 ends in _unsafe_view: one UnsafeViewBackward0 node, which a printed product shows.
  return composite("UnsafeViewBackward0", [a, b], (x, y) => x.reshape(as.flatMap((s) => [s, 1])).mul(y.reshape(bs.flatMap((s) => [1, s]))).reshape(as.map((s, i) => s * bs[i])));
}

/** tensordot(a, b, dims=2): contracts the last `dims` dims of a with the first of b, or the listed pairs. */
export function tensordot(a: Tensor, b: Tensor, ...args: PyArgs<[dims?: number | readonly (number | readonly number[])[]], { dims?: number | readonly (number | readonly number[])[] }>): Tensor {
  const spec = parseArgs<{ dims?: number | readonly (number | readonly number[])[] }>("tensordot", ["dims"], args).dims ?? 2;
  let da: number[];
  let db: number[];
  if (typeof spec === "number") {
    if (spec < 0) throw new RuntimeError(`tensordot expects dims >= 0, but got dims=${spec}`);
    da = Array.from({ length: spec }, (_, i) => a.dim() - spec + i);
    db = Array.from({ length: spec }, (_, i) => i);
  } else {
    if (spec.length !== 2) throw new RuntimeError("tensordot expects dims to be an int or a pair of lists");
    da = (typeof spec[0] === "number" ? [spec[0]] : [...spec[0]]).map((d) => normalizeDim(d, a.dim()));
    db = (typeof spec[1] === "number" ? [spec[1]] : [...spec[1]]).map((d) => normalizeDim(d, b.dim()));
    if (da.length !== db.length) throw new RuntimeError(`both dimension lists should have same length`);
  }
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]]) {
      throw new RuntimeError(`contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${d} and second has size ${b.shape[db[i]]} in dim ${db[i]}`);
    }
  });
  const freeA = a.shape.map((_, i) => i).filter((i) => !da.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !db.includes(i));
  const k = numelOf(da.map((d) => a.shape[d]));
  const am = a.permute([...freeA, ...da]).reshape(numelOf(freeA.map((d) => a.shape[d])), k);
  const bm = b.permute([...db, ...freeB]).reshape(k, numelOf(freeB.map((d) => b.shape[d])));
  const dtype = promoteTypes(a.dtype, b.dtype);
  return matmul(am.to(dtype), bm.to(dtype)).reshape([...freeA.map((d) => a.shape[d]), ...freeB.map((d) => b.shape[d])]);
}

/** inner(a, b): sums over the last dims of both (a scalar factor when either is 0-d). */
export function inner(a: Tensor, b: Tensor): Tensor {
  if (a.dim() === 0 || b.dim() === 0) return a.mul(b);
  if (a.shape[a.dim() - 1] !== b.shape[b.dim() - 1]) {
    throw new RuntimeError(`inner() the last dimension must match on both input tensors but got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return tensordot(a, b, [[-1], [-1]]);
}

/** cross(a, b, dim?): the 3-vector cross product along dim (default: the first dim of size 3, as torch.cross in 1.13). */
export function cross(a: Tensor, b: Tensor, ...args: PyArgs<[dim?: number | null], { dim?: number | null }>): Tensor {
  let dim = parseArgs<{ dim?: number | null }>("cross", ["dim"], args).dim;
  if (a.dim() !== b.dim()) throw new RuntimeError(`linalg.cross: inputs must have the same number of dimensions.`);
  const shape = broadcastShapes(a.shape, b.shape, "linalg.cross");
  if (dim === undefined || dim === null) {
    dim = shape.findIndex((s) => s === 3);
    if (dim < 0) throw new RuntimeError(`no dimension of size 3 in input`);
  }
  const d = normalizeDim(dim, shape.length);
  if (a.shape[d] !== 3 || b.shape[d] !== 3) {
    throw new RuntimeError(`linalg.cross: inputs dimension ${dim} must have length 3. Got ${a.shape[d]} and ${b.shape[d]}`);
  }
  refuseBool(promoteTypes(a.dtype, b.dtype), "cross"); // (not the bool subtraction's error)
  const c = (t: Tensor, i: number): Tensor => narrow(t, d, i, 1);
  return composite("LinalgCrossBackward0", [a, b], (x, y) => {
    const ae = x.expand(shape);
    const be = y.expand(shape);
    return cat([
      c(ae, 1).mul(c(be, 2)).sub(c(ae, 2).mul(c(be, 1))),
      c(ae, 2).mul(c(be, 0)).sub(c(ae, 0).mul(c(be, 2))),
      c(ae, 0).mul(c(be, 1)).sub(c(ae, 1).mul(c(be, 0))),
    ], d);
  });
}

/** linalg.cross(a, b, dim=-1). */
export function linalgCross(a: Tensor, b: Tensor, ...args: PyArgs<[dim?: number], { dim?: number }>): Tensor {
  return cross(a, b, parseArgs<{ dim?: number }>("linalg.cross", ["dim"], args).dim ?? -1);
}

/** vander(x, N=len(x), increasing=false): columns are powers of x (decreasing unless increasing). */
export function vander(x: Tensor, ...args: PyArgs<[N?: number | null, increasing?: boolean], { N?: number | null; increasing?: boolean }>): Tensor {
  const a = parseArgs<{ N?: number | null; increasing?: boolean }>("vander", ["N", "increasing"], args);
  if (x.dim() !== 1) throw new RuntimeError("x must be a one-dimensional tensor.");
  const n = a.N ?? x.numel();
  if (n < 0) throw new RuntimeError("N must be non-negative.");
  const dtype = x.dtype.is_floating_point ? x.dtype : int64;
  if (n === 0) return zeros([x.numel(), 0], { dtype });
  const ones = full([x.numel(), 1], 1, { dtype });
  const cols = n > 1 ? cat([ones, x.to(dtype).unsqueeze(1).expand(x.numel(), n - 1)], 1).cumprod(1) : ones;
  return a.increasing ? cols : flip(cols, [1]);
}

type SliceScatterOptions = { dim?: number; start?: number | null; end?: number | null; step?: number };

/** slice_scatter(x, src, dim=0, start?, end?, step=1): a copy of x with x[start:end:step] (along dim) = src. */
export function slice_scatter(x: Tensor, src: Tensor, ...args: PyArgs<[dim?: number, start?: number | null, end?: number | null, step?: number], SliceScatterOptions>): Tensor {
  const a = parseArgs<SliceScatterOptions>("slice_scatter", ["dim", "start", "end", "step"], args);
  const d = normalizeDim(a.dim ?? 0, x.dim());
  const start = a.start ?? null;
  const end = a.end ?? null;
  const step = a.step ?? 1;
  const out = x.detach().clone();
  const target = sliceDim(out, d, start, end, step);
  if (target.shape.join() !== src.shape.join()) {
    throw new RuntimeError(`expected src to have a size equal to the slice of self. src size = ${fmtShape(src.shape)}, slice size = ${fmtShape(target.shape)}`);
  }
  no_grad(() => target.copy_(src));
  return record(out, "SliceScatterBackward0", [x, src], (g) => [
    x.requires_grad ? slice_scatter(g, zeros(src.shape.slice(), { dtype: g.dtype }), d, start, end, step) : null,
    src.requires_grad ? sliceDim(g, d, start, end, step) : null,
  ], [], true);
}

/** diagonal_scatter(x, src, offset=0, dim1=0, dim2=1): a copy of x with its diagonal replaced by src. */
export function diagonal_scatter(x: Tensor, src: Tensor, ...args: PyArgs<[offset?: number, dim1?: number, dim2?: number], DiagonalOptions>): Tensor {
  const a = parseArgs<DiagonalOptions>("diagonal_scatter", ["offset", "dim1", "dim2"], args);
  const [offset, d1, d2] = [a.offset ?? 0, a.dim1 ?? 0, a.dim2 ?? 1];
  const target = diagonal(x.detach(), offset, d1, d2);
  if (target.shape.join() !== src.shape.join()) {
    throw new RuntimeError(`expected src to have a size equal to the slice of self. src size = ${fmtShape(src.shape)}, slice size = ${fmtShape(target.shape)}`);
  }
  const out = x.detach().clone();
  no_grad(() => diagonal(out, offset, d1, d2).copy_(src));
  return record(out, "DiagonalScatterBackward0", [x, src], (g) => [
    x.requires_grad ? diagonal_scatter(g, zeros(src.shape.slice(), { dtype: g.dtype }), offset, d1, d2) : null,
    src.requires_grad ? diagonal(g, offset, d1, d2) : null,
  ], [], true);
}

/** select_scatter(x, src, dim, index): a copy of x with x.select(dim, index) replaced by src. */
export function select_scatter(x: Tensor, src: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.dim());
  const i = index < 0 ? index + x.shape[d] : index;
  if (i < 0 || i >= x.shape[d]) throw new IndexError(`select(): index ${index} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${d}`);
  return slice_scatter(x, src.unsqueeze(d), d, i, i + 1, 1);
}

function splitAlong(x: Tensor, sections: number | readonly number[], dim: number, op: string): Tensor[] {
  if (typeof sections === "number" && x.shape[dim] % sections !== 0) {
    throw new RuntimeError(`torch.${op} attempted to split along dimension ${dim}, but the size of the dimension ${x.shape[dim]} is not divisible by the split_size ${sections}!`);
  }
  return tensor_split(x, sections, dim);
}

/**
 * hsplit / vsplit / dsplit's second argument, checked as torch's argument parser does before anything else: an int (a
 * 0-d integer tensor too) or a list of ints; a float, a tensor of another shape or dtype raise its TypeError.
 */
function splitSpec(op: string, sections: unknown): number | readonly number[] {
  if (Number.isInteger(sections)) return sections as number;
  if (Array.isArray(sections) && sections.every((e) => Number.isInteger(e))) return sections as number[];
  if (sections instanceof Tensor && sections.dim() === 0 && isIntegral(sections.dtype)) return sections.item() as number;
  throw new TypeError_(
    `${op}() received an invalid combination of arguments - got (Tensor, ${pyTypeName(sections)}), but expected one of:\n` +
    " * (Tensor input, int sections)\n * (Tensor input, tuple of ints indices)",
  );
}

/** hsplit / vsplit / dsplit(x, sections | indices): tensor_split along dim 1 (0 for 1-D), 0 and 2, equal sections only. */
export function hsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  sections = splitSpec("hsplit", sections);
  if (x.dim() < 1) throw new RuntimeError(`torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with ${x.dim()} dimensions!`);
  return splitAlong(x, sections, x.dim() === 1 ? 0 : 1, "hsplit");
}
export function vsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  sections = splitSpec("vsplit", sections);
  if (x.dim() < 2) throw new RuntimeError(`torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with ${x.dim()} dimensions!`);
  return splitAlong(x, sections, 0, "vsplit");
}
export function dsplit(x: Tensor, sections: number | readonly number[]): Tensor[] {
  sections = splitSpec("dsplit", sections);
  if (x.dim() < 3) throw new RuntimeError(`torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with ${x.dim()} dimensions!`);
  return splitAlong(x, sections, 2, "dsplit");
}
