/**
 * Indexing: select, slice/narrow, the PyTorch-style `index(...)` front end, index_select,
 * gather, scatter, scatter_add, masked_select, chunk/split/unbind.
 */
import { isOptions, parseArgs } from "../args";
import { composite, needsGrad, record } from "../autograd/function";
import { no_grad } from "../autograd/grad_mode";
import { bool, cppTypeName, int32, int64, uint8, wrapsAround } from "../dtype";
import { IndexError, RuntimeError, TypeError_, ValueError } from "../errors";
import { broadcastShapes, fmtShape, normalizeDim, numelOf } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { advancedRead, advancedWrite, maskToIndices, planAdvanced, type AdvancedIndex, type AdvancedPlan } from "./advanced_index";
import { copyOf } from "./copy";
import { checkUint8MaskValues, uint8MaskAsBool } from "./dtype_utils";
import { cat } from "./join";
import { makeView, markMultiOutputViews } from "./views";
import { contiguousData, empty, sumToShape } from "./util";
import { pyTypeName } from "../py_type_name";

/** A Python slice `start:stop:step`; build with torch.slice(start, stop, step) or a "a:b:c" string. */
export class Slice {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {}
  toString(): string {
    return `${this.start ?? ""}:${this.stop ?? ""}${this.step !== null ? `:${this.step}` : ""}`;
  }
}

/**
 * A slice bound as Python's slice() reads it through __index__: a one-element integer (or bool)
 * tensor is its value (data[i:i+8] with i from `for i in ix`), a float or longer tensor raises.
 */
function sliceBound(v: number | Tensor | null): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new TypeError_("slice indices must be integers or None or have an __index__ method");
    return v;
  }
  // JS turns `i + 8` with a tensor i into the string "tensor(3)8": write +i + 8 or i.item() + 8.
  if (!(v instanceof Tensor)) {
    throw new TypeError_(`slice indices must be integers or None or have an __index__ method (got ${typeof v} ${JSON.stringify(v)}; for a tensor i, i + 8 is a string in JS: write i.item() + 8)`);
  }
  if (v.numel() !== 1 || v.dtype.is_floating_point) throw new TypeError_("only integer tensors of a single element can be converted to an index");
  return Number(v.reshape([]).item());
}

export function slice(start: number | Tensor | null = null, stop: number | Tensor | null = null, step: number | Tensor | null = null): Slice {
  return new Slice(sliceBound(start), sliceBound(stop), sliceBound(step));
}

/**
 * number: select (drops the dim) · null or ":": whole dim · "a:b", "a:b:c", "::2" or a Slice:
 * slice · "...": ellipsis · "None" / "newaxis": insert a size-1 dim · Tensor (long) or
 * number[]: pick indices along the dim · bool Tensor: mask over the leading dims.
 */
export type IndexSpec = number | null | string | Slice | Tensor | readonly number[] | readonly boolean[] | readonly IndexList[];
/** A Python list used as an index: numbers or bools, nested (x[:, [[0, 1], [1, 0]]] picks by a 2-D index). */
type IndexList = number | boolean | readonly IndexList[];

export function parseSliceString(s: string): Slice | "..." | "None" {
  const str = s.trim();
  if (str === "...") return "...";
  if (str === "None" || str === "newaxis") return "None";
  const parts = str.split(":");
  if (parts.length < 2 || parts.length > 3) throw new TypeError_(`index: cannot parse "${s}" as a slice (use "start:stop" or "start:stop:step")`);
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p.trim() === "") return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new TypeError_(`index: "${s}" has a non-integer bound "${p}"`);
    return v;
  };
  return new Slice(num(parts[0]), num(parts[1]), num(parts[2]));
}

function checkIndex(i: number, size: number, dim: number): number {
  if (!Number.isInteger(i) || i < -size || i >= size) {
    throw new IndexError(`index ${i} is out of bounds for dimension ${dim} with size ${size}`);
  }
  return i < 0 ? i + size : i;
}

/**
 * gather / scatter / scatter_add's index check, as torch 1.13's: an index outside [0, size) along dim
 * is a RuntimeError (negatives are not read from the end, unlike x[idx] or index_select).
 */
export function checkGatherIndex(i: number, size: number, dim: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new RuntimeError(`index ${i} is out of bounds for dimension ${dim} with size ${size}`);
  }
  return i;
}

/**
 * create_graph form of a step-1 slice's backward: g between constant zero blocks along dim d
 * (cat is recorded), i.e. the same scatter into zeros, differentiable in g.
 */
function padBackward(x: Tensor, d: number, start: number, end: number): (g: Tensor) => Tensor[] {
  return (g) => {
    const block = (len: number): Tensor[] => (len > 0 ? [empty(x.shape.map((s, k) => (k === d ? len : s)), g.dtype)] : []);
    return [cat([...block(start), g, ...block(x.shape[d] - end)], d)];
  };
}

/** Backward of a view-producing index op: scatter g into zeros through the same view. */
function viewBackward(x: Tensor, reapply: (z: Tensor) => Tensor): (g: Tensor) => Tensor[] {
  return (g) => {
    const z = empty(x.shape, g.dtype);
    no_grad(() => reapply(z).copy_(g));
    return [z];
  };
}

export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.dim() === 0) throw new IndexError("select() cannot be applied to a 0-dim tensor.");
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    // torch 1.13's select() check (x[i] checks first, with its own 'index 3 is out of bounds for dimension 1 ...')
    throw new IndexError(`select(): index ${index} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${d}`);
  }
  return selectView(x, d, index < 0 ? index + size : index, "SelectBackward0");
}

