/**
 * More in-place forms (log_, sigmoid_, eq_, triu_, cumsum_, index_fill_, put_, addmm_, renorm_, ...)
 * and their out-of-place partners where PyTorch has them (index_fill, index_copy, masked_scatter,
 * put, renorm, sum_to_size, narrow_copy). Value ops go through inplace.apply_ (leaf check,
 * version bump, autograd rebase); the view ops squeeze_ / unsqueeze_ / t_ / transpose_ change
 * the tensor's geometry and, in a graph, its grad_fn; random_ / exponential_ fill like uniform_.
 */
import { composite } from "../autograd/function";
import { is_grad_enabled } from "../autograd/grad_mode";
import { bool, cppTypeName, float64, int64, intRange, isIntegral, wrapValue, type DType } from "../dtype";
import { IndexError, RuntimeError, TypeError_ } from "../errors";
import { checkInplaceOutsideInference } from "../inference_state";
import { default_generator, type Generator } from "../random";
import { broadcastShapes, fmtShape, normalizeDim } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { apply_ } from "./inplace";
import { checkUint8MaskValues, uint8MaskAsBool } from "./dtype_utils";
import { index_put, type IndexSpec } from "./indexing";
import { addmm } from "./matmul";
import { contiguousData, sumToShape } from "./util";
import { where } from "./where";
import { checkMultiOutputView } from "./views";

function checkLeafFor(self: Tensor): void {
  checkInplaceOutsideInference(self);
  if (is_grad_enabled() && self.requires_grad && self.is_leaf) {
    throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation."); // torch 1.13's text, no op name
  }
  checkMultiOutputView(self);
}

/** In-place form of an op with other tensor operands (they decide whether autograd records it). */
export function applyOp<T extends Tensor>(self: T, op: string, compute: (x: Tensor) => Tensor, ...others: unknown[]): T {
  return apply_(self, op, compute, others);
}

/** x[..., index, ...] specs: the index tensor at `dim`, whole slices before it. */
function specsAt(x: Tensor, dim: number, index: Tensor, op: string): IndexSpec[] {
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  if (!(index instanceof Tensor)) throw new IndexError(`${op}_(): Expected a long tensor for index, but got ${typeof index}`);
  if (index.dtype !== int64) {
    // torch 1.13's words, which differ between the two (int32 indices included)
    if (op === "index_fill") throw new IndexError("index_fill_(): Expected dtype int64 for index.");
    throw new RuntimeError(`${op}_(): Expected a long tensor for index, but got ${cppTypeName(index.dtype)}`);
  }
  if (index.dim() > 1) throw new IndexError(`${op}_(): Index is supposed to be a vector`);
  return [...Array.from({ length: d }, () => null), index.reshape(-1)];
}

export function index_fill(x: Tensor, dim: number, index: Tensor, value: TensorLike): Tensor {
  if (value instanceof Tensor && value.dim() !== 0) throw new RuntimeError(`index_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.dim()} dimension(s).`);
  // A 0-d tensor value is a fill value: it takes x's dtype (torch casts it; index_put would refuse it).
  const specs = specsAt(x, dim, index, "index_fill");
  if (!(value instanceof Tensor)) return composite("IndexFillBackward0", [x], (t) => index_put(t, specs, value));
  return composite("IndexFillBackward0", [x, value], (t, v) => index_put(t, specs, v.to(x.dtype)));
}

export function index_copy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const d = normalizeDim(dim, Math.max(x.dim(), 1));
  const want = x.shape.map((s, i) => (i === d ? index.numel() : s));
  if (source.dtype !== x.dtype) {
    throw new RuntimeError(`index_copy_(): self and source expected to have the same dtype, but got (self) ${cppTypeName(x.dtype)} and (source) ${cppTypeName(source.dtype)}`);
  }
  if (source.dim() !== x.dim() || source.shape.some((s, i) => s !== want[i])) {
    throw new RuntimeError(`index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: ${fmtShape(want)} at dimension ${d} and source slice shape: ${fmtShape(source.shape)}`);
  }
  const specs = specsAt(x, dim, index, "index_copy");
  return composite("IndexCopyBackward0", [x, source], (t, src) => index_put(t, specs, src));
}

