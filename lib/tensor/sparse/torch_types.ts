/**
 * The types of the torch.* functions and dense Tensor methods that take a sparse COO operand at run time
 * (non_tensor_input.ts hands a sparse first argument to dispatch.ts; ops/arithmetic.ts and ops/matmul.ts test the
 * second): overloads after their dense signatures, so that torch.mm(S, D), torch.mul(S, D), torch.mul(D, S) or
 * torch.addmm(M, S, D) type-check in a learner's cell without casts (index.ts intersects SparseTorchFunctions into
 * `torch`, as complex_tensor.ts's ComplexTorchFunctions).
 */
import type { Tensor } from "../tensor";
import type { SparseCsrTensor } from "./csr";
import type { SparseCooTensor } from "./sparse_coo";

type Sparse = SparseCooTensor;
type AlphaOptions = { alpha?: number };
// (dense Tensor methods keep their dense signatures: D.mul(S) runs, but a cell writes torch.mul(D, S) or S.mul(D) to
// type-check; overloads on Tensor's own methods would shadow the keyword forms tensor_operand_keywords.ts checks)

/** A unary op with a sparse kernel: a coalesced sparse result. */
type SparseUnary = (input: Sparse) => Sparse;

export interface SparseTorchFunctions {
  mm(input: Sparse | SparseCsrTensor, mat2: Tensor): Tensor;
  mm(input: Sparse, mat2: Sparse): Sparse;
  matmul(input: Sparse | SparseCsrTensor, other: Tensor): Tensor;
  matmul(input: Sparse, other: Sparse): Sparse;
  addmm(input: Tensor, mat1: Sparse | SparseCsrTensor, mat2: Tensor, options?: { beta?: number; alpha?: number }): Tensor;
  mul(input: Sparse, other: number | Tensor | Sparse): Sparse;
  mul(input: Tensor, other: Sparse): Sparse;
  multiply(input: Sparse, other: number | Tensor | Sparse): Sparse;
  multiply(input: Tensor, other: Sparse): Sparse;
  div(input: Sparse, other: number | Tensor, options?: { rounding_mode?: "trunc" | "floor" | null }): Sparse;
  true_divide(input: Sparse, other: number | Tensor): Sparse;
  floor_divide(input: Sparse, other: number | Tensor): Sparse;
  add(input: Sparse, other: Sparse, options?: AlphaOptions): Sparse;
  add(input: Tensor, other: Sparse, options?: AlphaOptions): Tensor;
  sub(input: Sparse, other: Sparse, options?: AlphaOptions): Sparse;
  sub(input: Tensor, other: Sparse, options?: AlphaOptions): Tensor;
  pow(input: Sparse, exponent: number): Sparse;
  t(input: Sparse): Sparse;
  transpose(input: Sparse, dim0: number, dim1: number): Sparse;
  neg: SparseUnary;
  negative: SparseUnary;
  abs: SparseUnary;
  sqrt: SparseUnary;
  sin: SparseUnary;
  sinh: SparseUnary;
  tan: SparseUnary;
  tanh: SparseUnary;
  asin: SparseUnary;
  asinh: SparseUnary;
  atan: SparseUnary;
  atanh: SparseUnary;
  square: SparseUnary;
  sign: SparseUnary;
  sgn: SparseUnary;
  log1p: SparseUnary;
  expm1: SparseUnary;
  erf: SparseUnary;
  erfinv: SparseUnary;
  floor: SparseUnary;
  ceil: SparseUnary;
  round: SparseUnary;
  trunc: SparseUnary;
  deg2rad: SparseUnary;
  rad2deg: SparseUnary;
  signbit: SparseUnary;
  isnan: SparseUnary;
  isinf: SparseUnary;
  isposinf: SparseUnary;
  isneginf: SparseUnary;
}
