/**
 * In-place ops (add_, mul_, fill_, copy_, uniform_, ...). Every one bumps the version counter
 * shared with views, which is how backward detects that a saved tensor was overwritten.
 *
 * Without autograd involvement (grad mode off, or nothing requires grad) the kernel writes
 * straight into the storage: that is the path optimizers and nn.init take, and it allocates
 * nothing. When autograd is involved, the out-of-place op is recorded on a snapshot of the
 * old value and the tensor takes the new node as its grad_fn (PyTorch's "rebase").
 */
import { record } from "../autograd/function";
import { is_grad_enabled } from "../autograd/grad_mode";
import { Node } from "../autograd/node";
import { allocStorage, bool, castValue, checkIntScalar, cppTypeName, cScalarName, int64, typeMetaName, uint8, wrapInto, wrapsAround, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { checkInplaceOutsideInference } from "../inference_state";
import { BinaryOp, type BinaryOpCode } from "../kernels/binary";
import { kernels } from "../kernels/registry";
import { default_generator, type Generator } from "../random";
import { broadcastShapes, broadcastStrides, contiguousStrides, fmtShape, numelOf, shapesEqual } from "../shape";
import { Tensor, type TensorLike } from "../tensor";
import { copyOf } from "./copy";
import { get_default_dtype } from "../default_dtype";
import { basicIndexWriteNode, index_put, type IndexSpec } from "./indexing";
import { checkMultiOutputView } from "./views";
import { addcmulValue, checkAddcdivOperands } from "./elementwise_extra";
import { exactIntegerResults, resultType, scalar } from "./util";
import { onFirstUse } from "../kernels/wasm/on_first_use";

function checkLeaf(self: Tensor): void {
  checkInplaceOutsideInference(self);
  if (!is_grad_enabled()) return;
  if (self.requires_grad && self.is_leaf) {
    // torch 1.13's text, without the op's name (fastbook's params.sub_(...) without .data)
    throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.");
  }
  checkMultiOutputView(self);
  const base = self._base;
  if (base && base.requires_grad && base.is_leaf) {
    // torch 1.13's text, without the op's name (Barlow Twins' torch.diagonal(c).add_(-1) on a Parameter)
    throw new RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  }
}

function bump(self: Tensor, op: string): void {
  self._ver.v++;
  self._ver.lastOp = op;
}

/** The out-of-place result must keep self's shape and dtype for an in-place op to be valid (torch 1.13's messages, no op name). */
function checkResult(self: Tensor, shape: readonly number[], dtype: DType): void {
  if (!shapesEqual(shape, self.shape)) {
    throw new RuntimeError(`output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`);
  }
  const rank = (d: DType): number => (d === bool ? 0 : d.is_floating_point ? 2 : 1);
  if (rank(dtype) > rank(self.dtype)) {
    throw new RuntimeError(`result type ${cppTypeName(dtype)} can't be cast to the desired output type ${cppTypeName(self.dtype)}`);
  }
}

/** Autograd path: record `compute(snapshot)` and make self its output. */
function rebase(self: Tensor, op: string, compute: (old: Tensor) => Tensor): Tensor {
  if (self._base) return rebaseView(self, op, compute);
  // The snapshot holds the old values so the recorded node can save them safely.
  const snapshot = copyOf(self);
  snapshot._requires_grad = self.requires_grad;
  snapshot.grad_fn = self.grad_fn;
  const r = compute(snapshot);
  checkResult(self, r.shape, r.dtype);
  kernels.copy(self.shape, r._data, r._offset, r._strides, self._data, self._offset, self._strides);
  bump(self, op);
  if (r.grad_fn) moveNode(self, snapshot, r.grad_fn);
  return self;
}

/**
 * The old node now produces the snapshot, and hooks registered so far move with it: like
 * PyTorch, they see the gradient of the old value; hooks registered later see the new one.
 */
function moveNode(self: Tensor, snapshot: Tensor, node: Node): void {
  if (self.grad_fn) self.grad_fn.out = snapshot;
  snapshot._hooks = self._hooks;
  self._hooks = null;
  self.grad_fn = node;
  node.out = self;
  self._requires_grad = true;
}

/** A tensor with base's geometry (shape, strides, offset) over a fresh copy of its storage. */
function storageCopy(base: Tensor): Tensor {
  return new Tensor(base._data.slice(), base.shape, base.dtype, base._strides, base._offset);
}

/** The region of `holder` (same geometry as base) that `view` covers. */
function regionOf(holder: Tensor, view: Tensor): Tensor {
  return new Tensor(holder._data, view.shape, holder.dtype, view._strides, view._offset);
}

/** g (base-shaped) laid out like base, so the view's strides address the right elements. */
function inBaseLayout(base: Tensor, g: Tensor): Tensor {
  const holder = new Tensor(allocStorage(g.dtype, base._data.length), base.shape, g.dtype, base._strides, base._offset);
  kernels.copy(g.shape, g._data, g._offset, g._strides, holder._data, holder._offset, holder._strides);
  return holder;
}

/**
 * Where each element of `view` sits in `base`, as an int64 tensor of view's shape holding flat
 * (row-major) positions over base's shape: each position written through base's strides, then read
 * back through the view's. For the differentiable forms of the nodes below (create_graph), which
 * move a gradient between the view and its base with index_select / index_add (recorded ops).
 */
function flatPositions(base: Tensor, view: Tensor): Tensor {
  const n = numelOf(base.shape);
  const positions = allocStorage(int64, n);
  for (let i = 0; i < n; i++) positions[i] = i;
  const holder = new Tensor(allocStorage(int64, base._data.length), base.shape, int64, base._strides, base._offset);
  kernels.copy(base.shape, positions, 0, contiguousStrides(base.shape), holder._data, holder._offset, holder._strides);
  return copyOf(new Tensor(holder._data, view.shape, int64, view._strides, view._offset)).reshape(-1);
}

/** g (view-shaped) placed at the view's elements of a zero base-shaped tensor, in recorded ops (AsStridedBackward0 under create_graph). */
function scatterToBase(base: Tensor, positions: () => Tensor, g: Tensor): Tensor {
  const zeros = new Tensor(allocStorage(g.dtype, numelOf(base.shape)), [numelOf(base.shape)], g.dtype);
  return zeros.index_add(0, positions(), g.reshape(-1)).reshape(base.shape);
}


/**
 * In place on a view (PyTorch's CopySlices): the base takes a node whose backward sends the
 * gradient of the written region through the op and the rest to the base's old value; the
 * view becomes a fresh view of the new base. `y = x * 2; y.index(0).mul_(3)` then
 * differentiates like `torch.cat([y[0:1] * 3, y[1:]])`.
 */
function rebaseView(self: Tensor, op: string, compute: (old: Tensor) => Tensor): Tensor {
  const base = self._base!;
  const oldBase = storageCopy(base);
  oldBase._requires_grad = base.requires_grad;
  oldBase.grad_fn = base.grad_fn;
  // The region of the old base, as a differentiable view of it.
  const oldRegion = regionOf(oldBase, self);
  const positions = onFirstUse(() => flatPositions(base, self));
  const regionIn = record(oldRegion, "AsStridedBackward0", [oldBase], (g) => {
    const holder = inBaseLayout(base, zerosOf(base.shape, g.dtype));
    kernels.copy(g.shape, g._data, g._offset, g._strides, holder._data, self._offset, self._strides);
    return [contiguousCopy(holder)];
  }, [], (g) => [scatterToBase(base, positions, g)]);
  const r = compute(regionIn);
  checkResult(self, r.shape, r.dtype);
  kernels.copy(self.shape, r._data, r._offset, r._strides, self._data, self._offset, self._strides);
  bump(self, op);
  const node = new Node("CopySlices", [oldBase, r], (g) => {
    const holder = inBaseLayout(base, g);
    const region = copyOf(regionOf(holder, self));
    const zero = zerosOf(self.shape, g.dtype);
    kernels.copy(self.shape, zero._data, 0, zero._strides, holder._data, self._offset, self._strides);
    return [oldBase.requires_grad ? contiguousCopy(holder) : null, r.requires_grad ? region : null];
  }, [], null, (g) => {
    // The same split in recorded ops: the base's gradient with the region zeroed (a constant mask), and the region's.
    const keep = scatterToBase(base, positions, new Tensor(allocStorage(g.dtype, numelOf(self.shape)).fill(1), self.shape, g.dtype)).neg().add(1);
    return [oldBase.requires_grad ? g.mul(keep) : null, r.requires_grad ? g.reshape(-1).index_select(0, positions()).reshape(self.shape) : null];
  });
  moveNode(base, oldBase, node);
  // The view now reads the new base: its gradient is its region of the base's gradient.
  self.grad_fn = viewNodeOfBase(self, base);
  self._requires_grad = true;
  return self;
}

/** A node making `view` a strided view of `base`'s current value (AsStridedBackward0). */
export function viewNodeOfBase(view: Tensor, base: Tensor): Node {
  const positions = onFirstUse(() => flatPositions(base, view));
  const node = new Node("AsStridedBackward0", [base], (g) => {
    const holder = inBaseLayout(base, zerosOf(base.shape, g.dtype));
    kernels.copy(g.shape, g._data, g._offset, g._strides, holder._data, view._offset, view._strides);
    return [contiguousCopy(holder)];
  }, [], null, (g) => [scatterToBase(base, positions, g)]);
  node.out = view;
  return node;
}

function zerosOf(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(allocStorage(dtype, numelOf(shape)), shape, dtype);
}

/** Contiguous copy of a tensor given in base layout, shaped like base. */
function contiguousCopy(holder: Tensor): Tensor {
  return copyOf(holder);
}

/**
 * Generic in-place form of an out-of-place op: `compute(old)` gives the new value; `others`
 * are the op's other tensor operands (they decide whether autograd records the op).
 */
export function apply_<T extends Tensor>(self: T, op: string, compute: (x: Tensor) => Tensor, others: readonly unknown[] = []): T {
  checkLeaf(self);
  if (involvesGrad(self, ...others)) return rebase(self, op, compute) as T;
  const r = compute(self);
  checkResult(self, r.shape, r.dtype);
  kernels.copy(self.shape, r._data, r._offset, r._strides, self._data, self._offset, self._strides);
  wrapInto(self.dtype, self._data); // a long result written into uint8 / int8 / int16 / int32 keeps its low bits
  bump(self, op);
  return self;
}

function involvesGrad(self: Tensor, ...others: unknown[]): boolean {
  if (!is_grad_enabled()) return false;
  return self.requires_grad || others.some((o) => o instanceof Tensor && o.requires_grad);
}

/** Runs the strided binary kernel with self as both output and left operand. */
function binaryInto(self: Tensor, other: TensorLike, op: BinaryOpCode, alpha: number, opName: string): void {
  const o = other instanceof Tensor ? other : scalar(other, self.dtype);
  const dt = resultType(self, other);
  const shape = broadcastShapes(self.shape, o.shape, opName);
  checkResult(self, shape, dt);
  // int16 / int32 sums and products past 2^24: recomputed exactly from the old values before the wrap (util.ts).
  const exactOp = wrapsAround(self.dtype) && self.dtype !== uint8 ? (op === BinaryOp.add ? "add" : op === BinaryOp.mul ? "mul" : undefined) : undefined;
  const before = exactOp ? copyOf(self) : null;
  kernels.binary(op, self.shape, alpha, self._data, self._offset, self._strides, self._data, self._offset, self._strides,
    o._data, o._offset, broadcastStrides(o.shape, o._strides, self.shape));
  if (before && exactOp) {
    const r = copyOf(self);
    if (exactIntegerResults(exactOp, before, o, r, alpha)) kernels.copy(self.shape, r._data, 0, r._strides, self._data, self._offset, self._strides);
  }
  // The kernel computed exactly in float; uint8 keeps the low 8 bits (x.add_(100) on 200 -> 44), int8 / int16 /
  // int32 theirs. The whole storage has self's dtype, so wrapping all of it leaves the elements outside self as they were.
  wrapInto(self.dtype, self._data);
}

export function add_<T extends Tensor>(self: T, other: TensorLike, alpha: number, op = "add_"): T {
  checkLeaf(self);
  if (involvesGrad(self, other)) {
    // sub_ (alpha negated by the caller) records torch's SubBackward0, as p.sub_(lr * g) shows in a printed grad_fn
    if (op === "sub_") return rebase(self, op, (old) => old.sub(other, { alpha: -alpha })) as T;
    return rebase(self, op, (old) => old.add(other, { alpha })) as T;
  }
  binaryInto(self, other, BinaryOp.add, alpha, op);
  bump(self, op);
  return self;
}

export function binary_<T extends Tensor>(self: T, other: TensorLike, op: "mul" | "div" | "pow"): T {
  const name = `${op}_`;
  checkLeaf(self);
  if (involvesGrad(self, other)) return rebase(self, name, (old) => (op === "mul" ? old.mul(other) : op === "div" ? old.div(other) : old.pow(other))) as T;
  if (op === "div" && !self.dtype.is_floating_point) {
    // True division of integers gives the default float dtype (or a float operand's): torch 1.13's text, no op name.
    const result = other instanceof Tensor && other.dtype.is_floating_point ? other.dtype : get_default_dtype();
    throw new RuntimeError(`result type ${cppTypeName(result)} can't be cast to the desired output type ${cppTypeName(self.dtype)}`);
  }
  binaryInto(self, other, BinaryOp[op], 1, name);
  bump(self, name);
  return self;
}

/** Generic in-place form of an out-of-place op (clamp_, relu_, masked_fill_, ...). */
export function unary_<T extends Tensor>(self: T, op: string, compute: (x: Tensor) => Tensor): T {
  return apply_(self, op, compute);
}

export function fill_<T extends Tensor>(self: T, value: number | boolean | Tensor, op: string): T {
  let v: number;
  if (value instanceof Tensor) {
    if (value.dim() !== 0) throw new RuntimeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.dim()} dimensions.`);
    if (involvesGrad(self, value)) {
      checkLeaf(self);
      return rebase(self, op, (old) => old.mul(0).add(value)) as T;
    }
    v = Number(value.item()); // a bool value tensor gives 0 / 1
  } else v = typeof value === "boolean" ? (value ? 1 : 0) : value;
  if (typeof value === "number") checkIntScalar(self.dtype, v, cScalarName(self.dtype)); // fill_(300) overflows, fill_(-1) gives 255 in uint8
  checkLeaf(self);
  if (involvesGrad(self)) return rebase(self, op, (old) => old.mul(0).add(castValue(self.dtype, v)).to(self.dtype)) as T;
  v = castValue(self.dtype, v);
  if (self.is_contiguous()) self._data.fill(v, self._offset, self._offset + self.numel());
  else {
    const s = scalar(v, self.dtype);
    kernels.copy(self.shape, s._data, 0, self.shape.map(() => 0), self._data, self._offset, self._strides);
  }
  bump(self, op);
  return self;
}

export function copy_<T extends Tensor>(self: T, src: TensorLike): T {
  checkLeaf(self);
  const s = src instanceof Tensor ? src : scalar(src, self.dtype);
  const shape = broadcastShapes(self.shape, s.shape, "copy_");
  // src may not have more dims or larger sizes than self: torch 1.13's in-place message (not expand's)
  if (shape.length !== self.dim() || shape.some((n, i) => n !== self.shape[i])) {
    throw new RuntimeError(`output with shape ${fmtShape(self.shape)} doesn't match the broadcast shape ${fmtShape(shape)}`);
  }
  if (involvesGrad(self, s)) {
    return rebase(self, "copy_", (old) => old.mul(0).add(s.to(self.dtype).expand(self.shape.slice()))) as T;
  }
  const expanded = s.expand(self.shape.slice());
  const conv = s.dtype === self.dtype || self.dtype.is_floating_point ? expanded : copyOf(expanded, self.dtype);
  kernels.copy(self.shape, conv._data, conv._offset, conv._strides, self._data, self._offset, self._strides);
  bump(self, "copy_");
  return self;
}