/** Copies source's elements, in order, into the positions where mask (broadcast to x) is true. */
export function masked_scatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  const raw = mask;
  mask = uint8MaskAsBool(mask, "masked_scatter"); // torch 1.13: deprecated, still works
  checkUint8MaskValues(raw);
  if (mask.dtype !== bool) throw new RuntimeError(`masked_scatter_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  // torch 1.13's message, its missing space included.
  if (source.dtype !== x.dtype) throw new RuntimeError(`masked_scatter: expected self and source to have same dtypes but got${cppTypeName(x.dtype)} and ${cppTypeName(source.dtype)}`);
  broadcastShapes(x.shape, mask.shape, "masked_scatter");
  const m = mask.expand(x.shape.slice()).reshape(-1);
  const flat = contiguousData(m);
  const idx: number[] = [];
  for (let i = 0; i < flat.length; i++) if (flat[i]) idx.push(i);
  if (idx.length > source.numel()) throw new RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask");
  const positions = new Tensor(Float32Array.from(idx), [idx.length], int64);
  return composite("MaskedScatterBackward0", [x, source], (t, src) => index_put(t.reshape(-1), [positions], src.reshape(-1).narrow(0, 0, idx.length)).reshape(x.shape.slice()));
}

/** Writes source into x's flattened positions `index` (negative indices count from the end). */
export function put(x: Tensor, index: Tensor, source: Tensor, accumulate = false): Tensor {
  if (index.dtype !== int64) throw new RuntimeError(`put_(): Expected a long tensor for index, but got ${cppTypeName(index.dtype)}`);
  if (index.numel() !== source.numel()) throw new RuntimeError(`put_(): Expected source and index to have the same number of elements, but got source.numel() = ${source.numel()}, index.numel() = ${index.numel()}`);
  const n = x.numel();
  for (const i of contiguousData(index)) {
    if (i >= n || i < -n) throw new IndexError(`put_(): Expected a long tensor for index with values in [${-n}, ${n}), but got ${i}`);
  }
  return composite("PutBackward0", [x, source], (t, src) => index_put(t.reshape(-1), [index.reshape(-1)], src.reshape(-1), accumulate).reshape(x.shape.slice()));
}

/** Each slice along `dim` whose p-norm exceeds maxnorm is scaled to norm maxnorm (PyTorch's 1e-7 guard). */
export function renorm(x: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  if (!(p > 0)) throw new RuntimeError(`renorm: non-positive-norm not supported`);
  if (maxnorm < 0) throw new RuntimeError(`renorm: expected maxnorm to be >= 0 but got ${maxnorm}`);
  // torch 1.13 checks p and maxnorm first; an integer or bool tensor then fails inside its vector norm
  if (!x.dtype.is_floating_point) throw new RuntimeError(`linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${cppTypeName(x.dtype)}`);
  const d = normalizeDim(dim, x.dim());
  const others = x.shape.map((_, i) => i).filter((i) => i !== d);
  return composite("RenormBackward0", [x], (t) => {
    const norm = others.length ? t.norm(p, others, true) : t.abs();
    const factor = where(norm.gt(maxnorm), norm.add(1e-7).reciprocal().mul(maxnorm), 1);
    return t.mul(factor);
  });
}

/** Sums x down to `size` (x must be expandable from it). */
export function sum_to_size(x: Tensor, size: readonly number[]): Tensor {
  const lead = x.dim() - size.length;
  const ok = lead >= 0 && size.every((s, i) => s === x.shape[lead + i] || s === 1);
  if (!ok) throw new RuntimeError(`size {${size.join(", ")}} is not expandable to size {${x.shape.join(", ")}}.`);
  return sumToShape(x, size);
}

export function narrow_copy(x: Tensor, dim: number, start: number, length: number): Tensor {
  return x.narrow(dim, start, length).clone();
}

/** The node names of the in-place view overloads, by their out-of-place node's name (torch 1.13's derivatives.yaml). */
const INPLACE_VIEW_NODES: Record<string, string> = {
  SqueezeBackward0: "SqueezeBackward2", SqueezeBackward1: "SqueezeBackward3", UnsqueezeBackward0: "UnsqueezeBackward1",
  TBackward0: "TBackward1", TransposeBackward0: "TransposeBackward1",
};

/** In-place form of a view op: self takes the view's geometry; in a graph, the view's node. */
export function viewInPlace<T extends Tensor>(self: T, op: string, view: (x: Tensor) => Tensor): T {
  checkLeafFor(self);
  if (is_grad_enabled() && self.requires_grad) {
    // The old value keeps the old node (and the hooks registered so far), as in inplace.rebase.
    const prev = new Tensor(self._data, self.shape, self.dtype, self._strides, self._offset, self._ver);
    prev._base = self._base;
    prev._requires_grad = true;
    prev.grad_fn = self.grad_fn;
    if (prev.grad_fn) prev.grad_fn.out = prev;
    prev._hooks = self._hooks;
    self._hooks = null;
    const v = view(prev);
    // torch 1.13 names the in-place overloads' nodes apart: squeeze_() SqueezeBackward2, squeeze_(dim)
    // SqueezeBackward3, unsqueeze_ UnsqueezeBackward1, t_ TBackward1, transpose_ TransposeBackward1
    if (v.grad_fn && v.grad_fn !== prev.grad_fn) v.grad_fn._name = INPLACE_VIEW_NODES[v.grad_fn._name] ?? v.grad_fn._name;
    setGeometry(self, v);
    self.grad_fn = v.grad_fn;
    if (v.grad_fn) v.grad_fn.out = self;
  } else setGeometry(self, view(self));
  self._ver.v++;
  self._ver.lastOp = op;
  return self;
}

function setGeometry(self: Tensor, v: Tensor): void {
  self._shape = v._shape;
  self._strides = v._strides;
  self._offset = v._offset;
}

/** apply_(fn) / map_(other, fn): a JS callback per element; refused on tensors that require grad, as in PyTorch. */
export function applyFn<T extends Tensor>(self: T, fn: (v: number) => number, op = "apply_"): T {
  if (typeof fn !== "function") throw new TypeError_(`${op}(): argument 'callable' must be a function`);
  if (self.requires_grad) throw new RuntimeError(`Can't call ${op}() on Variable that requires grad. Use var.detach().${op}() instead.`);
  const cast = castFor(self.dtype);
  return apply_(self, op, (x) => {
    const out = x.clone();
    const d = out._data;
    for (let i = 0; i < d.length; i++) d[i] = cast(Number(fn(d[i])));
    return out;
  });
}

