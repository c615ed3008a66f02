/**
 * t() / transpose(dim0, dim1) of a sparse COO tensor, as torch 1.13: two rows of the indices swapped (only sparse
 * dims; a dense dim of a hybrid tensor is refused), the values shared (recorded as TBackward0 / TransposeBackward0),
 * and the result uncoalesced even when the input was coalesced (its indices are no longer sorted).
 */
import { int64 } from "../dtype";
import { RuntimeError } from "../errors";
import { tensor } from "../ops/creation";
import { normalizeDim } from "../shape";
import { refuseOnSparse } from "./brand";
import { named, SparseCooTensor } from "./sparse_coo";

export function transposeSparse(s: SparseCooTensor, dim0: number, dim1: number, node = "TransposeBackward0"): SparseCooTensor {
  const d0 = normalizeDim(dim0, s.dim());
  const d1 = normalizeDim(dim1, s.dim());
  const sd = s.sparse_dim();
  if (d0 >= sd || d1 >= sd) refuseOnSparse("transpose() of a dense dimension of a hybrid sparse tensor");
  const perm = Array.from({ length: sd }, (_, i) => (i === d0 ? d1 : i === d1 ? d0 : i));
  const size = [...s.shape];
  [size[d0], size[d1]] = [size[d1], size[d0]];
  return new SparseCooTensor(s._idx.index_select(0, tensor(perm, { dtype: int64 })), named(s._vals, node), size, false);
}

export function tSparse(s: SparseCooTensor): SparseCooTensor {
  if (s.dim() > 2) throw new RuntimeError(`t() expects a tensor with <= 2 sparse and 0 dense dimensions, but got ${s.sparse_dim()} sparse and ${s.dense_dim()} dense dimensions`);
  return s.dim() < 2 ? s : transposeSparse(s, 0, 1, "TBackward0");
}
