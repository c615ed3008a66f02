/**
 * Sparse CSR matrices (layout=torch.sparse_csr), the part of torch 1.13's support a learner reaches: x.to_sparse_csr()
 * of a 2-D dense or COO tensor, torch.sparse_csr_tensor(crow_indices, col_indices, values, size=None) with torch's
 * checks, crow_indices() / col_indices() / values(), to_dense() / to_sparse(), the printed repr, CSR @ dense
 * (torch.mm / matmul / sparse.mm / addmm: dense, MmBackward0, the dense operand's gradient), dense @ CSR, and sum().
 * Everything else raises torch's error or one clear refusal: torch 1.13's own CSR kernels are few (most of its
 * elementwise ops need MKL or fail), so no more is offered here.
 *
 * Like SparseCooTensor, its own class holding dense int64 index tensors and a values tensor; the products run through
 * the COO form (the same entries), so the gradients come from the dense engine. It carries the sparse brand, so
 * torch.* calls with a CSR first argument reach sparse/dispatch.ts, which sends them here.
 */
import { isOptions } from "../args";
import { float32, float64, int64, isDType, type DType } from "../dtype";
import { NotImplementedError, RuntimeError } from "../errors";
import { get_default_dtype } from "../default_dtype";
import { addSuffixes, formatData, pyTuple } from "../format";
import { sparse_csr, type layout } from "../memory_format";
import { tensor } from "../ops/creation";
import { normalizeDim } from "../shape";
import type { Size } from "../size";
import { Tensor } from "../tensor";
import { markSparsePrototype, SparseTensorBase } from "./sparse_base";
import { installRefusals, named, SparseCooTensor } from "./sparse_coo";
import { couldNotRun } from "./torch_errors";
import { sparseDenseMm } from "./mm";

const INDENT = "tensor(".length;
let csrRefusalsReady = false;

/** What works on a CSR tensor (named in every refusal). */
const CSR_SUPPORTED =
  "torch.sparse_csr_tensor, x.to_sparse_csr() (2-D), shape / size() / dim() / dtype / layout / is_sparse_csr, _nnz(), crow_indices() / " +
  "col_indices() / values(), to_dense() / to_sparse(), CSR @ dense (torch.mm / matmul / sparse.mm / addmm), dense @ CSR, sum(), " +
  "detach / clone / to(dtype), requires_grad_, printing";

/** An op without a CSR form here: one clear error naming it. */
export function refuseOnCsr(what: string): never {
  throw new NotImplementedError(
    `${what} is not supported for sparse CSR tensors (layout=torch.sparse_csr) in this engine. Sparse CSR tensors support: ${CSR_SUPPORTED}. ` +
      "Call .to_dense() first for a dense op, or .to_sparse() for the COO layout.",
  );
}

function body(t: Tensor, prefix: string): string {
  const s = formatData(t.detach(), INDENT + prefix.length);
  return t.numel() === 0 ? `${s}, size=${pyTuple(t.shape)}` : s;
}

export class SparseCsrTensor extends SparseTensorBase {
  /** int64 [rows + 1]. */
  _crow: Tensor;
  /** int64 [nnz]. */
  _col: Tensor;

  /** Values: [nnz]. */
  constructor(crow: Tensor, col: Tensor, values: Tensor, size: readonly number[]) {
    super(values, size);
    this._crow = crow;
    this._col = col;
    if (!csrRefusalsReady) {
      csrRefusalsReady = true;
      installRefusals(SparseCsrTensor.prototype, refuseOnCsr);
    }
  }

  // shape, dtype, device, _nnz(), requires_grad, is_leaf, grad_fn: sparse_base.ts.
  size(dim?: number): number | Size {
    return dim === undefined ? this._size : this._size[normalizeDim(dim, 2)];
  }
  dim(): number {
    return 2;
  }
  get ndim(): number {
    return 2;
  }
  numel(): number {
    return this._size[0] * this._size[1];
  }
  get layout(): layout {
    return sparse_csr;
  }
  get is_sparse(): boolean {
    return false;
  }
  get is_sparse_csr(): boolean {
    return true;
  }
  sparse_dim(): number {
    return 2;
  }
  dense_dim(): number {
    return 0;
  }
  crow_indices(): Tensor {
    return this._crow;
  }
  col_indices(): Tensor {
    return this._col;
  }
  /** The values (ValuesBackward0: the gradient flows through it). */
  values(): Tensor {
    return named(this._vals, "ValuesBackward0");
  }

