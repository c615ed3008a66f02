/**
 * Elementwise ops of sparse COO tensors beyond add / sub (arith.ts), as torch 1.13 computes them:
 *   - sparse * dense, dense * sparse: the values times the dense operand read at each entry's index (the dense one
 *     may broadcast to the sparse size); the indices, their order and the coalesced flag kept (MulBackward0).
 *   - sparse * sparse: ATen's sparse_binary_op_intersection: each entry of the "probe" operand (the uncoalesced one,
 *     or the smaller of two uncoalesced ones) times every entry of the other with an equal index, in storage order;
 *     coalesced only when both are. Duplicates multiply pairwise, so the dense result is the product of the dense sums.
 *   - sparse / dense or / sparse: torch's "Sparse division requires a scalar or zero-dim dense tensor divisor";
 *     div with rounding_mode, floor_divide: the values of the coalesced tensor.
 *   - unary ops that keep zeros zero (abs, sqrt, sin, tanh, pow by a nonzero number ...): the op on the coalesced
 *     values, a coalesced result (neg / deg2rad / rad2deg keep the entries as they are). torch 1.13's backward works
 *     for some of them only; for the others it raises its own error, replayed here by the node (see `BACKWARD_REFUSED`).
 * Every value goes through recorded dense ops (index_select, mul ...), so autograd comes from the dense engine.
 */
import { int64, promoteTypes } from "../dtype";
import { RuntimeError } from "../errors";
import { tensor, zeros } from "../ops/creation";
import { makeView } from "../ops/views";
import { broadcastShapes, shapesEqual } from "../shape";
import { Tensor } from "../tensor";
import { isSparseCoo, refuseOnSparse } from "./brand";
import { indexColumns } from "./coalesce_plan";
import { flatIndex, named, SparseCooTensor } from "./sparse_coo";
import { couldNotRun, sparseDivisionError } from "./torch_errors";

/** An identity view of t recorded as `name` whose backward raises what torch 1.13's backward raises there. */
function namedRefusing(t: Tensor, name: string, refusal: () => Error): Tensor {
  return t.requires_grad ? makeView(t, t.shape, t._strides, t._offset, name, () => { throw refusal(); }) : t;
}

const isScalar = (v: unknown): v is number | boolean => typeof v === "number" || typeof v === "boolean";

/** sparse * dense: the dense operand read at each entry (broadcast to the sparse size). */
export function mulSparseDense(s: SparseCooTensor, d: Tensor): SparseCooTensor {
  const shape = broadcastShapes(d.shape, s.shape, "mul"); // torch names the dense operand "a"
  if (!shapesEqual(shape, s.shape)) return refuseOnSparse(`mul of a sparse tensor by a dense tensor that broadcasts it to the larger size [${shape.join(", ")}]`);
  const dt = promoteTypes(s.dtype, d.dtype);
  const sd = s.sparse_dim();
  const sizes = s.shape.slice(0, sd);
  const rows = sizes.reduce((a, b) => a * b, 1);
  const at = d.expand([...s.shape]).reshape([rows, ...s.shape.slice(sd)]).index_select(0, flatIndex(s._idx, sizes));
  const vals = s._vals.to(dt).mul(at.to(dt));
  return new SparseCooTensor(s._idx, named(vals, "MulBackward0"), s.shape, s.is_coalesced());
}

/** sparse * sparse of the same size (torch's intersection order, see the header). */
export function mulSparseSparse(x: SparseCooTensor, y: SparseCooTensor): SparseCooTensor {
  if (!shapesEqual(x.shape, y.shape) || x.sparse_dim() !== y.sparse_dim()) {
    throw new RuntimeError(
      "sparse_binary_op_intersection_cpu(): expects sparse inputs with equal dimensionality, number of sparse dimensions, and shape of sparse dimensions",
    );
  }
  const source = x.is_coalesced() ? x : y.is_coalesced() ? y : x._nnz() >= y._nnz() ? x : y;
  const probe = source === x ? y : x;
  const where = new Map<string, number[]>();
  indexColumns(source._idx).forEach((c, k) => {
    const key = c.join(",");
    const list = where.get(key);
    if (list) list.push(k);
    else where.set(key, [k]);
  });
  const P: number[] = [];
  const Q: number[] = [];
  indexColumns(probe._idx).forEach((c, k) => {
    for (const q of where.get(c.join(",")) ?? []) {
      P.push(k);
      Q.push(q);
    }
  });
  const dt = promoteTypes(x.dtype, y.dtype);
  const p = tensor(P, { dtype: int64 });
  const q = tensor(Q, { dtype: int64 });
  const vals = probe._vals.to(dt).index_select(0, p).mul(source._vals.to(dt).index_select(0, q));
  return new SparseCooTensor(probe._idx.index_select(1, p), named(vals, "MulBackward0"), x.shape, x.is_coalesced() && y.is_coalesced());
}

/** Tensor.mul / torch.mul / * with a sparse self: by a number or 0-dim tensor (arith.ts), a dense tensor, a sparse one. */
export function mulAny(self: SparseCooTensor, other: unknown, scalarMul: (s: SparseCooTensor, o: unknown) => SparseCooTensor): SparseCooTensor {
  if (other instanceof SparseCooTensor) return mulSparseSparse(self, other);
  if (isSparseCoo(other)) return refuseOnSparse("mul of a sparse COO tensor by a sparse CSR tensor");
  if (other instanceof Tensor && other.dim() > 0) return mulSparseDense(self, other);
  return scalarMul(self, other);
}

