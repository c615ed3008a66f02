/**
 * The sparse COO brand and the hooks through which the dense engine hands a sparse operand to sparse/*.ts. Kept
 * apart from sparse_coo.ts (as complex_dtype.ts is from complex_tensor.ts) so that non_tensor_input.ts and
 * ops/matmul.ts can test for a sparse operand without importing the sparse class, which imports them.
 */
import { NotImplementedError } from "../errors";

/** Set on SparseCooTensor.prototype (sparse_coo.ts). */
export const SPARSE_COO_BRAND: unique symbol = Symbol.for("gradbook.sparse_coo");

export function isSparseCoo(v: unknown): boolean {
  return typeof v === "object" && v !== null && SPARSE_COO_BRAND in v;
}

/** What works on a sparse COO tensor (named in every refusal). */
export const SPARSE_SUPPORTED =
  "torch.sparse_coo_tensor / torch.sparse.FloatTensor / DoubleTensor / LongTensor, x.to_sparse(), shape / size() / dim() / " +
  "numel() / dtype / layout / is_sparse, sparse_dim() / dense_dim() / _nnz(), _indices() / _values() / indices() / values(), " +
  "coalesce() / is_coalesced(), to_dense(), t() / transpose(), add / sub (sparse + sparse, dense + sparse), mul / div by a number, neg, " +
  "torch.sparse.mm / torch.spmm / torch.mm / matmul (sparse @ dense), torch.sparse.sum, detach / clone / to(dtype), " +
  "requires_grad_ / grad, printing";

/** A sparse operand reached an op that has no sparse form here: one clear error naming the op. */
export function refuseOnSparse(what: string): never {
  throw new NotImplementedError(
    `${what} is not supported for sparse COO tensors (layout=torch.sparse_coo) in this engine. ` +
      `Sparse tensors support: ${SPARSE_SUPPORTED}. Call .to_dense() first for a dense op.`,
  );
}

/** Filled in by sparse/dispatch.ts when it loads. */
export const sparseHooks: {
  /** torch.<name>(args) (or F.<name>, torch.linalg.<name> ...) whose first argument is sparse: { value } or a clear error. */
  call: (prefix: string, name: string, args: readonly unknown[]) => { value: unknown };
  /** dense + alpha * sparse (add), dense - alpha * sparse (sub): a dense tensor. */
  denseAdd: (input: unknown, other: unknown, alpha: unknown, op: "add" | "sub") => unknown;
} = {
  call: (prefix, name) => refuseOnSparse(`${prefix}.${name}()`),
  denseAdd: (_i, _o, _a, op) => refuseOnSparse(`Tensor.${op}(dense, sparse)`),
};