/** x.select(d, i) for a checked d and i; `node` names its grad_fn (unbind's views say UnbindBackward0, as torch). */
function selectView(x: Tensor, d: number, i: number, node: string): Tensor {
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x._strides.filter((_, k) => k !== d);
  const pad = padBackward(x, d, i, i + 1);
  return makeView(x, shape, strides, x._offset + i * x._strides[d], node, viewBackward(x, (z) => select(z, d, i)), (g) => pad(g.unsqueeze(d)));
}

/** Python slice semantics on one dim (clamped bounds, negative indices, positive step). */
export function sliceDim(x: Tensor, dim: number, start: number | null, stop: number | null, step: number | null, node = "SliceBackward0"): Tensor {
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  const st = step ?? 1;
  if (!Number.isInteger(st) || st <= 0) throw new RuntimeError("slice step must be positive (negative steps are not supported, use torch.flip)");
  const norm = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const s = norm(start, 0);
  const e = Math.max(norm(stop, size), s);
  const len = Math.ceil((e - s) / st);
  const shape = x.shape.slice();
  const strides = x._strides.slice();
  shape[d] = len;
  strides[d] = x._strides[d] * st;
  // Strided slices (step > 1) have no differentiable backward yet: create_graph through them raises.
  return makeView(
    x, shape, strides, x._offset + s * x._strides[d], node, viewBackward(x, (z) => sliceDim(z, d, s, e, st)),
    st === 1 ? padBackward(x, d, s, e) : null,
  );
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  // As ATen's narrow: a start other than the size itself is wrapped like a dim (IndexError 'Dimension out of range'),
  // then the RuntimeError names the wrapped start.
  const s = start === size ? start : normalizeDim(start, size);
  if (length < 0 || s > size - length) {
    throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  }
  return sliceDim(x, d, s, s + length, 1);
}

/** Flat indices (long 1-D) of the true entries of a mask. */
function nonzeroFlat(mask: Tensor): Tensor {
  const md = contiguousData(mask);
  const picks: number[] = [];
  for (let i = 0; i < md.length; i++) if (md[i] !== 0) picks.push(i);
  const idx = empty([picks.length], int64);
  idx._data.set(picks);
  return idx;
}

function toIndexTensor(idx: Tensor | readonly number[], op: string): Tensor {
  if (idx instanceof Tensor) {
    // torch 1.13's text for x[float_idx] and index_put_ (index_select checks its dtype before coming here)
    if (idx.dtype.is_floating_point) throw new IndexError("tensors used as indices must be long, byte or bool tensors");
    // torch 1.13: x[i] takes long, byte or bool index tensors (a 0-d int32 one is a number); index_select int32 or int64.
    if (op === "index" && wrapsAround(idx.dtype) && idx.dtype !== uint8) {
      if (idx.dim() === 0) return idx.to(int64); // a 0-d integer tensor is a number to torch (x[torch.tensor(1, dtype=torch.int32)])
      throw new IndexError("tensors used as indices must be long, byte or bool tensors");
    }
    if (op === "index_select" && idx.dtype !== int64 && idx.dtype !== int32) throw new RuntimeError("index_select(): Expected dtype int32 or int64 for index");
    return idx;
  }
  const t = empty([idx.length], int64);
  t._data.set(idx as number[]);
  return t;
}

/**
 * A 0-d integer tensor index (not bool / uint8) is a number to torch: x[torch.tensor(2)] selects,
 * a view (SelectBackward0), so `dC[ix] += v` with ix from a long tensor writes into dC.
 */
function isScalarIndexTensor(s: unknown): s is Tensor {
  return s instanceof Tensor && s.dim() === 0 && s.dtype !== bool && s.dtype !== uint8 && !s.dtype.is_floating_point;
}

/** The result of the basic specs (a view of x) and the tensor indices still to apply to it. */
interface SplitSpecs {
  view: Tensor;
  adv: AdvancedIndex[];
}

/**
 * Applies numbers, slices, None and "..." as views and collects tensor/array indices (a bool
 * mask becomes one long index per dim it covers) with the view dim each applies to.
 */
/**
 * torch 1.13's treatSequenceAsTuple: a lone list index holding a list, a tensor, a slice or None (fewer than 32
 * entries) is a tuple of indices, so x[[[2, 0], [1, 1]]] is x[[2, 0], [1, 1]] and x[[t1, t2]] is x[t1, t2].
 */
function sequenceAsTuple(specs: readonly IndexSpec[]): readonly IndexSpec[] {
  if (specs.length !== 1 || !Array.isArray(specs[0])) return specs;
  const list = specs[0] as readonly unknown[];
  const tupleLike = (e: unknown) => Array.isArray(e) || e instanceof Tensor || e instanceof Slice || e === null || typeof e === "string";
  return list.length < 32 && list.some(tupleLike) ? (list as readonly IndexSpec[]) : specs;
}

/**
 * A list index as torch's indexing_tensor_from_data makes it: bools only -> a bool mask, otherwise int64 (bools as
 * 0 / 1, fractions truncated, as x[[0.5, 1]] picks rows 0 and 1); nested lists give a multi-dimensional index,
 * ragged ones Python's ValueError.
 */