export function mapFn<T extends Tensor>(self: T, other: Tensor, fn: (a: number, b: number) => number): T {
  if (typeof fn !== "function") throw new TypeError_("map_(): argument 'callable' must be a function");
  if (self.requires_grad) throw new RuntimeError("Can't call map_() on Variable that requires grad. Use var.detach().map_() instead.");
  const cast = castFor(self.dtype);
  const b = contiguousData(other.to(self.dtype).expand(self.shape.slice()));
  return apply_(self, "map_", (x) => {
    const out = x.clone();
    const d = out._data;
    for (let i = 0; i < d.length; i++) d[i] = cast(Number(fn(d[i], b[i])));
    return out;
  });
}

const castFor = (dt: DType): ((v: number) => number) => (isIntegral(dt) ? (v) => wrapValue(dt, v) : dt === bool ? (v) => (v ? 1 : 0) : (v) => v);

/** PyTorch's random64: two 32-bit draws, the first as the high word. */
function random64(gen: Generator): bigint {
  const hi = BigInt(gen.random());
  const lo = BigInt(gen.random());
  return (hi << 32n) | lo;
}

/** random_() / random_(to) / random_(from, to): integers uniform in [from, to), PyTorch's draws. */
export function random_<T extends Tensor>(self: T, from: number | undefined, to: number | undefined, gen: Generator = default_generator): T {
  let lo = 0;
  let hi: number;
  if (from !== undefined && to !== undefined && to !== null) [lo, hi] = [from, to];
  else if (from !== undefined || (to !== undefined && to !== null)) hi = (from ?? to)!;
  else {
    // No bounds: [0, 2^mantissa] for floats, as PyTorch; int64 values up to 2^63 would not fit this engine's long storage.
    if (self.dtype === int64) throw new RuntimeError("random_() without bounds draws int64 values up to 2^63, which this engine's long storage (exact to 2^53) cannot hold: pass bounds, e.g. random_(0, 1000)");
    // int32 / int16 / int8 / uint8: [0, max] of the dtype, as torch's random() % (max + 1).
    if (isIntegral(self.dtype)) return fill(self, "random_", () => gen.random() % (intRange(self.dtype).max + 1));
    if (self.dtype === float64) {
      const span = (1n << 53n) + 1n; // 2^53 + 1 is not a double: BigInt arithmetic
      return fill(self, "random_", () => Number(random64(gen) % span));
    }
    const span = self.dtype === bool ? 2 : 2 ** 24 + 1;
    return fill(self, "random_", () => gen.random() % span);
  }
  if (!(lo < hi)) throw new RuntimeError(`random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
  const range = hi - lo;
  // 64-bit draws for ranges of 2^32 and more (torch 1.13's float64 / int64 draws; float32 is exact only below 2^24 anyway).
  const wide = range >= 2 ** 32;
  return fill(self, "random_", () => (wide ? Number(random64(gen) % BigInt(range)) + lo : (gen.random() % range) + lo));
}

/** exponential_(lambd=1): -1/lambd * log(1 - u), u uniform in [0, 1) (53 bits, PyTorch's CPU draw). */
export function exponential_<T extends Tensor>(self: T, lambd = 1, gen: Generator = default_generator): T {
  if (!self.dtype.is_floating_point) throw new RuntimeError(`"exponential_cpu" not implemented for '${cppTypeName(self.dtype)}'`);
  if (!(lambd > 0)) throw new RuntimeError(`exponential_ expects lambda > 0.0, but found lambda=${lambd}`);
  return fill(self, "exponential_", () => (-1 / lambd) * Math.log(1 - gen.uniform53()));
}

function fill<T extends Tensor>(self: T, op: string, draw: () => number): T {
  checkLeafFor(self);
  if (is_grad_enabled() && self.requires_grad) throw new RuntimeError(`${op}: cannot fill a tensor that is part of a graph; use torch.no_grad(() => ...)`);
  return apply_(self, op, (x) => {
    const out = x.clone();
    const d = out._data;
    for (let i = 0; i < d.length; i++) d[i] = draw();
    return out;
  });
}

export { addmm };
