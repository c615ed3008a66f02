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
import { mm } from "../ops/matmul";
import type { Tensor } from "../tensor";
import { isSparseCoo, refuseOnSparse } from "./brand";
import { legacySparseConstructor, sparse_coo_tensor } from "./construct";
import "./dispatch";
import { installSparseMethods } from "./methods";
import { mmSparse, sparseMm } from "./mm";
import { SparseCooTensor } from "./sparse_coo";
import { sparseSum } from "./sum";

installSparseMethods();

export { SparseCooTensor, sparse_coo_tensor, isSparseCoo };
export { denseToSparse } from "./construct";
export { refuseOnSparse } from "./brand";

const REFUSED = ["HalfTensor", "BFloat16Tensor", "addmm", "sampled_addmm", "softmax", "log_softmax", "spdiags"] as const;

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
  mm(mat1: Tensor | SparseCooTensor, ...args: PyArgs<[mat2: Tensor], { mat2?: Tensor }>): Tensor {
    const mat2 = parseArgsRequired<{ mat2: Tensor }>("mm", ["mat2"], 1, args).mat2!;
    if (mat1 instanceof SparseCooTensor) return sparseMm(mat1, mat2);
    if (isSparseCoo(mat2)) return refuseOnSparse("torch.sparse.mm(dense, sparse)");
    return mm(mat1, mat2);
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

/** torch.spmm(sparse, dense): torch.mm for a sparse first operand (mm.ts), mm otherwise. */
export function spmm(mat1: Tensor | SparseCooTensor, ...args: PyArgs<[mat2: Tensor], { mat2?: Tensor }>): Tensor {
  const mat2 = parseArgsRequired<{ mat2: Tensor }>("spmm", ["mat2"], 1, args).mat2!;
  return mat1 instanceof SparseCooTensor ? mmSparse(mat1, mat2, "spmm") : mm(mat1, mat2);
}
