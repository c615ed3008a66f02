/**
 * sparse @ dense: torch.sparse.mm(S, D), torch.spmm / torch.mm / torch.matmul / S.mm / S.matmul, as torch 1.13.
 * The product is a gather of D's rows by the column indices, scaled by the values, summed into the output rows by
 * the row indices (index_select, mul, index_add): recorded dense ops, so D gets its gradient, and so do the sparse
 * values. torch.sparse.mm is the one torch 1.13 differentiates in the sparse operand (SparseAddmmBackward0: a sparse
 * leaf's gradient is sparse, sparse_coo.ts's `grad`); torch.mm / spmm / matmul refuse a sparse operand that requires
 * grad with torch's message, and give MmBackward0 for the dense one.
 */
import { cppTypeName, int64 } from "../dtype";
import { RuntimeError } from "../errors";
import { tensor, zeros } from "../ops/creation";
import { makeView } from "../ops/views";
import { Tensor } from "../tensor";
import { isSparseCoo, refuseOnSparse } from "./brand";
import { coalescePlan, indexColumns, indicesTensor } from "./coalesce_plan";
import { named, SparseCooTensor } from "./sparse_coo";
import { couldNotRun } from "./torch_errors";

/** S @ D for a 2-D sparse S and a 2-D dense D; `node` names the result's grad_fn. */
export function sparseDenseMm(s: SparseCooTensor, d: unknown, node: "SparseAddmmBackward0" | "MmBackward0", what: string): Tensor {
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

/**
 * S1 @ S2 of two 2-D sparse matrices: a coalesced sparse result holding every (i, j) some pair of entries reaches
 * (a sum that cancels to 0 stays an entry, as torch's). Each pair's product is summed into its (i, j) by index_add,
 * so both operands' values get their gradients (masked to their own entries, as torch's sparse gradients).
 */
export function sparseSparseMm(a: SparseCooTensor, b: SparseCooTensor, node: string): SparseCooTensor {
  if (a.sparse_dim() !== 2 || a.dense_dim() !== 0 || b.sparse_dim() !== 2 || b.dense_dim() !== 0) {
    return refuseOnSparse("sparse @ sparse of tensors that are not 2-D matrices (sparse_dim 2, dense_dim 0)");
  }
  if (a.shape[1] !== b.shape[0]) throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${a.shape[0]}x${a.shape[1]} and ${b.shape[0]}x${b.shape[1]})`);
  if (a.dtype !== b.dtype) throw new RuntimeError(`expected scalar type ${cppTypeName(a.dtype)} but found ${cppTypeName(b.dtype)}`);
  const ac = indexColumns(a._idx);
  const byRow = new Map<number, number[]>();
  indexColumns(b._idx).forEach(([r], q) => {
    const list = byRow.get(r);
    if (list) list.push(q);
    else byRow.set(r, [q]);
  });
  const bCols = b._idx.select(0, 1).tolist() as number[];
  const P: number[] = [];
  const Q: number[] = [];
  const cols: number[][] = [];
  ac.forEach(([i, k], p) => {
    for (const q of byRow.get(k) ?? []) {
      P.push(p);
      Q.push(q);
      cols.push([i, bCols[q]]);
    }
  });
  const prod = a._vals.index_select(0, tensor(P, { dtype: int64 })).mul(b._vals.index_select(0, tensor(Q, { dtype: int64 })));
  const plan = coalescePlan(indicesTensor(cols, 2));
  const vals = zeros([plan.first.shape[0]], { dtype: a.dtype }).index_add(0, plan.group, prod);
  return new SparseCooTensor(plan.indices, named(vals, node), [a.shape[0], b.shape[1]], true);
}

/** torch.sparse.mm(S, D) or (S1, S2): differentiable in both operands; a dense first operand has no sparse_dim. */
export function sparseMm(s: SparseCooTensor, d: unknown): Tensor | SparseCooTensor {
  if (isSparseCoo(d)) return sparseSparseMm(s, d as SparseCooTensor, "SparseSparseMatmulBackward0");
  return sparseDenseMm(s, d, "SparseAddmmBackward0", "torch.sparse.mm");
}

function stridedOnly(arg: "self" | "mat1" | "mat2"): RuntimeError {
  return new RuntimeError(
    `The backward pass for this operation requires the '${arg}' tensor to be strided, but a sparse tensor was given instead. ` +
      `Please either use a strided tensor or set requires_grad=False for '${arg}'`,
  );
}

/** torch.mm / spmm / matmul(S, D or S2): torch 1.13 records MmBackward0, whose backward needs strided operands. */
export function mmSparse(s: SparseCooTensor, d: unknown, what: string): Tensor | SparseCooTensor {
  if (isSparseCoo(d)) {
    if ((d as SparseCooTensor).requires_grad) throw stridedOnly("mat2");
    if (s.requires_grad) throw stridedOnly("self");
    return sparseSparseMm(s, d as SparseCooTensor, "MmBackward0");
  }
  if (s.requires_grad) throw stridedOnly("self");
  return sparseDenseMm(s, d, "MmBackward0", what);
}

/** D @ S (torch.mm / matmul / torch.sparse.mm with a dense first operand): torch 1.13's dense kernel has no sparse_dim. */
export function denseSparseMm(): never {
  throw couldNotRun("aten::sparse_dim", "CPU");
}

/**
 * beta * M + alpha * (S @ D): torch.sparse.addmm (SparseAddmmBackward0, differentiable in S too) and torch.addmm with a
 * sparse mat1 (AddmmBackward0, which refuses a sparse mat1 that requires grad). M broadcasts to the product's size.
 */
export function sparseAddmm(input: Tensor, s: SparseCooTensor, d: unknown, beta: number, alpha: number, node: "SparseAddmmBackward0" | "AddmmBackward0"): Tensor {
  if (node === "AddmmBackward0" && s.requires_grad) throw stridedOnly("mat1");
  if (isSparseCoo(d)) return refuseOnSparse("addmm(input, sparse, sparse)");
  const prod = sparseDenseMm(s, d, "SparseAddmmBackward0", "addmm");
  const scaled = alpha === 1 ? prod : prod.mul(alpha);
  return named(beta === 1 ? input.add(scaled) : input.mul(beta).add(scaled), node);
}

/**
 * torch.hspmm(S, D): S @ D as a hybrid sparse tensor (sparse_dim 1): one entry per row of S that has entries, its
 * row of the product as the value. torch.smm(S, D): the same rows as a 2-D sparse tensor, every column an entry.
 * Both uncoalesced, as torch's; torch 1.13 has no backward for them (its NotImplemented node raises; smm runs through sspaddmm).
 */
export function hspmm(s: SparseCooTensor, d: unknown, what: "hspmm" | "smm"): SparseCooTensor {
  if (isSparseCoo(d)) return refuseOnSparse(`torch.${what}(sparse, sparse)`);
  const prod = sparseDenseMm(s, d, "MmBackward0", what);
  const rows = [...new Set(s._idx.select(0, 0).tolist() as number[])].sort((x, y) => x - y);
  const rowVals = prod.index_select(0, tensor(rows, { dtype: int64 }));
  const refusing = (t: Tensor) =>
    t.requires_grad ? makeView(t, t.shape, t._strides, t._offset, "NotImplemented", () => { throw new RuntimeError(`derivative for aten::${what === "smm" ? "sspaddmm" : "hspmm"} is not implemented`); }) : t;
  if (what === "hspmm") return new SparseCooTensor(tensor([rows], { dtype: int64 }).reshape(1, rows.length), refusing(rowVals), prod.shape, false);
  const n = prod.shape[1];
  const cols = rows.flatMap((r) => Array.from({ length: n }, (_, j) => [r, j]));
  return new SparseCooTensor(indicesTensor(cols, 2), refusing(rowVals.reshape(-1)), prod.shape, false);
}
