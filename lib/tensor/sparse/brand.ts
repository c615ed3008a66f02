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
  "coalesce() / is_coalesced(), to_dense(), t() / transpose(), add / sub (sparse + sparse, dense + sparse), mul (by a number, " +
  "a dense or a sparse tensor), div by a number, neg, abs / sqrt / sin / tanh / pow ... (the unary ops that keep zeros zero), " +
  "torch.sparse.mm / torch.spmm / torch.mm / matmul (sparse @ dense, sparse @ sparse), torch.sparse.addmm / torch.addmm (sparse mat1), " +
  "torch.hspmm / torch.smm, torch.sparse.sum / softmax / log_softmax, detach / clone / to(dtype), " +
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
  /** dense * sparse: a sparse tensor. */
  denseMul: (input: unknown, other: unknown) => unknown;
  /** A sparse operand a dense binary op has no form for (ops/util.ts checkTensorLike): raises torch's error. */
  denseOperand: (op: string, other: unknown) => never;
  /** dense @ sparse (ops/matmul.ts mm): torch's error for COO, the dense product for CSR. */
  denseMm: (a: unknown, b: unknown) => unknown;
  /** addmm(input, sparse mat1, mat2) (ops/matmul.ts): a dense tensor. */
  addmm: (input: unknown, mat1: unknown, mat2: unknown, beta: number, alpha: number) => unknown;
} = {
  call: (prefix, name) => refuseOnSparse(`${prefix}.${name}()`),
  denseAdd: (_i, _o, _a, op) => refuseOnSparse(`Tensor.${op}(dense, sparse)`),
  denseMul: () => refuseOnSparse("Tensor.mul(dense, sparse)"),
  denseOperand: (op) => refuseOnSparse(`${op}(dense, sparse)`),
  addmm: () => refuseOnSparse("addmm(dense, sparse, dense)"),
  denseMm: () => refuseOnSparse("mm(dense, sparse)"),
};