function listIndexTensor(list: readonly IndexList[]): Tensor {
  const shape: number[] = [];
  for (let level: unknown = list; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const leaves: (number | boolean)[] = [];
  const walk = (v: unknown, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new ValueError(`expected sequence of length ${shape[d - 1]} at dim ${d - 1} (got ${v.length})`);
      leaves.push(v as number | boolean);
      return;
    }
    if (!Array.isArray(v)) throw new ValueError(`expected sequence of length ${shape[d]} at dim ${d} (got ${typeof v === "number" || typeof v === "boolean" ? 0 : String(v)})`);
    if (v.length !== shape[d]) throw new ValueError(`expected sequence of length ${shape[d]} at dim ${d} (got ${v.length})`);
    for (const e of v) walk(e, d + 1);
  };
  walk(list, 0);
  if (leaves.length > 0 && leaves.every((v) => typeof v === "boolean")) {
    const t = empty(shape, bool);
    t._data.set(leaves.map((v) => (v ? 1 : 0)));
    return t;
  }
  const t = empty(shape, int64);
  t._data.set(leaves.map((v) => (typeof v === "boolean" ? Number(v) : Math.trunc(v))));
  return t;
}

/** The specs with Python list indices made tensors (a lone tuple-like list spread first). */
function listSpecsAsTensors(specs: readonly IndexSpec[]): readonly IndexSpec[] {
  return sequenceAsTuple(specs).map((s) => (Array.isArray(s) ? listIndexTensor(s as readonly IndexList[]) : s));
}

function splitSpecs(x: Tensor, rawSpecs: readonly IndexSpec[]): SplitSpecs {
  const specs = listSpecsAsTensors(rawSpecs);
  // A uint8 tensor index is a mask in torch 1.13 (deprecated, with a warning).
  const parsed = specs.map((s) => (typeof s === "string" ? parseSliceString(s) : uint8MaskAsBool(s, "index")));
  const dimsUsed = (s: (typeof parsed)[number]): number => (s === "..." || s === "None" ? 0 : s instanceof Tensor && s.dtype === bool ? s.dim() : 1);
  const consuming = parsed.reduce<number>((n, s) => n + dimsUsed(s), 0);
  const ellipses = parsed.filter((s) => s === "...").length;
  if (ellipses > 1) throw new IndexError("an index can only have a single ellipsis ('...')");
  // torch's single-index path on a 0-dim tensor: x[0] (began's `.data[0]` of a loss) and x[a:b] have their own messages
  if (x.dim() === 0 && parsed.length === 1 && typeof parsed[0] === "number") {
    throw new IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
  }
  if (x.dim() === 0 && parsed.length === 1 && (parsed[0] === null || parsed[0] instanceof Slice)) throw new IndexError("slice() cannot be applied to a 0-dim tensor.");
  if (consuming > x.dim()) throw new IndexError(`too many indices for tensor of dimension ${x.dim()}`);
  const expanded: (IndexSpec | "None")[] = [];
  for (const s of parsed) {
    if (s === "...") for (let i = 0; i < x.dim() - consuming; i++) expanded.push(null);
    else expanded.push(s as IndexSpec | "None");
  }
  let out = x;
  let dim = 0; // current dim in `out`
  let xDim = 0; // dim of x the spec applies to (for mask error messages)
  const adv: AdvancedIndex[] = [];
  for (const s of expanded) {
    if (s === null) {
      dim++;
      xDim++;
    } else if (s === "None") out = out.unsqueeze(dim++);
    else if (typeof s === "number") {
      // x[0, 3] of a [2, 3] tensor: torch names the dimension of x (1), not of the partly indexed result
      checkIndex(s, out.shape[dim], xDim);
      out = select(out, dim, s);
      xDim++;
    } else if (s instanceof Slice) {
      // Python's x[::0] / x[::-1]: the slice's own ValueError, then torch's getitem's (aten's slice says "must be positive")
      if (s.step === 0) throw new ValueError("slice step cannot be zero");
      if (s.step !== null && s.step < 0) throw new ValueError("step must be greater than zero");
      out = sliceDim(out, dim++, s.start, s.stop, s.step);
      xDim++;
    } else if (isScalarIndexTensor(s)) {
      checkIndex(s.item(), out.shape[dim], xDim);
      out = select(out, dim, s.item());
      xDim++;
    } else if (s instanceof Tensor && s.dtype === bool) {
      const k = s.dim();
      const j = s.shape.findIndex((n, i) => n !== out.shape[dim + i]);
      if (j >= 0) {
        // torch 1.13 names the mask's dimension and the indexed tensor (after the integer / slice / None entries
        // before the mask) with its dimension: x[0, m] of a [3, 4, 5] x reports [4, 5] at index 0
        throw new IndexError(
          `The shape of the mask ${fmtShape(s.shape)} at index ${j} does not match the shape of the indexed tensor ${fmtShape(out.shape)} at index ${dim + j}`,
        );
      }
      for (const index of maskToIndices(s)) adv.push({ dim: dim++, index });
      xDim += k;
    } else if (s instanceof Tensor || Array.isArray(s)) {
      adv.push({ dim: dim++, index: toIndexTensor(s as Tensor | number[], "index") });
      xDim++;
    } else throw new TypeError_(`index: unsupported index ${String(s)}`);
  }
  return { view: out, adv };
}

/**
 * The grad_fn name of the view torch's `x[specs] = v` writes into: its basic indexing (numbers and
 * 0-d integer tensors select, slices slice, "None" unsqueezes; null is ":") is applied as views before any index
 * tensor, and the last of those views names the refusal of a write into an unbind row
 * ("Output 0 of SelectBackward0 ..."). A full slice (`:`) makes no view unless it is the only spec,
 * as in torch's set_item. null: no view, the write goes into x itself.
 */
