/**
 * torch.sparse.sum(input, dim=None, dtype=None), as torch 1.13: with no dim, or with dims covering every sparse dim,
 * a dense tensor (the values summed over the entries and the reduced dense dims); otherwise a coalesced sparse
 * tensor over the remaining dims (the kept index rows, duplicates summed). The values go through dense sums and
 * index_add, so the gradient reaches them.
 */
import { int64, type DType } from "../dtype";
import { IndexError } from "../errors";
import { tensor } from "../ops/creation";
import type { Tensor } from "../tensor";
import { SparseCooTensor } from "./sparse_coo";

function normalizeDims(dim: number | readonly number[], ndim: number): number[] {
  const dims = typeof dim === "number" ? [dim] : [...dim];
  return dims.map((d) => {
    if (d < -ndim || d >= ndim) throw new IndexError(`Dimension out of range (expected to be in range of [${-ndim}, ${ndim - 1}], but got ${d})`);
    return d < 0 ? d + ndim : d;
  });
}

export function sparseSum(input: SparseCooTensor, dim?: number | readonly number[] | null, dtype?: DType): Tensor | SparseCooTensor {
  const s = dtype && dtype !== input.dtype ? input.to(dtype) : input;
  if (dim === undefined || dim === null) return s._vals.sum();
  const sd = s.sparse_dim();
  const dims = normalizeDims(dim, s.dim());
  const denseDims = dims.filter((d) => d >= sd).map((d) => d - sd + 1);
  const vals = denseDims.length ? s._vals.sum(denseDims) : s._vals;
  const kept = Array.from({ length: sd }, (_, d) => d).filter((d) => !dims.includes(d));
  if (kept.length === 0) return vals.sum(0);
  const size = s.shape.filter((_, d) => !dims.includes(d));
  const idx = s._idx.index_select(0, tensor(kept, { dtype: int64 }));
  return new SparseCooTensor(idx, vals, size, false).coalesce();
}