  /** The same entries as a coalesced COO tensor (the row of each entry read from crow_indices). */
  to_sparse(): SparseCooTensor {
    const crow = this._crow.tolist() as number[];
    const rows: number[] = [];
    for (let r = 0; r + 1 < crow.length; r++) for (let k = crow[r]; k < crow[r + 1]; k++) rows.push(r);
    const indices = tensor([rows, this._col.tolist() as number[]], { dtype: int64 }).reshape(2, rows.length);
    return new SparseCooTensor(indices, this._vals, this._size, true);
  }
  to_sparse_coo(): SparseCooTensor {
    return this.to_sparse();
  }
  to_sparse_csr(): SparseCsrTensor {
    return this;
  }
  to_dense(): Tensor {
    return named(this.to_sparse().to_dense(), "ToDenseBackward0");
  }

  requires_grad_(flag = true): this {
    this._vals.requires_grad_(flag);
    return this;
  }
  detach(): SparseCsrTensor {
    return new SparseCsrTensor(this._crow, this._col, this._vals.detach(), this._size);
  }
  clone(): SparseCsrTensor {
    return new SparseCsrTensor(this._crow.clone(), this._col.clone(), this._vals.clone(), this._size);
  }
  to(...args: unknown[]): SparseCsrTensor {
    const first = args[0];
    const dtype = isDType(first) ? first : isOptions(first) ? (first as { dtype?: DType }).dtype : undefined;
    if (first === "cpu" || args.length === 0) return this;
    if (!dtype) return refuseOnCsr("Tensor.to() of a sparse CSR tensor without a dtype");
    return dtype === this.dtype ? this : new SparseCsrTensor(this._crow, this._col, this._vals.to(dtype), this._size);
  }
  float(): SparseCsrTensor {
    return this.to(float32);
  }
  double(): SparseCsrTensor {
    return this.to(float64);
  }

  /** CSR @ dense: dense, MmBackward0 (torch.mm / matmul / Tensor.mm; torch.sparse.mm records SparseAddmmBackward0). */
  mm(mat2: Tensor, node = "MmBackward0"): Tensor {
    if (!(mat2 instanceof Tensor)) return refuseOnCsr("A product of a sparse CSR tensor and a sparse tensor");
    if (mat2.dim() !== 2) {
      throw new RuntimeError("Calling addmv on a sparse CPU tensor requires compiling PyTorch with MKL. Please use PyTorch built MKL support.");
    }
    return named(sparseDenseMm(this.to_sparse(), mat2, "MmBackward0", "mm"), node);
  }
  matmul(other: Tensor): Tensor {
    return this.mm(other);
  }
  /** COO's index accessors: torch 1.13 has no CSR kernel for them. */
  indices(): never {
    throw couldNotRun("aten::indices", "SparseCsrCPU");
  }
  _indices(): never {
    throw couldNotRun("aten::_indices", "SparseCsrCPU");
  }
  is_coalesced(): never {
    throw couldNotRun("aten::is_coalesced", "SparseCsrCPU");
  }
  /** The sum of the values: a dense 0-dim tensor, as torch's. */
  sum(): Tensor {
    return this._vals.sum();
  }

  toString(): string {
    const text =
      `crow_indices=tensor(${body(this._crow, "crow_indices=tensor(")}),\n${" ".repeat(INDENT)}` +
      `col_indices=tensor(${body(this._col, "col_indices=tensor(")}),\n${" ".repeat(INDENT)}` +
      `values=tensor(${body(this._vals, "values=tensor(")})`;
    const suffixes = [`size=${pyTuple(this._size)}`, `nnz=${this._nnz()}`];
    const dt = this.dtype;
    if (dt !== get_default_dtype() && dt !== int64) suffixes.push(`dtype=${dt}`);
    suffixes.push("layout=torch.sparse_csr");
    const fn = this._vals.grad_fn;
    if (fn) suffixes.push(`grad_fn=<${fn._name}>`);
    else if (this.requires_grad) suffixes.push("requires_grad=True");
    return addSuffixes("tensor(" + text, suffixes, INDENT);
  }
}
markSparsePrototype(SparseCsrTensor.prototype, (field) => refuseOnCsr(`A dense op given a sparse CSR operand (it read ${field})`));