export function basicIndexWriteNode(specs: readonly IndexSpec[]): string | null {
  let node: string | null = null;
  for (const raw of specs) {
    const s = typeof raw === "string" ? parseSliceString(raw) : raw;
    if (s === "None") node = "UnsqueezeBackward0";
    else if (s === null) {
      if (specs.length === 1) node = "SliceBackward0"; // null is ":" here
    } else if (typeof s === "number" || (s instanceof Tensor && s.dim() === 0 && s.dtype !== bool && !s.dtype.is_floating_point)) node = "SelectBackward0";
    else if (s instanceof Slice) {
      const full = (s.start === null || s.start === 0) && s.stop === null && (s.step === null || s.step === 1);
      if (!full || specs.length === 1) node = "SliceBackward0";
    }
  }
  return node;
}

/** PyTorch-style indexing front end; see IndexSpec. Several index tensors broadcast together. */
export function index(x: Tensor, specs: readonly IndexSpec[]): Tensor {
  const { view, adv } = splitSpecs(x, specs);
  // x[:] and x[...] are new views of x in torch (SliceBackward0 / AliasBackward0), never x itself: writing
  // through one into a leaf that requires grad is refused as a view's write, and `y is x` is false.
  if (adv.length === 0 && view === x && specs.length > 0) {
    return specs.every((s) => s === "...") ? makeView(x, x.shape, x._strides, x._offset, "AliasBackward0", (g) => [g], true) : sliceDim(x, 0, null, null, null);
  }
  if (adv.length === 0) return view;
  if (adv.length === 1 && adv[0].index.dim() <= 1) {
    // One index list: index_select's gather is the fast path, named IndexBackward0 as torch's x[idx].
    const { dim: d, index: it } = adv[0];
    const picked = indexSelectAs(view, d, it.reshape([-1]), "IndexBackward0");
    return it.dim() === 1 ? picked : picked.reshape([...picked.shape.slice(0, d), ...picked.shape.slice(d + 1)]);
  }
  return advancedRead(view, adv);
}

/**
 * Out-of-place `x[specs] = value` (torch.index_put with the indices given as specs): a copy of
 * x with value written, or added when accumulate (repeated indices then add up).
 */
export function index_put(x: Tensor, rawSpecs: readonly IndexSpec[], value: TensorLike, accumulate = false): Tensor {
  const specs = listSpecsAsTensors(rawSpecs);
  if (value instanceof Tensor && value.dtype !== x.dtype) checkPutSourceDtype(x, specs, value, accumulate);
  const out = copyOf(x);
  let v = value instanceof Tensor ? value : empty([], x.dtype).fill_(value);
  const { view, adv } = no_grad(() => splitSpecs(out, specs));
  // torch's masked_fill shortcut (one mask index, no accumulate, a one-element value) checks a uint8 mask's values
  const indexTensors = specs.filter((s) => s instanceof Tensor && !isScalarIndexTensor(s));
  if (!accumulate && v.numel() === 1 && indexTensors.length === 1) checkUint8MaskValues(indexTensors[0]);
  const plan = planAdvanced(view.shape, adv);
  // Python's x[i] = v drops v's leading size-1 dims beyond the result's (PyTorch's
  // slicePrefix1sSize): x[0] = torch.ones(1, 6) fills a row of a 6 x 6 x.
  let drop = 0;
  while (v.dim() - drop > plan.shape.length && v.shape[drop] === 1) drop++;
  if (drop > 0) v = v.reshape(v.shape.slice(drop));
  advancedWrite(view, plan, v.detach().to(x.dtype), accumulate);
  return recordPut(out, x, v, plan, view, accumulate);
}

/**
 * torch 1.13 refuses a source of another dtype wherever an index tensor is involved (`x[idx] = src`,
 * index_put_), except through its masked_fill shortcut: one bool/uint8 mask, no accumulate, a
 * one-element value (`x[mask] = torch.tensor(5)` casts). Only numbers and slices (a copy_) cast.
 */
function checkPutSourceDtype(x: Tensor, specs: readonly IndexSpec[], value: Tensor, accumulate: boolean): void {
  const adv = specs.filter((s) => (s instanceof Tensor && !isScalarIndexTensor(s)) || Array.isArray(s));
  if (adv.length === 0) return;
  const mask = adv.length === 1 && adv[0] instanceof Tensor && (adv[0].dtype === bool || adv[0].dtype === uint8);
  if (mask && !accumulate && value.numel() === 1) return;
  // torch reads the index tensors' dtypes first: a float mask (torch.bernoulli(p) without .bool()) is an IndexError
  if (adv.some((s) => s instanceof Tensor && s.dtype.is_floating_point)) throw new IndexError("tensors used as indices must be long, byte or bool tensors");
  throw new RuntimeError(`Index put requires the source and destination dtypes match, got ${cppTypeName(x.dtype)} for the destination and ${cppTypeName(value.dtype)} for the source.`);
}

