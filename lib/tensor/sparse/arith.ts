/**
 * Elementwise arithmetic of sparse COO tensors, as torch 1.13 computes it:
 *   - sparse + sparse (add / sub, alpha): ATen's add_out_sparse_contiguous merge, which walks both index lists once,
 *     taking the smaller index first and summing equal ones. For coalesced operands that is the sorted union; for
 *     uncoalesced ones it keeps the entries' order (torch's S + T puts T's smaller leading entries first, and
 *     S + S.clone() sums entry by entry). The result is coalesced when both operands are.
 *   - sparse * number, sparse / number, -sparse: the values scaled, the indices and the coalesced flag kept.
 * The values go through recorded dense ops (index_add, mul), so gradients flow to both operands' values.
 */
import { int64, promoteTypes } from "../dtype";
import { RuntimeError } from "../errors";
import { tensor, zeros } from "../ops/creation";
import { Tensor } from "../tensor";
import { isSparseCoo, refuseOnSparse } from "./brand";
import { compareIndex, indexColumns, indicesTensor } from "./coalesce_plan";
import { named, SparseCooTensor } from "./sparse_coo";

function checkSameSize(a: SparseCooTensor, b: SparseCooTensor): void {
  if (a.shape.length === b.shape.length && a.shape.every((s, i) => s === b.shape[i])) return;
  throw new RuntimeError(`add: expected sizes of 'self' and 'other' to match, but [${a.shape.join(", ")}] != [${b.shape.join(", ")}]`);
}

/** self + alpha * other for two sparse tensors (torch.add / Tensor.add / sub). */
export function addSparse(self: SparseCooTensor, other: unknown, alpha = 1, what = "add"): SparseCooTensor {
  if (!isSparseCoo(other)) {
    if (other instanceof Tensor) throw new RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.");
    return refuseOnSparse(`Tensor.${what}(sparse, ${typeof other})`);
  }
  const t = self;
  const s = other as SparseCooTensor;
  checkSameSize(t, s);
  if (t.sparse_dim() !== s.sparse_dim()) refuseOnSparse(`${what} of sparse tensors with different sparse_dim`);
  const tc = indexColumns(t._idx);
  const sc = indexColumns(s._idx);
  const cols: number[][] = [];
  const tPos: number[] = [];
  const sPos: number[] = [];
  let ti = 0;
  let si = 0;
  while (ti < tc.length || si < sc.length) {
    // cmp > 0: t's index is smaller; < 0: s's is; 0: equal (summed into one entry)
    const cmp = ti >= tc.length ? -1 : si >= sc.length ? 1 : -compareIndex(tc[ti], sc[si]);
    if (cmp >= 0) {
      tPos.push(cols.length);
      if (cmp > 0) cols.push(tc[ti]);
      ti++;
    }
    if (cmp <= 0) {
      sPos.push(cols.length);
      cols.push(sc[si]);
      si++;
    }
  }
  const dtype = promoteTypes(t.dtype, s.dtype);
  const vals = zeros([cols.length, ...t._vals.shape.slice(1)], { dtype })
    .index_add(0, tensor(tPos, { dtype: int64 }), t._vals.to(dtype))
    .index_add(0, tensor(sPos, { dtype: int64 }), s._vals.to(dtype), alpha);
  return new SparseCooTensor(indicesTensor(cols, t.sparse_dim()), named(vals, what === "sub" ? "SubBackward0" : "AddBackward0"), t.shape, t.is_coalesced() && s.is_coalesced());
}

/** A number, or a 0-dim dense tensor, as the scalar of sparse * scalar. */
function scalarOf(other: unknown, what: string): number | Tensor {
  if (typeof other === "number" || typeof other === "boolean") return Number(other);
  if (other instanceof Tensor && other.dim() === 0) return other;
  return refuseOnSparse(`${what} of a sparse tensor by ${isSparseCoo(other) ? "a sparse tensor" : "a dense tensor with dimensions"}`);
}

/** sparse * scalar (Tensor.mul / torch.mul / 2 * S as torch.mul(S, 2)). */
export function mulSparse(self: SparseCooTensor, other: unknown): SparseCooTensor {
  return new SparseCooTensor(self._idx, self._vals.mul(scalarOf(other, "mul")), self.shape, self.is_coalesced());
}

/** sparse / scalar. */
export function divSparse(self: SparseCooTensor, other: unknown): SparseCooTensor {
  return new SparseCooTensor(self._idx, self._vals.div(scalarOf(other, "div")), self.shape, self.is_coalesced());
}