/** self += value * t1 * t2 */
export function addcmul_<T extends Tensor>(self: T, t1: Tensor, t2: Tensor, value: number): T {
  checkLeaf(self);
  value = addcmulValue(self, t1, t2, value);
  if (involvesGrad(self, t1, t2)) return rebase(self, "addcmul_", (old) => old.add(t1.mul(t2).mul(value))) as T;
  const prod = t1.mul(t2);
  binaryInto(self, prod, BinaryOp.add, value, "addcmul_");
  bump(self, "addcmul_");
  return self;
}

/** self += value * t1 / t2 */
export function addcdiv_<T extends Tensor>(self: T, t1: Tensor, t2: Tensor, value: number): T {
  checkLeaf(self);
  checkAddcdivOperands(t1, t2);
  if (involvesGrad(self, t1, t2)) return rebase(self, "addcdiv_", (old) => old.add(t1.div(t2).mul(value))) as T;
  const q = t1.div(t2);
  binaryInto(self, q, BinaryOp.add, value, "addcdiv_");
  bump(self, "addcdiv_");
  return self;
}

/** self += weight * (end - self) */
export function lerp_<T extends Tensor>(self: T, end: Tensor, weight: number): T {
  checkLeaf(self);
  if (end instanceof Tensor && end.dtype !== self.dtype) {
    throw new RuntimeError(`expected dtype ${typeMetaName(self.dtype)} for \`end\` but got dtype ${typeMetaName(end.dtype)}`);
  }
  if (!self.dtype.is_floating_point) throw new RuntimeError(`"lerp_kernel_scalar" not implemented for '${cppTypeName(self.dtype)}'`);
  if (involvesGrad(self, end)) return rebase(self, "lerp_", (old) => old.add(end.sub(old).mul(weight))) as T;
  const diff = end.sub(self);
  binaryInto(self, diff, BinaryOp.add, weight, "lerp_");
  bump(self, "lerp_");
  return self;
}