/** The divisor check of sparse division: a number or a 0-dim dense tensor, else torch's error. */
export function checkSparseDivisor(other: unknown): void {
  if (isScalar(other) || (other instanceof Tensor && other.dim() === 0)) return;
  if (other instanceof Tensor || isSparseCoo(other)) throw sparseDivisionError((other as { shape: readonly number[] }).shape);
}

/** div(rounding_mode=) / floor_divide: the op on the coalesced values (a coalesced result, as torch). */
export function roundedDiv(self: SparseCooTensor, other: number | Tensor, mode: "floor" | "trunc"): SparseCooTensor {
  checkSparseDivisor(other);
  const c = self.coalesce();
  return new SparseCooTensor(c._idx, named(c._vals.div(other, { rounding_mode: mode }), "DivBackward0"), c.shape, true);
}

// ---- unary ops ----------------------------------------------------------------------------------------------------

/** What torch 1.13's backward raises for a sparse input (shape: the input's size). */
const BACKWARD_REFUSED: Record<string, (shape: readonly number[]) => Error> = {
  sqrt: (shape) => sparseDivisionError(shape),
  sin: () => couldNotRun("aten::cos"),
  sinh: () => couldNotRun("aten::cosh"),
  tanh: () => couldNotRun("aten::tanh_backward"),
  erf: () => couldNotRun("aten::exp"),
  erfinv: () => couldNotRun("aten::exp"),
  sgn: () => couldNotRun("aten::_efficientzerotensor"),
  nan_to_num: () => couldNotRun("aten::ne.Scalar"),
  log1p: () =>
    new RuntimeError(
      "log1p of a sparse tensor is made to be non-differentiable since local gradient of zero is 1 / (0 + 1) = 1 and it makes the tensor dense. " +
        "Use a different mathematical operation which preserves sparsity of gradients, or report a bug if you think this is an error.",
    ),
  expm1: () => new RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead."),
  asin: () => new RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead."),
  atan: () => new RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead."),
  asinh: () => new RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead."),
  tan: () => new RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead."),
  atanh: () => new RuntimeError("memory format option is only supported by strided tensors"),
};

/** torch's grad_fn name of each unary op with a sparse kernel (null: a bool result, no gradient). */
export const SPARSE_UNARY: Record<string, string | null> = {
  abs: "AbsBackward0", sqrt: "SqrtBackward0", sin: "SinBackward0", sinh: "SinhBackward0", tan: "TanBackward0", tanh: "TanhBackward0",
  asin: "AsinBackward0", asinh: "AsinhBackward0", atan: "AtanBackward0", atanh: "AtanhBackward0", square: "PowBackward0",
  sign: "SignBackward0", sgn: "SgnBackward0", log1p: "Log1PBackward0", expm1: "Expm1Backward0", erf: "ErfBackward0", erfinv: "ErfinvBackward0",
  floor: "FloorBackward0", ceil: "CeilBackward0", round: "RoundBackward0", trunc: "TruncBackward0", nan_to_num: "NanToNumBackward0",
  signbit: null, isnan: null, isinf: null, isposinf: null, isneginf: null,
};

/** x.<op>() for a unary op that keeps zeros zero: the op on the coalesced values; a coalesced result. */
export function unarySparse(self: SparseCooTensor, op: string, args: readonly unknown[] = []): SparseCooTensor {
  const node = SPARSE_UNARY[op];
  const c = self.coalesce();
  const out = (c._vals as unknown as Record<string, (...a: unknown[]) => Tensor>)[op](...args);
  const refusal = BACKWARD_REFUSED[op];
  const vals = node === null ? out : refusal ? namedRefusing(out, node, () => refusal(self.shape)) : named(out, node);
  return new SparseCooTensor(c._idx, vals, c.shape, true);
}

/** pow(x, exponent) for a number exponent (0 refused: the result would be dense); a tensor exponent has no kernel. */
export function powSparse(self: SparseCooTensor, exponent: unknown): SparseCooTensor {
  if (!isScalar(exponent)) throw couldNotRun("aten::pow.Tensor_Tensor");
  if (Number(exponent) === 0) throw new RuntimeError("pow: cannot raise to zeroth power on sparse tensor; it would make the result tensor dense");
  const c = self.coalesce();
  return new SparseCooTensor(c._idx, named(c._vals.pow(exponent), "PowBackward0"), c.shape, true);
}

/** neg / deg2rad / rad2deg: the values scaled, the entries and the coalesced flag kept. */
export function scaleSparse(self: SparseCooTensor, op: "neg" | "deg2rad" | "rad2deg"): SparseCooTensor {
  const node = { neg: "NegBackward0", deg2rad: "Deg2RadBackward0", rad2deg: "Rad2DegBackward0" }[op];
  return new SparseCooTensor(self._idx, named(self._vals[op](), node), self.shape, self.is_coalesced());
}

/** zero_(): in place, no entries left (coalesced), as torch's. */
export function zeroSparse_(self: SparseCooTensor): SparseCooTensor {
  self._idx = zeros([self.sparse_dim(), 0], { dtype: int64 });
  self._vals = zeros([0, ...self._vals.shape.slice(1)], { dtype: self.dtype });
  self._coalesced = true;
  return self;
}