/** Backward of index_put: x gets g except where overwritten, value gets g at the written positions. */
function recordPut(out: Tensor, x: Tensor, v: Tensor, plan: AdvancedPlan, view: Tensor, accumulate: boolean): Tensor {
  const pos = plan.positions(view._strides, view._offset);
  return record(out, "IndexPutBackward0", [x, v], (g) => {
    const gd = contiguousData(g);
    let gx: Tensor | null = null;
    if (x.requires_grad) {
      gx = copyOf(g);
      if (!accumulate) for (let i = 0; i < pos.length; i++) gx._data[pos[i]] = 0;
    }
    let gv: Tensor | null = null;
    if (v.requires_grad) {
      const picked = empty(plan.bFirstShape, g.dtype);
      for (let i = 0; i < pos.length; i++) picked._data[i] = gd[pos[i]];
      const ordered = plan.perm ? picked.permute(plan.perm) : picked;
      gv = sumToShape(ordered, v.shape);
    }
    return [gx, gv];
  }, [], (g) => {
    // create_graph: the same selections in recorded ops (a constant keep-mask, index_select).
    const flat = positionsTensor(pos);
    let gx: Tensor | null = null;
    if (x.requires_grad) {
      if (accumulate) gx = g;
      else {
        const keep = empty(g.shape, g.dtype).fill_(1);
        for (let i = 0; i < pos.length; i++) keep._data[pos[i]] = 0;
        gx = g.mul(keep);
      }
    }
    let gv: Tensor | null = null;
    if (v.requires_grad) {
      const picked = g.reshape([-1]).index_select(0, flat).reshape(plan.bFirstShape.slice());
      gv = sumToShape(plan.perm ? picked.permute(plan.perm) : picked, v.shape);
    }
    return [gx, gv];
  });
}

/** Flat element positions as a long tensor (for the recorded, differentiable backward formulas). */
function positionsTensor(pos: ArrayLike<number>): Tensor {
  const t = empty([pos.length], int64);
  for (let i = 0; i < pos.length; i++) t._data[i] = pos[i];
  return t;
}

export function index_select(x: Tensor, dim: number, indexArg: Tensor | readonly number[]): Tensor {
  // torch checks the index dtype first (a float index is not "tensors used as indices must be long ...")
  if (indexArg instanceof Tensor && indexArg.dtype !== int64 && indexArg.dtype !== int32) throw new RuntimeError("index_select(): Expected dtype int32 or int64 for index");
  return indexSelectAs(x, dim, indexArg, "IndexSelectBackward0");
}

/**
 * torch 1.13's index_select (CPU) reads no index from the end: one outside [0, size) raises, along dim 1 from
 * its dim-1 kernel ("INDICES element is out of DATA bounds"), along any other dim "index out of range in self".
 */
function checkIndexSelectIndex(i: number, size: number, d: number): void {
  if (Number.isInteger(i) && i >= 0 && i < size) return;
  if (d === 1) throw new RuntimeError(`INDICES element is out of DATA bounds, id=${i} axis_dim=${size}`);
  throw new IndexError("index out of range in self");
}

/**
 * index_select's gather under the node name torch gives it: IndexSelectBackward0 for index_select,
 * IndexBackward0 when it is x[idx] (torch's aten::index, as C[X] prints grad_fn=<IndexBackward0>).
 */
function indexSelectAs(x: Tensor, dim: number, indexArg: Tensor | readonly number[], node: "IndexSelectBackward0" | "IndexBackward0"): Tensor {
  const idxT = toIndexTensor(indexArg, "index_select");
  if (idxT.dim() > 1) throw new IndexError("index_select(): Index is supposed to be a vector");
  const d = normalizeDim(dim, x.dim());
  const src = x.dim() === 0 ? x.reshape([1]) : x;
  const idx = contiguousData(idxT);
  const size = src.shape[d];
  if (node === "IndexSelectBackward0") for (let i = 0; i < idx.length; i++) checkIndexSelectIndex(idx[i], size, d);
  else for (let i = 0; i < idx.length; i++) checkIndex(idx[i], size, d);
  const outer = numelOf(src.shape.slice(0, d));
  const inner = numelOf(src.shape.slice(d + 1));
  const xd = contiguousData(src);
  const shape = src.shape.slice();
  shape[d] = idx.length;
  const out = empty(shape, x.dtype);
  const od = out._data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < idx.length; i++) {
      const k = idx[i] < 0 ? idx[i] + size : idx[i];
      const from = (o * size + k) * inner;
      const to = (o * idx.length + i) * inner;
      for (let j = 0; j < inner; j++) od[to + j] = xd[from + j];
    }
  }
  const res = x.dim() === 0 ? out.reshape([]) : out;
  return record(
    res, node, [x],
    (g) => {
      const gd = contiguousData(g.reshape(shape));
      const z = empty(src.shape, g.dtype);
      const zd = z._data;
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < idx.length; i++) {
          const k = idx[i] < 0 ? idx[i] + size : idx[i];
          const to = (o * size + k) * inner;
          const from = (o * idx.length + i) * inner;
          for (let j = 0; j < inner; j++) zd[to + j] += gd[from + j];
        }
      }
      return [z.reshape(x.shape.slice())];
    },
    [idxT],
    // create_graph: the scatter of g as a recorded index_add (differentiable in g).
    (g) => [empty(src.shape, g.dtype).index_add(d, idxT.dtype === int64 ? idxT : idxT.to(int64), g.reshape(shape)).reshape(x.shape.slice())],
  );
}

/**
 * Walks every position of `index` (shape `shape`), calling visit(xOffsetWithoutDim, k, pos)
 * where pos is the flat row-major position in index and k the index value along `dim`.
 */
