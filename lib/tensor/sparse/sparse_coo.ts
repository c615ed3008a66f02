/**
 * Sparse COO tensors (layout=torch.sparse_coo), enough for graph neural network tutorials (pygcn's normalized
 * adjacency, torch.spmm / torch.sparse.mm) and what a learner inspects on them.
 *
 * Design: a SparseCooTensor holds `_idx`, int64 [sparse_dim, nnz], and `_vals`, a dense [nnz, ...dense dims]
 * Tensor, with torch's size and coalesced flag. Every op on it is index bookkeeping in plain arrays plus dense,
 * recorded ops on the values (index_add / index_select / mul), so autograd comes from the dense engine: a sparse
 * tensor requires grad when its values do, its grad_fn is theirs (named as torch's nodes), and the gradient of a
 * sparse leaf (sparse_coo_tensor(..., requires_grad=True)) is read from its values' gradient as torch's sparse
 * gradient (coalesced, one value per index: see `grad`).
 *
 * It is its own class, not a Tensor subclass (as ComplexTensor): a dense op reading a Tensor's storage would
 * otherwise compute on numbers that are not the tensor's. torch.* / F.* functions given a sparse first argument
 * come to sparse/dispatch.ts (non_tensor_input.ts), every Tensor method this class does not implement raises one
 * clear error naming it, and a dense kernel reaching one (a sparse second operand) raises before it reads anything.
 */