function fillRandom<T extends Tensor>(self: T, op: string, fill: (buf: Float32Array | Float64Array) => void): T {
  checkLeaf(self);
  if (involvesGrad(self)) throw new RuntimeError(`${op}: cannot fill a tensor that is part of a graph; use torch.no_grad(() => ...)`);
  if (self.is_contiguous()) {
    fill(self._data.subarray(self._offset, self._offset + self.numel()));
  } else {
    const tmp = copyOf(self);
    fill(tmp._data);
    kernels.copy(self.shape, tmp._data, 0, tmp._strides, self._data, self._offset, self._strides);
  }
  bump(self, op);
  return self;
}

/**
 * A float argument of a random fill (normal_'s mean / std, uniform_'s from / to): a number, or a 0-dim tensor read
 * as Python's float() reads it (fast.ai's rand_erase passes x.mean() / x.std()); any other tensor raises torch 1.13's
 * TypeError ("(position N)" when it was passed positionally, i.e. is args[N - 1]).
 */
export function floatArg(fn: string, name: string, position: number, value: unknown, args: readonly unknown[]): number | undefined {
  if (!(value instanceof Tensor)) return value as number | undefined;
  if (value.dim() !== 0) {
    const where = args[position - 1] === value ? ` (position ${position})` : "";
    throw new TypeError_(`${fn}(): argument '${name}'${where} must be float, not Tensor`);
  }
  return value.item();
}