function forEachIndex(shape: readonly number[], xStrides: readonly number[], dim: number, visit: (xBase: number, pos: number) => void): void {
  const nd = shape.length;
  const n = numelOf(shape);
  const coord = new Array<number>(nd).fill(0);
  let xBase = 0;
  for (let pos = 0; pos < n; pos++) {
    visit(xBase, pos);
    for (let d = nd - 1; d >= 0; d--) {
      coord[d]++;
      if (d !== dim) xBase += xStrides[d];
      if (coord[d] < shape[d]) break;
      if (d !== dim) xBase -= xStrides[d] * shape[d];
      coord[d] = 0;
    }
  }
}

function checkGatherShapes(x: Tensor, d: number, index: Tensor, op: string): void {
  // torch 1.13's words: gather names the input tensor, the scatter family self
  if (index.dim() !== x.dim()) throw new RuntimeError(`Index tensor must have the same number of dimensions as ${op === "gather" ? "input" : "self"} tensor`);
  for (let i = 0; i < x.dim(); i++) {
    if (i !== d && index.shape[i] > x.shape[i]) {
      throw new RuntimeError(`${op === "gather" ? "" : `${op}: `}Size does not match at dimension ${i} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}`);
    }
  }
  // torch 1.13's words (scatter_add and scatter_reduce check as "scatter"), int32 included
  if (index.dtype !== int64) throw new RuntimeError(`${op === "scatter_add" ? "scatter" : op}(): Expected dtype int64 for index`);
}

/**
 * PyTorch's gather / scatter count a 0-d self, index or src as 1-d of size 1 (ensure_nonempty_dim):
 * `torch.zeros(10).scatter_(0, torch.tensor(y), value=1)` (the Datasets & DataLoaders tutorial's
 * one-hot). Those calls run on 1-element views; the result takes back self's (gather: index's) shape.
 */
const liftScalar = (t: Tensor): Tensor => (t.dim() === 0 ? t.reshape(1) : t);
const anyScalar = (...ts: (Tensor | null)[]) => ts.some((t) => t !== null && t.dim() === 0);

