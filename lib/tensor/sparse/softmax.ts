/**
 * torch.sparse.softmax / log_softmax(input, dim, dtype=None), as torch 1.13: the softmax of the coalesced tensor's
 * entries along `dim`, the unspecified elements taken as -inf (so they stay unspecified and each group of entries
 * sharing the other indices sums to 1); over a dense dim of a hybrid tensor, the values' own softmax. A coalesced
 * sparse result with the input's indices (SparseSoftmaxBackward0 / SparseLogSoftmaxBackward0). dim is 0 .. dim()-1
 * (torch 1.13 refuses a negative one); integer inputs are refused with torch's message.
 * The shift by each group's maximum is a constant, and the group sums are index_add / index_select of recorded ops,
 * so the values' gradient comes from the dense engine.
 */
import { cppTypeName, int64, type DType } from "../dtype";
import { RuntimeError } from "../errors";
import { tensor, zeros } from "../ops/creation";
import { indexColumns } from "./coalesce_plan";
import { named, SparseCooTensor } from "./sparse_coo";

export function sparseSoftmax(input: SparseCooTensor, dim: number, dtype: DType | undefined, log: boolean): SparseCooTensor {
  const name = log ? "log_softmax" : "softmax";
  if (!Number.isInteger(dim) || dim < 0 || dim >= input.dim()) throw new RuntimeError(": dim must be non-negative and less than input dimensions");
  const s = (dtype && dtype !== input.dtype ? input.to(dtype) : input).coalesce();
  if (!s.dtype.is_floating_point) throw new RuntimeError(`"${name}" not implemented for '${cppTypeName(s.dtype)}'`);
  const node = log ? "SparseLogSoftmaxBackward0" : "SparseSoftmaxBackward0";
  const sd = s.sparse_dim();
  const v = s._vals;
  if (dim >= sd) {
    const d = dim - sd + 1;
    return new SparseCooTensor(s._idx, named(log ? v.log_softmax(d) : v.softmax(d), node), s.shape, true);
  }
  // the group of each entry: the entries whose indices agree outside `dim`
  const keys = new Map<string, number>();
  const group = indexColumns(s._idx).map((c) => {
    const key = c.filter((_, d) => d !== dim).join(",");
    if (!keys.has(key)) keys.set(key, keys.size);
    return keys.get(key)!;
  });
  const nnz = v.shape[0];
  const flat = v.detach().reshape([nnz, -1]);
  const width = flat.shape[1];
  const data = flat.tolist() as number[][];
  const max = Array.from({ length: keys.size }, () => new Array<number>(width).fill(-Infinity));
  group.forEach((g, k) => data[k].forEach((x, j) => (max[g][j] = Math.max(max[g][j], x))));
  const g = tensor(group, { dtype: int64 });
  const shift = tensor(group.map((gi) => max[gi]), { dtype: v.dtype }).reshape([...v.shape]);
  const z = v.sub(shift);
  const e = z.exp();
  const sums = zeros([keys.size, ...v.shape.slice(1)], { dtype: v.dtype }).index_add(0, g, e).index_select(0, g);
  const out = log ? z.sub(sums.log()) : e.div(sums);
  return new SparseCooTensor(s._idx, named(out, node), s.shape, true);
}