/** A double as C++'s ostream prints it (6 significant digits, %g: 0.166667, 1e-07, 1.23457e+06). */
export function cppDouble(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant, e] = v.toExponential(5).split("e");
  const exp = Number(e);
  const strip = (t: string) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  if (exp < -4 || exp >= 6) return `${strip(mant)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return strip(v.toFixed(Math.max(0, 5 - exp)));
}

/** torch 1.13's check_uniform_bounds on a float tensor's range: from <= to ("from=1 > to=0" raises). */
export function checkUniformBounds(from: number, to: number): void {
  if (from > to) throw new RuntimeError(`uniform_ expects to return a [from, to) range, but found from=${cppDouble(from)} > to=${cppDouble(to)}`);
}

export function uniform_<T extends Tensor>(self: T, from: number, to: number, gen: Generator = default_generator): T {
  if (!self.dtype.is_floating_point) throw new RuntimeError(`"check_uniform_bounds" not implemented for '${cppTypeName(self.dtype)}'`);
  checkUniformBounds(from, to);
  return fillRandom(self, "uniform_", (buf) => gen.fillUniform(buf, from, to, buf instanceof Float64Array));
}

export function normal_<T extends Tensor>(self: T, mean: number, std: number, gen: Generator = default_generator): T {
  if (!self.dtype.is_floating_point) throw new RuntimeError(`"normal_kernel_cpu" not implemented for '${cppTypeName(self.dtype)}'`);
  const serial = !self.is_contiguous(); // a strided view draws element by element in torch, not in blocks of 16
  return fillRandom(self, "normal_", (buf) => gen.fillNormal(buf, mean, std, buf instanceof Float64Array, serial));
}

export function bernoulli_<T extends Tensor>(self: T, p: number, gen: Generator = default_generator): T {
  // PyTorch's scalar-p path draws a 53-bit uniform per element whatever the dtype.
  return fillRandom(self, "bernoulli_", (buf) => {
    for (let i = 0; i < buf.length; i++) buf[i] = gen.uniform53() < p ? 1 : 0;
  });
}

/**
 * x[specs] = value (or += with accumulate): numbers and slices pick a region, index tensors
 * (several broadcast together, bool masks included) pick elements; value broadcasts to the
 * indexed shape. Recorded for autograd like any in-place op (CopySlices on views).
 */
export function index_put_<T extends Tensor>(self: T, specs: readonly IndexSpec[], value: TensorLike, accumulate = false): T {
  // Into an unbind row, torch refuses naming the basic-indexing view it writes through (SelectBackward0 for row[0] = 5).
  if (is_grad_enabled() && !(self.requires_grad && self.is_leaf)) checkMultiOutputView(self, basicIndexWriteNode(specs));
  // Numbers and slices only into a leaf that requires grad: Python's E[:, 0::2] = v writes through a view of the leaf
  // (view.copy_), so torch refuses naming the view (NYU-DLSP20's create_sinusoidal_embeddings into an Embedding's weight)
  if (is_grad_enabled() && self.requires_grad && self.is_leaf && specs.length > 0 && specs.every((s) => !(s instanceof Tensor) && !Array.isArray(s))) {
    throw new RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.");
  }
  const before = self.grad_fn;
  const out = apply_(self, "index_put_", (old) => index_put(old, specs, value, accumulate), [value]);
  // Numbers and slices only: Python's x[0, 1] = v, whose node torch names CopySlices (index tensors: IndexPutBackward0)
  const node = out.grad_fn;
  if (node && node !== before && node._name === "IndexPutBackward0" && specs.every((s) => !(s instanceof Tensor) && !Array.isArray(s))) node._name = "CopySlices";
  return out;
}
