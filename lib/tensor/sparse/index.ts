/**
 * Sparse COO tensors (sparse_coo.ts) and what the public surface takes from them: torch.sparse_coo_tensor, the
 * torch.sparse namespace (mm, sum, the legacy FloatTensor ... constructors; the sparse-only functions this engine
 * does not build refused by name), Tensor.to_sparse / to_sparse_coo of a dense tensor. Importing it installs the
 * sparse methods and the torch.* dispatch (methods.ts, dispatch.ts). CSR / CSC / BSR / BSC layouts stay refused
 * (api/alias_methods.ts).
 */
import { parseArgs, parseArgsRequired, type PyArgs } from "../args";
import { bool, float32, float64, int16, int32, int64, int8, uint8, type DType } from "../dtype";
import { RuntimeError } from "../errors";
import { addmm, mm } from "../ops/matmul";
import type { Tensor } from "../tensor";
import { isSparseCoo, refuseOnSparse } from "./brand";
import { legacySparseConstructor, sparse_coo_tensor } from "./construct";
import "./dispatch";
import "./torch_types"; // the sparse overloads of torch.* and dense Tensor methods (types only)
import { installSparseMethods } from "./methods";
import { denseSparseMm, hspmm as hspmmOf, mmSparse, sparseAddmm, sparseMm } from "./mm";
import { sparseSoftmax } from "./softmax";
import { makeCsr, SparseCsrTensor } from "./csr";
import { SparseCooTensor } from "./sparse_coo";
import { sparseSum } from "./sum";

installSparseMethods();

export { SparseCooTensor, SparseCsrTensor, sparse_coo_tensor, isSparseCoo };
export { denseToCsr } from "./csr";
export { denseToSparse } from "./construct";
export { refuseOnSparse } from "./brand";

const REFUSED = ["HalfTensor", "BFloat16Tensor", "sampled_addmm", "spdiags"] as const;

const LEGACY = {
  FloatTensor: float32, DoubleTensor: float64, LongTensor: int64, IntTensor: int32, ShortTensor: int16, CharTensor: int8, ByteTensor: uint8,
  BoolTensor: bool, Tensor: float32,
} satisfies Record<string, DType>;

type Legacy = (...args: unknown[]) => SparseCooTensor;

/** torch.sparse. */
export const sparse = {
  /**
   * torch.sparse.mm(mat1, mat2): sparse @ dense, differentiable in both (the sparse leaf's gradient is sparse);
   * dense @ dense is mm, as in torch 1.13.
   */
  mm: sparseMmPublic,
  /**
   * torch.sparse.addmm(input, mat1, mat2, *, beta=1, alpha=1): beta * input + alpha * (mat1 @ mat2) for a sparse mat1,
   * differentiable in all three (SparseAddmmBackward0); torch.addmm for a dense one.
   */
  addmm(input: Tensor, mat1: SparseCooTensor | SparseCsrTensor | Tensor, ...args: PyArgs<[mat2: Tensor], { mat2?: Tensor; beta?: number; alpha?: number }>): Tensor {
    const a = parseArgsRequired<{ mat2: Tensor; beta?: number; alpha?: number }>("addmm", ["mat2", "beta", "alpha"], 1, args);
    if (mat1 instanceof SparseCooTensor) return sparseAddmm(input, mat1, a.mat2!, a.beta ?? 1, a.alpha ?? 1, "SparseAddmmBackward0");
    return addmm(input, mat1 as Tensor, a.mat2!, { beta: a.beta ?? 1, alpha: a.alpha ?? 1 }); // a CSR mat1 reaches sparse/dispatch.ts
  },
  /** torch.sparse.softmax(input, dim, dtype=None): over the specified entries only; a coalesced sparse result (softmax.ts). */
  softmax(input: SparseCooTensor, ...args: PyArgs<[dim: number, dtype?: DType | null], { dim?: number; dtype?: DType | null }>): SparseCooTensor {
    const a = parseArgsRequired<{ dim: number; dtype?: DType | null }>("softmax", ["dim", "dtype"], 1, args);
    return sparseSoftmax(sparseInput(input, "softmax"), a.dim!, a.dtype ?? undefined, false);
  },
  /** torch.sparse.log_softmax(input, dim, dtype=None). */
  log_softmax(input: SparseCooTensor, ...args: PyArgs<[dim: number, dtype?: DType | null], { dim?: number; dtype?: DType | null }>): SparseCooTensor {
    const a = parseArgsRequired<{ dim: number; dtype?: DType | null }>("log_softmax", ["dim", "dtype"], 1, args);
    return sparseSoftmax(sparseInput(input, "log_softmax"), a.dim!, a.dtype ?? undefined, true);
  },
  /** torch.sparse.sum(input, dim=None, dtype=None): dense when every sparse dim is reduced, else sparse (sum.ts). */
  sum(input: SparseCooTensor, ...args: PyArgs<[dim?: number | readonly number[] | null, dtype?: DType], { dim?: number | readonly number[] | null; dtype?: DType }>): Tensor | SparseCooTensor {
    if (!(input instanceof SparseCooTensor)) throw new RuntimeError("torch.sparse.sum: expected a sparse COO tensor as input (use torch.sum for a dense tensor)");
    const a = parseArgs<{ dim?: number | readonly number[] | null; dtype?: DType }>("sum", ["dim", "dtype"], args);
    return sparseSum(input, a.dim, a.dtype);
  },
  ...(Object.fromEntries(Object.entries(LEGACY).map(([name, dt]) => [name, legacySparseConstructor(dt)])) as Record<keyof typeof LEGACY, Legacy>),
  ...(Object.fromEntries(REFUSED.map((name) => [name, () => refuseOnSparse(`torch.sparse.${name}()`)])) as Record<(typeof REFUSED)[number], (...args: unknown[]) => never>),
};