/** The CSR form of a coalesced 2-D COO tensor's entries. */
export function cooToCsr(s: SparseCooTensor): SparseCsrTensor {
  if (s.dim() !== 2 || s.dense_dim() !== 0) return refuseOnCsr("to_sparse_csr() of a sparse tensor that is not a 2-D matrix");
  const c = s.coalesce();
  const rows = c._idx.select(0, 0).tolist() as number[];
  const crow = new Array<number>(s.shape[0] + 1).fill(0);
  for (const r of rows) crow[r + 1]++;
  for (let r = 0; r < s.shape[0]; r++) crow[r + 1] += crow[r];
  return new SparseCsrTensor(tensor(crow, { dtype: int64 }), c._idx.select(0, 1).contiguous(), c._vals, s.shape);
}

/** x.to_sparse_csr() of a dense 2-D tensor (a batched 3-D one is refused here; torch 1.13 builds a batched CSR). */
export function denseToCsr(x: Tensor, toCoo: (x: Tensor) => SparseCooTensor): SparseCsrTensor {
  if (x.dim() !== 2) return refuseOnCsr(`to_sparse_csr() of a ${x.dim()}-D tensor (a 2-D matrix only)`);
  return cooToCsr(toCoo(x));
}

const asIndex = (v: unknown): Tensor => (v instanceof Tensor ? (v.dtype === int64 ? v : v.to(int64)) : tensor(v as number[], { dtype: int64 }));

/** torch.sparse_csr_tensor(crow_indices, col_indices, values, size=None, *, dtype, device, requires_grad): torch's checks. */
export function makeCsr(crowIn: unknown, colIn: unknown, valuesIn: unknown, size: readonly number[] | null, opts: { dtype?: DType; requires_grad?: boolean }): SparseCsrTensor {
  const crow = asIndex(crowIn);
  const col = asIndex(colIn);
  let values = valuesIn instanceof Tensor ? valuesIn : tensor(valuesIn as number[]);
  if (opts.dtype && opts.dtype !== values.dtype) values = values.to(opts.dtype);
  if (crow.dim() !== 1 || col.dim() !== 1 || values.dim() !== 1) return refuseOnCsr("torch.sparse_csr_tensor() of batched or hybrid CSR tensors");
  const c = crow.tolist() as number[];
  const cols = col.tolist() as number[];
  const nnz = values.shape[0];
  const shape = size ?? [c.length - 1, cols.reduce((m, v) => Math.max(m, v + 1), 0)];
  if (cols.length !== nnz) throw new RuntimeError(`col_indices.shape[-1] must be equal to nnz (=${nnz}) as defined by values.shape[0], but got ${cols.length}`);
  if (c.length !== shape[0] + 1) throw new RuntimeError(`crow_indices.shape[-1] must be equal to the number of rows + 1 (=${shape[0] + 1}), but got ${c.length}`);
  if (c[0] !== 0) throw new RuntimeError("`crow_indices[..., 0] == 0` is not satisfied.");
  if (c[c.length - 1] !== nnz) throw new RuntimeError("`crow_indices[..., -1] == nnz` is not satisfied.");
  for (let r = 0; r + 1 < c.length; r++) if (c[r + 1] < c[r]) throw new RuntimeError("`0 <= crow_indices[..., 1:] - crow_indices[..., :-1] <= ncols` is not satisfied.");
  if (cols.some((v) => v < 0 || v >= shape[1])) throw new RuntimeError("`0 <= col_indices < ncols` is not satisfied.");
  if (opts.requires_grad) values = values.detach().requires_grad_(true);
  return new SparseCsrTensor(crow, col, values, shape);
}
