/**
 * sparse @ dense: torch.sparse.mm(S, D), torch.spmm / torch.mm / torch.matmul / S.mm / S.matmul, as torch 1.13.
 * The product is a gather of D's rows by the column indices, scaled by the values, summed into the output rows by
 * the row indices (index_select, mul, index_add): recorded dense ops, so D gets its gradient, and so do the sparse
 * values. torch.sparse.mm is the one torch 1.13 differentiates in the sparse operand (SparseAddmmBackward0: a sparse
 * leaf's gradient is sparse, sparse_coo.ts's `grad`); torch.mm / spmm / matmul refuse a sparse operand that requires
 * grad with torch's message, and give MmBackward0 for the dense one.
 */
import { cppTypeName } from "../dtype";
import { RuntimeError } from "../errors";
import { zeros } from "../ops/creation";
import { Tensor } from "../tensor";
import { isSparseCoo, refuseOnSparse } from "./brand";
import { named, type SparseCooTensor } from "./sparse_coo";

/** S @ D for a 2-D sparse S and a 2-D dense D; `node` names the result's grad_fn. */
export function sparseDenseMm(s: SparseCooTensor, d: unknown, node: "SparseAddmmBackward0" | "MmBackward0", what: string): Tensor {
  if (isSparseCoo(d)) return refuseOnSparse(`${what}(sparse, sparse)`);
  if (!(d instanceof Tensor)) throw new RuntimeError(`${what}(): the second operand must be a dense Tensor`);
  if (s.sparse_dim() !== 2 || s.dense_dim() !== 0) return refuseOnSparse(`${what}() of a sparse tensor that is not a 2-D matrix (sparse_dim 2, dense_dim 0)`);
  if (d.dim() !== 2) throw new RuntimeError(`addmm: matrices expected, got ${s.dim()}D, ${d.dim()}D tensors`);
  if (d.shape[0] !== s.shape[1]) throw new RuntimeError(`addmm: Argument #3 (dense): Expected dim 0 size ${s.shape[1]}, got ${d.shape[0]}`);
  if (d.dtype !== s.dtype) throw new RuntimeError(`expected scalar type ${cppTypeName(s.dtype)} but found ${cppTypeName(d.dtype)}`);
  const rows = s._idx.select(0, 0);
  const cols = s._idx.select(0, 1);
  const contrib = s._vals.unsqueeze(1).mul(d.index_select(0, cols));
  const out = zeros([s.shape[0], d.shape[1]], { dtype: d.dtype }).index_add(0, rows, contrib);
  return named(out, node);
}

/** torch.sparse.mm(S, D): differentiable in both operands. */
export function sparseMm(s: SparseCooTensor, d: unknown): Tensor {
  return sparseDenseMm(s, d, "SparseAddmmBackward0", "torch.sparse.mm");
}

/** torch.mm / spmm / matmul(S, D): torch 1.13 records MmBackward0, whose backward needs a strided self. */
export function mmSparse(s: SparseCooTensor, d: unknown, what: string): Tensor {
  if (s.requires_grad) {
    throw new RuntimeError(
      "The backward pass for this operation requires the 'self' tensor to be strided, but a sparse tensor was given instead. " +
        "Please either use a strided tensor or set requires_grad=False for 'self'",
    );
  }
  return sparseDenseMm(s, d, "MmBackward0", what);
}