/** scatter's src / value given positionally or by keyword ({ src }, { value }), and reduce. */
export function scatterArguments(fn: string, src: unknown, args: readonly unknown[]): { src: TensorLike; reduce?: "add" | "multiply" } {
  if (isOptions(src)) {
    if (args.length > 0) throw new TypeError_(`${fn}() got unexpected arguments after its keyword arguments`);
    const o = parseArgs<{ src?: Tensor; value?: number; reduce?: "add" | "multiply" }>(fn, ["src", "value", "reduce"], [src]);
    if (o.src !== undefined && o.value !== undefined) throw new TypeError_(`${fn}() received an invalid combination of arguments: both src and value`);
    const given = o.src ?? o.value;
    if (given === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'src' (or 'value')`);
    return { src: given, reduce: o.reduce };
  }
  // x.scatter(1, index) ran with src undefined (Python: the same missing-argument TypeError).
  if (src === undefined) throw new TypeError_(`${fn}() missing 1 required positional argument: 'src' (or 'value')`);
  return { src: src as TensorLike, reduce: parseArgs<{ reduce?: "add" | "multiply" }>(fn, ["reduce"], args).reduce };
}

/**
 * scatter's operands given positionally or by keyword: x.scatter(0, index=idx, value=1) as x.scatter(0, { index: idx,
 * value: 1 }) (dim too: x.scatter({ dim: 0, index: idx, src })). A trailing options object in dim's or index's place
 * gives the missing operands and src / value / reduce; one given both ways raises Python's "got multiple values", a
 * missing one its "missing 1 required positional argument".
 */
export function scatterOperands(fn: string, dim: unknown, index: unknown, src: unknown, args: readonly unknown[]): {
  dim: number; index: Tensor; src: TensorLike; reduce?: "add" | "multiply";
} {
  const at = isOptions(index) && src === undefined && args.length === 0 ? 1 : isOptions(dim) && index === undefined && src === undefined && args.length === 0 ? 0 : -1;
  if (at === -1) {
    if (isOptions(src) && ("dim" in src || "index" in src)) throw new TypeError_(`${fn}() got multiple values for argument '${"dim" in src ? "dim" : "index"}'`);
    return { dim: dim as number, index: index as Tensor, ...scatterArguments(fn, src, args) };
  }
  const { dim: kDim, index: kIndex, ...rest } = (at === 0 ? dim : index) as Record<string, unknown>;
  const operands = [at === 0 ? kDim : dim, kIndex];
  if (at === 1 && kDim !== undefined) throw new TypeError_(`${fn}() got multiple values for argument 'dim'`);
  const gap = operands.findIndex((v) => v === undefined);
  if (gap !== -1) throw new TypeError_(`${fn}() missing 1 required positional argument: '${gap === 0 ? "dim" : "index"}'`);
  return { dim: operands[0] as number, index: operands[1] as Tensor, ...scatterArguments(fn, rest, []) };
}

/** out[..., i, ...] = x[..., index[..., i, ...], ...] along dim. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  if (anyScalar(x, index) && Math.max(x.dim(), 1) === Math.max(index.dim(), 1)) return gather(liftScalar(x), dim, liftScalar(index)).reshape(index.shape.slice());
  const d = normalizeDim(dim, x.dim());
  checkGatherShapes(x, d, index, "gather");
  const xc = x.contiguous();
  const xd = xc._data;
  const xo = xc._offset;
  const idx = contiguousData(index);
  const out = empty(index.shape, x.dtype);
  const od = out._data;
  const size = x.shape[d];
  const sd = xc._strides[d];
  forEachIndex(index.shape, xc._strides, d, (base, pos) => {
    const k = checkGatherIndex(idx[pos], size, d);
    od[pos] = xd[xo + base + k * sd];
  });
  // The backward is a recorded scatter_add (differentiable in g), so it serves create_graph as it is.
  return record(out, "GatherBackward0", [x], (g) => [empty(x.shape, g.dtype).scatter_add(d, index, g)], [index], true);
}

/** How scatter combines a written value with the value already there. */
export type ScatterMode = "set" | "add" | "multiply";

function scatterInto(target: Tensor, d: number, index: Tensor, src: Tensor | number, mode: ScatterMode): void {
  const td = target._data;
  const idx = contiguousData(index);
  const size = target.shape[d];
  const sd = target._strides[d];
  const srcData = src instanceof Tensor ? contiguousData(src.expand(index.shape.slice()).contiguous()) : null;
  // Check every index before writing, so a bad one changes nothing.
  for (let i = 0; i < idx.length; i++) checkGatherIndex(idx[i], size, d);
  forEachIndex(index.shape, target._strides, d, (base, pos) => {
    const k = idx[pos];
    const v = srcData ? srcData[pos] : (src as number);
    const at = target._offset + base + k * sd;
    if (mode === "add") td[at] += v;
    else if (mode === "multiply") td[at] *= v;
    else td[at] = v;
  });
}

/**
 * Copy of x with src values written at index along dim (src may be a scalar). With reduce
 * ("add" | "multiply") the values are combined with what is there; that form has no gradient,
 * as in PyTorch 1.13.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: TensorLike, reduce?: "add" | "multiply"): Tensor {
  const srcTensor = src instanceof Tensor ? src : null;
  if (anyScalar(x, index, srcTensor) && Math.max(x.dim(), 1) === Math.max(index.dim(), 1)) {
    return scatter(liftScalar(x), dim, liftScalar(index), srcTensor ? liftScalar(srcTensor) : src, reduce).reshape(x.shape.slice());
  }
  const d = normalizeDim(dim, x.dim());
  checkGatherShapes(x, d, index, "scatter");
  if (reduce !== undefined && reduce !== "add" && reduce !== "multiply") {
    throw new RuntimeError(`scatter(): reduce argument must be either add or multiply, got ${String(reduce)}`);
  }
  const srcT = src instanceof Tensor ? src : null;
  if (srcT) checkScatterDtype(x, srcT);
  if (srcT && srcT.dim() !== index.dim()) throw new RuntimeError("scatter: src must have the same number of dimensions as index");
  if (srcT) checkSrcCovers(srcT, index, "scatter");
  if (reduce && needsGrad(x, srcT)) {
    throw new RuntimeError(`the derivative for 'scatter' with reduce='${reduce}' is not implemented; use scatter_add or index_add for a differentiable sum`);
  }
  const out = x.detach().clone();
  const srcView = srcT ? sliceToIndex(srcT, index) : (src as number);
  scatterInto(out, d, index, srcView instanceof Tensor ? srcView : Number(srcView), reduce ?? "set");
  return record(
    out, srcT ? "ScatterBackward0" : "ScatterBackward1", [x, srcT],
    (g) => [
      x.requires_grad ? g.scatter(d, index, 0) : null,
      srcT && srcT.requires_grad ? padTo(g.gather(d, index), srcT.shape) : null,
    ],
    [index],
    (g) => [
      x.requires_grad ? g.scatter(d, index, 0) : null,
      srcT && srcT.requires_grad ? padRecorded(g.gather(d, index), srcT.shape) : null,
    ],
  );
}

/** torch 1.13's scatter family (scatter, scatter_add, scatter_reduce, in place or not) never casts src. */
export function checkScatterDtype(x: Tensor, src: Tensor): void {
  if (src.dtype !== x.dtype) throw new RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype");
}

function checkSrcCovers(src: Tensor, index: Tensor, op: string): void {
  for (let i = 0; i < index.dim(); i++) {
    if (index.shape[i] > src.shape[i]) {
      throw new RuntimeError(`${op}(): Expected index ${fmtShape(index.shape)} to be smaller than src ${fmtShape(src.shape)} in every dimension`);
    }
  }
}

/** Copy of x with src values added at index along dim. */
export function scatter_add(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  if (anyScalar(x, index, src) && Math.max(x.dim(), 1) === Math.max(index.dim(), 1)) {
    return scatter_add(liftScalar(x), dim, liftScalar(index), liftScalar(src)).reshape(x.shape.slice());
  }
  const d = normalizeDim(dim, x.dim());
  checkGatherShapes(x, d, index, "scatter_add");
  checkScatterDtype(x, src);
  if (src.dim() !== index.dim()) throw new RuntimeError("scatter_add: src must have the same number of dimensions as index");
  checkSrcCovers(src, index, "scatter_add");
  const out = x.detach().clone();
  scatterInto(out, d, index, sliceToIndex(src, index), "add");
  return record(
    out, "ScatterAddBackward0", [x, src],
    (g) => [x.requires_grad ? g : null, src.requires_grad ? padTo(g.gather(d, index), src.shape) : null],
    [index],
    (g) => [x.requires_grad ? g : null, src.requires_grad ? padRecorded(g.gather(d, index), src.shape) : null],
  );
}

/** src may be larger than index in every dim; only the leading index-shaped block is used. */
function sliceToIndex(src: Tensor, index: Tensor): Tensor {
  let s = src;
  for (let i = 0; i < index.dim(); i++) if (s.shape[i] !== index.shape[i]) s = sliceDim(s, i, 0, index.shape[i], 1);
  return s;
}

function padTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.every((s, i) => s === shape[i])) return g;
  const z = empty(shape, g.dtype);
  let view = z;
  for (let i = 0; i < g.dim(); i++) view = sliceDim(view, i, 0, g.shape[i], 1);
  no_grad(() => view.copy_(g));
  return z;
}

/** padTo in recorded ops (zeros concatenated after each short dim), for create_graph. */
function padRecorded(g: Tensor, shape: readonly number[]): Tensor {
  let out = g;
  for (let i = 0; i < shape.length; i++) {
    if (out.shape[i] === shape[i]) continue;
    const fill = out.shape.slice();
    fill[i] = shape[i] - out.shape[i];
    out = cat([out, empty(fill, g.dtype)], i);
  }
  return out;
}

/**
 * Coordinates of the nonzero entries in row-major order: an [n, dim] long tensor, or with
 * as_tuple one 1-D long tensor per dim (what torch.where(cond) returns).
 */
export function nonzero(x: Tensor, asTuple = false): Tensor | Tensor[] {
  const src = x.dim() === 0 ? x.reshape([1]) : x;
  const coords = maskToIndices(src);
  if (asTuple) return coords;
  const out = empty([coords[0].numel(), src.dim()], int64);
  coords.forEach((c, d) => {
    for (let i = 0; i < c.numel(); i++) out._data[i * src.dim() + d] = c._data[i];
  });
  return x.dim() === 0 ? empty([out.shape[0], 0], int64) : out;
}

/** 1-D tensor of the elements where mask is true (mask broadcasts with x). */
export function masked_select(x: Tensor, mask: Tensor): Tensor {
  const raw = mask;
  mask = uint8MaskAsBool(mask, "masked_select"); // torch 1.13: deprecated, still works
  checkUint8MaskValues(raw);
  if (mask.dtype !== bool) throw new RuntimeError(`masked_select: expected a bool mask, got ${mask.dtype}`);
  const shape = broadcastShapes(mask.shape, x.shape, "masked_select"); // mask first: torch names it tensor a
  const flatMask = mask.expand(shape).reshape([-1]);
  const at = nonzeroFlat(flatMask);
  return composite("MaskedSelectBackward0", [x], (t) => t.expand(shape).reshape([-1]).index_select(0, at));
}

/**
 * split's size argument as torch 1.13's parser reads it: an int, a one-element tensor (its value, through __index__),
 * or a sequence of those; anything else is its TypeError naming the type (a tensor of sizes, deepsets' h.split(counts),
 * a float 2.5, a list holding one).
 */
function splitSizeArg(v: unknown): number | number[] {
  const asInt = (e: unknown): number | null => (typeof e === "number" && Number.isInteger(e) ? e : e instanceof Tensor && e.numel() === 1 ? Math.trunc(Number(e.item())) : null);
  const single = asInt(v);
  if (single !== null) return single;
  if (Array.isArray(v)) {
    const sizes = v.map(asInt);
    if (sizes.every((q): q is number => q !== null)) return sizes;
  }
  if (typeof v === "boolean") return v as never; // torch's own "invalid combination of arguments" message: left as it was
  throw new TypeError_(`split_with_sizes(): argument 'split_sizes' (position 2) must be tuple of ints, not ${pyTypeName(v)}`);
}

export function split(x: Tensor, splitSizeIn: number | readonly number[], dim = 0): Tensor[] {
  const splitSize = splitSizeArg(splitSizeIn);
  const d = normalizeDim(dim, x.dim());
  const size = x.shape[d];
  const sizes: number[] = [];
  if (typeof splitSize === "number") {
    // torch 1.13's checks: a negative size, then 0 along a dimension that is not empty (0 along an empty one is one chunk)
    if (splitSize < 0) throw new RuntimeError(`split expects split_size be non-negative, but got split_size=${splitSize}`);
    if (splitSize === 0 && size !== 0) throw new RuntimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
    if (size === 0) sizes.push(0);
  } else {
    // torch 1.13 refuses a negative entry first, whatever the sum
    if (splitSize.some((q) => q < 0)) throw new RuntimeError(`split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[${splitSize.join(", ")}]`);
    const total = splitSize.reduce((p, q) => p + q, 0);
    if (total !== size) throw new RuntimeError(`split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${dim}), but got split_sizes=[${splitSize.join(", ")}]`);
    sizes.push(...splitSize);
  }
  // torch 1.13 names the pieces' grad_fn after the split (print shows grad_fn=<SplitBackward0>), not SliceBackward0
  const node = typeof splitSize === "number" ? "SplitBackward0" : "SplitWithSizesBackward0";
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(sliceDim(x, d, start, start + s, 1, node));
    start += s;
  }
  markMultiOutputViews(x, out, node);
  return out;
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  // torch 1.13's checks, in its order: chunks an int, the input at least 1-D, chunks positive
  if (typeof chunks === "number" && !Number.isInteger(chunks)) throw new TypeError_("chunk(): argument 'chunks' (position 1) must be int, not float");
  if (x.dim() === 0) throw new RuntimeError("chunk expects at least a 1-dimensional tensor");
  if (chunks <= 0) throw new RuntimeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim(dim, x.dim());
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.dim());
  const out: Tensor[] = [];
  for (let i = 0; i < x.shape[d]; i++) out.push(selectView(x, d, i, "UnbindBackward0"));
  markMultiOutputViews(x, out, "UnbindBackward0");
  return out;
}