/** The sparse input of torch.sparse.softmax / log_softmax: torch's error for a dense one. */
function sparseInput(input: unknown, what: string): SparseCooTensor {
  if (input instanceof SparseCooTensor) return input;
  throw new RuntimeError(`torch.sparse.${what}: expected a sparse COO tensor as input (use torch.${what} for a dense tensor)`);
}

/**
 * torch.sparse.mm(mat1, mat2): sparse @ dense (dense, differentiable in both; the sparse leaf's gradient is sparse),
 * sparse @ sparse (a coalesced sparse result, SparseSparseMatmulBackward0); dense @ dense is mm, as in torch 1.13;
 * dense @ sparse raises torch's error (its dense kernel has no sparse_dim).
 */
function sparseMmPublic(mat1: SparseCooTensor, ...args: PyArgs<[mat2: SparseCooTensor], { mat2?: SparseCooTensor }>): SparseCooTensor;
function sparseMmPublic(mat1: SparseCooTensor | SparseCsrTensor | Tensor, ...args: PyArgs<[mat2: Tensor], { mat2?: Tensor }>): Tensor;
function sparseMmPublic(mat1: SparseCooTensor | SparseCsrTensor | Tensor, ...args: unknown[]): Tensor | SparseCooTensor {
  const mat2 = parseArgsRequired<{ mat2: Tensor | SparseCooTensor }>("mm", ["mat2"], 1, args as never).mat2!;
  if (mat1 instanceof SparseCooTensor) return sparseMm(mat1, mat2);
  if (mat1 instanceof SparseCsrTensor) return mat1.mm(mat2 as Tensor, "SparseAddmmBackward0");
  if (isSparseCoo(mat2)) return denseSparseMm();
  return mm(mat1, mat2 as Tensor);
}

/** torch.hspmm(mat1, mat2): sparse @ dense as a hybrid sparse tensor (the rows of mat1 that have entries). */
export function hspmm(mat1: SparseCooTensor, ...args: PyArgs<[mat2: Tensor], { mat2?: Tensor }>): SparseCooTensor {
  const mat2 = parseArgsRequired<{ mat2: Tensor }>("hspmm", ["mat2"], 1, args).mat2!;
  if (!(mat1 instanceof SparseCooTensor)) throw new RuntimeError("hspmm: expected a sparse COO tensor as mat1");
  return hspmmOf(mat1, mat2, "hspmm");
}

/** torch.smm(input, mat): sparse @ dense as a 2-D sparse tensor (every column of the rows of input that have entries). */
export function smm(input: SparseCooTensor, ...args: PyArgs<[mat2: Tensor], { mat2?: Tensor }>): SparseCooTensor {
  const mat = parseArgsRequired<{ mat2: Tensor }>("smm", ["mat2"], 1, args).mat2!;
  if (!(input instanceof SparseCooTensor)) throw new RuntimeError("smm: expected a sparse COO tensor as input");
  return hspmmOf(input, mat, "smm");
}

/** torch.spmm(sparse, dense): torch.mm for a sparse first operand (mm.ts), mm otherwise. */
export function spmm(mat1: Tensor | SparseCooTensor, ...args: PyArgs<[mat2: Tensor], { mat2?: Tensor }>): Tensor {
  const mat2 = parseArgsRequired<{ mat2: Tensor }>("spmm", ["mat2"], 1, args).mat2!;
  return mat1 instanceof SparseCooTensor ? (mmSparse(mat1, mat2, "spmm") as Tensor) : mm(mat1, mat2);
}

type CsrOptions = { size?: readonly number[]; dtype?: DType; device?: unknown; requires_grad?: boolean };

/**
 * torch.sparse_csr_tensor(crow_indices, col_indices, values, size=None, *, dtype=None, device=None, requires_grad=False):
 * a 2-D CSR matrix with torch 1.13's checks (csr.ts); without a size, rows from crow_indices and columns from the
 * largest column index.
 */
export function sparse_csr_tensor(crow_indices: Tensor | readonly number[], col_indices: Tensor | readonly number[], values: Tensor | readonly number[], ...args: PyArgs<[size?: readonly number[]], CsrOptions>): SparseCsrTensor;
export function sparse_csr_tensor(crow_indices: Tensor | readonly number[], options: CsrOptions & { col_indices: Tensor | readonly number[]; values: Tensor | readonly number[] }): SparseCsrTensor;
export function sparse_csr_tensor(...args: unknown[]): SparseCsrTensor {
  type All = CsrOptions & { crow_indices?: unknown; col_indices?: unknown; values?: unknown };
  const a = parseArgs<All>("sparse_csr_tensor", ["crow_indices", "col_indices", "values", "size", "dtype", "device", "requires_grad"], args);
  if (a.device !== undefined && String(a.device) !== "cpu") return refuseOnSparse(`torch.sparse_csr_tensor(device=${String(a.device)})`);
  return makeCsr(a.crow_indices, a.col_indices, a.values, a.size ?? null, a);
}