import { isOptions, parseArgs } from "../args";
import { float32, float64, int64, isDType, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { sparse_coo, type layout } from "../memory_format";
import { zeros } from "../ops/creation";
import { makeView } from "../ops/views";
import { normalizeDim } from "../shape";
import type { Size } from "../size";
import { Tensor } from "../tensor";
import { refuseOnSparse } from "./brand";
import { coalescePlan } from "./coalesce_plan";
import { formatSparseCoo } from "./format";
import { markSparsePrototype, SparseTensorBase } from "./sparse_base";

/** An identity view of t recorded as `name` (torch's node name for a sparse op), when t is on the tape. */
export function named(t: Tensor, name: string): Tensor {
  return t.requires_grad ? makeView(t, t.shape, t._strides, t._offset, name, (g) => [g]) : t;
}

/** Row-major strides of the sparse dims: the flat position of each index in to_dense. */
export function flatIndex(indices: Tensor, sizes: readonly number[]): Tensor {
  let flat = zeros([indices.shape[1]], { dtype: int64 });
  let stride = 1;
  for (let d = sizes.length - 1; d >= 0; d--) {
    flat = flat.add(indices.select(0, d).mul(stride));
    stride *= sizes[d];
  }
  return flat;
}

let refusalsReady = false;

export class SparseCooTensor extends SparseTensorBase {
  /** int64 [sparse_dim, nnz]. */
  _idx: Tensor;
  _coalesced: boolean;

  /** The engine's own: use torch.sparse_coo_tensor(indices, values, size) or x.to_sparse(). Values: [nnz, ...dense dims]. */
  constructor(indices: Tensor, values: Tensor, size: readonly number[], coalesced: boolean) {
    super(values, size);
    this._idx = indices;
    this._coalesced = coalesced;
    if (!refusalsReady) installSparseRefusals();
  }

  // ---- metadata (shape, dtype, device, _nnz(): sparse_base.ts) -------------------------------------------------------
  size(dim?: number | { dim?: number }): number | Size {
    const d = typeof dim === "object" && dim !== null ? dim.dim : dim;
    return d === undefined ? this._size : this._size[normalizeDim(d, this.dim())];
  }
  dim(): number {
    return this._size.length;
  }
  get ndim(): number {
    return this.dim();
  }
  numel(): number {
    return this._size.reduce((a, b) => a * b, 1);
  }
  get layout(): layout {
    return sparse_coo;
  }
  get is_sparse(): boolean {
    return true;
  }
  get is_sparse_csr(): boolean {
    return false;
  }
  sparse_dim(): number {
    return this._idx.shape[0];
  }
  dense_dim(): number {
    return this._vals.dim() - 1;
  }
  is_coalesced(): boolean {
    return this._coalesced;
  }
  /** torch.sparse.FloatTensor / DoubleTensor / LongTensor ... (type() with no argument). */
  type(): string {
    const n = { float32: "Float", float64: "Double", int64: "Long", int32: "Int", int16: "Short", int8: "Char", uint8: "Byte", bool: "Bool" }[this.dtype.name];
    return `torch.sparse.${n}Tensor`;
  }

  // ---- indices and values -----------------------------------------------------------------------------------------
  /** The indices as stored (duplicates and order kept), int64 [sparse_dim, nnz]. */
  _indices(): Tensor {
    return this._idx;
  }
  /** The values as stored, [nnz, ...dense dims]: outside autograd, as torch's _values(). */
  _values(): Tensor {
    return this._vals.detach();
  }
  indices(): Tensor {
    if (!this._coalesced) throw new RuntimeError("Cannot get indices on an uncoalesced tensor, please call .coalesce() first");
    return this._idx;
  }
  /** A coalesced tensor's values (recorded as ValuesBackward0: the gradient flows through it). */
  values(): Tensor {
    if (!this._coalesced) throw new RuntimeError("Cannot get values on an uncoalesced tensor, please call .coalesce() first");
    return named(this._vals, "ValuesBackward0");
  }
  /** Duplicates summed, indices sorted (row-major): self when coalesced already, as torch. */
  coalesce(): SparseCooTensor {
    if (this._coalesced) return this;
    const plan = coalescePlan(this._idx);
    const n = plan.first.shape[0];
    const vals = zeros([n, ...this._vals.shape.slice(1)], { dtype: this.dtype }).index_add(0, plan.group, this._vals);
    return new SparseCooTensor(plan.indices, named(vals, "CoalesceBackward0"), this._size, true);
  }
  /** The dense tensor (duplicates summed), differentiable in the values. */
  to_dense(dtype?: DType | { dtype?: DType }): Tensor {
    const a = parseArgs<{ dtype?: DType }>("to_dense", ["dtype"], dtype === undefined ? [] : [dtype]);
    const sd = this.sparse_dim();
    const sizes = this._size.slice(0, sd);
    const rows = sizes.reduce((x, y) => x * y, 1);
    const dense = zeros([rows, ...this._size.slice(sd)], { dtype: this.dtype }).index_add(0, flatIndex(this._idx, sizes), this._vals);
    const out = named(dense.reshape([...this._size]), "ToDenseBackward0");
    return a.dtype && a.dtype !== out.dtype ? out.to(a.dtype) : out;
  }

  // ---- autograd (is_leaf, grad_fn: sparse_base.ts) ---------------------------------------------------------------
  // A setter hides the base's getter unless it is defined beside it: the pair is here (CSR has no setter).
  get requires_grad(): boolean {
    return this._vals.requires_grad;
  }
  set requires_grad(flag: boolean) {
    this.requires_grad_(flag);
  }
  requires_grad_(flag: boolean | { requires_grad?: boolean } = true): this {
    this._vals.requires_grad_(flag);
    return this;
  }
  /**
   * A sparse leaf's gradient, sparse as torch 1.13's (sparse.mm's sparse_mask, to_dense's): one value per unique
   * index, in sorted order, though not flagged coalesced (torch's is_coalesced() is False there). The values' own
   * gradient holds one per entry; every op here is linear in the dense sum of the entries, so duplicates of an index
   * get the same gradient, and the first one of each is read.
   */
  get grad(): SparseCooTensor | null {
    const g = this.is_leaf ? this._vals.grad : null;
    if (!g) return null;
    if (this._coalesced) return new SparseCooTensor(this._idx, g, this._size, false);
    const plan = coalescePlan(this._idx);
    return new SparseCooTensor(plan.indices, g.index_select(0, plan.first), this._size, false);
  }
  set grad(g: SparseCooTensor | null) {
    if (g !== null) refuseOnSparse("Assigning a gradient to a sparse tensor's .grad (only None)");
    this._vals.grad = null;
  }
  detach(): SparseCooTensor {
    return new SparseCooTensor(this._idx, this._vals.detach(), this._size, this._coalesced);
  }
  clone(): SparseCooTensor {
    return new SparseCooTensor(this._idx.clone(), this._vals.clone(), this._size, this._coalesced);
  }

  // ---- conversions ------------------------------------------------------------------------------------------------
  /** to(dtype) (a device or other options are refused, as every sparse op this engine lacks). */
  to(...args: unknown[]): SparseCooTensor {
    const first = args[0];
    const dtype = isDType(first) ? first : isOptions(first) ? (first as { dtype?: DType }).dtype : undefined;
    if (first === "cpu" || (args.length === 0)) return this;
    if (!dtype) return refuseOnSparse("Tensor.to() without a dtype");
    return dtype === this.dtype ? this : new SparseCooTensor(this._idx, this._vals.to(dtype), this._size, this._coalesced);
  }
  float(): SparseCooTensor {
    return this.to(float32);
  }
  double(): SparseCooTensor {
    return this.to(float64);
  }
  long(): SparseCooTensor {
    return this.to(int64);
  }
  /** Already sparse: itself (torch 1.13 returns self for to_sparse() of a sparse COO tensor). */
  to_sparse(): SparseCooTensor {
    return this;
  }

  // ---- printing ---------------------------------------------------------------------------------------------------
  toString(): string {
    const fn = this._vals.grad_fn;
    return formatSparseCoo(this._idx, this._vals, this._size, fn ? fn._name : null, this.requires_grad);
  }
}
markSparsePrototype(SparseCooTensor.prototype, (field) => refuseOnSparse(`A dense op given a sparse operand (it read ${field})`));

/**
 * Every Tensor method this class does not implement raises one clear error naming it. Run at the first
 * construction, when api/ has installed all of Tensor.prototype's methods.
 */
function installSparseRefusals(): void {
  refusalsReady = true;
  installRefusals(SparseCooTensor.prototype, refuseOnSparse);
}

/** On `proto`, every Tensor method it lacks raises `refuse`'s error naming it. */
export function installRefusals(proto0: object, refuse: (what: string) => never): void {
  const names = new Set<string>();
  for (let p: object | null = Tensor.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const n of Object.getOwnPropertyNames(p)) names.add(n);
  }
  const proto = proto0 as unknown as Record<string, unknown>;
  for (const n of names) {
    if (n === "constructor" || n.startsWith("_") || n in proto) continue;
    const d = Object.getOwnPropertyDescriptor(Tensor.prototype, n) ?? { get: undefined, value: undefined };
    if (typeof d.get === "function" || typeof d.value !== "function") {
      Object.defineProperty(proto, n, { get: () => refuse(`Tensor.${n}`), configurable: true, enumerable: false });
    } else {
      Object.defineProperty(proto, n, { value: function refused(): never { return refuse(`Tensor.${n}()`); }, writable: true, configurable: true, enumerable: false });
    }
  }
}

/** Sparse and dense operands of a binary op: the sparse tensor, or a TypeError naming the op. */
export function asSparse(v: unknown, what: string): SparseCooTensor {
  if (v instanceof SparseCooTensor) return v;
  throw new TypeError_(`${what}: expected a sparse COO tensor`);
}
