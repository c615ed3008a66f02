/**
 * The Tensor methods a sparse COO tensor has here (installed on SparseCooTensor.prototype, typed by a merged
 * interface), each delegating to its op module: add / sub (sparse + sparse, arith.ts), mul / div by a number,
 * neg, t / transpose (transpose.ts), mm / matmul (sparse @ dense, mm.ts). Installed before the first sparse tensor
 * is made, so the refusals of sparse_coo.ts leave them alone.
 */
import { parseArgs } from "../args";
import type { Tensor } from "../tensor";
import { addSparse, divSparse, mulSparse } from "./arith";
import { checkSparseDivisor, mulAny, powSparse, roundedDiv, scaleSparse, SPARSE_UNARY, unarySparse, zeroSparse_ } from "./elementwise";
import { cooToCsr, type SparseCsrTensor } from "./csr";
import { mmSparse } from "./mm";
import { couldNotRun } from "./torch_errors";
import { SparseCooTensor } from "./sparse_coo";
import { transposeSparse, tSparse } from "./transpose";

type AlphaArgs = [alpha?: number | { alpha?: number }];

declare module "./sparse_coo" {
  interface SparseCooTensor {
    /** self + alpha * other, other sparse of the same size (torch's merge order; coalesced when both are). */
    add(other: SparseCooTensor, ...args: AlphaArgs): SparseCooTensor;
    sub(other: SparseCooTensor, ...args: AlphaArgs): SparseCooTensor;
    /** By a number, a dense tensor (broadcast to this size: read at each entry) or a sparse one (the common entries). */
    mul(other: number | Tensor | SparseCooTensor): SparseCooTensor;
    /** By a number or a 0-dim tensor (torch refuses any other divisor); rounding_mode coalesces. */
    div(other: number | Tensor, options?: { rounding_mode?: "trunc" | "floor" | null }): SparseCooTensor;
    true_divide(other: number | Tensor): SparseCooTensor;
    floor_divide(other: number | Tensor): SparseCooTensor;
    neg(): SparseCooTensor;
    deg2rad(): SparseCooTensor;
    rad2deg(): SparseCooTensor;
    /** The unary ops torch 1.13 has a sparse kernel for: on the coalesced values, a coalesced result. */
    abs(): SparseCooTensor;
    sqrt(): SparseCooTensor;
    sin(): SparseCooTensor;
    sinh(): SparseCooTensor;
    tan(): SparseCooTensor;
    tanh(): SparseCooTensor;
    asin(): SparseCooTensor;
    asinh(): SparseCooTensor;
    atan(): SparseCooTensor;
    atanh(): SparseCooTensor;
    square(): SparseCooTensor;
    sign(): SparseCooTensor;
    sgn(): SparseCooTensor;
    log1p(): SparseCooTensor;
    expm1(): SparseCooTensor;
    erf(): SparseCooTensor;
    erfinv(): SparseCooTensor;
    floor(): SparseCooTensor;
    ceil(): SparseCooTensor;
    round(): SparseCooTensor;
    trunc(): SparseCooTensor;
    nan_to_num(nan?: number, posinf?: number | null, neginf?: number | null): SparseCooTensor;
    signbit(): SparseCooTensor;
    isnan(): SparseCooTensor;
    isinf(): SparseCooTensor;
    isposinf(): SparseCooTensor;
    isneginf(): SparseCooTensor;
    /** By a nonzero number (0 is refused: the result would be dense). */
    pow(exponent: number): SparseCooTensor;
    zero_(): SparseCooTensor;
    /** CSR's accessors: torch 1.13 has no COO kernel for them (its error). */
    crow_indices(): never;
    col_indices(): never;
    /** The 2-D matrix's entries in the CSR layout (csr.ts). */
    to_sparse_csr(): SparseCsrTensor;
    conj(): SparseCooTensor;
    positive(): SparseCooTensor;
    t(): SparseCooTensor;
    transpose(dim0: number, dim1: number): SparseCooTensor;
    /** sparse @ dense (MmBackward0: refused when self requires grad, as torch.mm; use torch.sparse.mm). */
    mm(mat2: Tensor): Tensor;
    mm(mat2: SparseCooTensor): SparseCooTensor;
    matmul(other: Tensor): Tensor;
    matmul(other: SparseCooTensor): SparseCooTensor;
  }
}

const alphaOf = (fn: string, args: readonly unknown[]): number => parseArgs<{ alpha?: number }>(fn, ["alpha"], args).alpha ?? 1;

const methods: Record<string, (this: SparseCooTensor, ...args: never[]) => unknown> = {
  add(this: SparseCooTensor, other: unknown, ...args: unknown[]) {
    return addSparse(this, other, alphaOf("add", args), "add");
  },
  sub(this: SparseCooTensor, other: unknown, ...args: unknown[]) {
    return addSparse(this, other, -alphaOf("sub", args), "sub");
  },
  mul(this: SparseCooTensor, other: unknown) {
    return mulAny(this, other, mulSparse);
  },
  div(this: SparseCooTensor, other: unknown, ...args: unknown[]) {
    const mode = parseArgs<{ rounding_mode?: "trunc" | "floor" | null }>("div", ["rounding_mode"], args).rounding_mode ?? null;
    checkSparseDivisor(other);
    return mode ? roundedDiv(this, other as number | Tensor, mode) : divSparse(this, other);
  },
  true_divide(this: SparseCooTensor, other: unknown) {
    checkSparseDivisor(other);
    return divSparse(this, other);
  },
  floor_divide(this: SparseCooTensor, other: unknown) {
    return roundedDiv(this, other as number | Tensor, "floor");
  },
  neg(this: SparseCooTensor) {
    return scaleSparse(this, "neg");
  },
  deg2rad(this: SparseCooTensor) {
    return scaleSparse(this, "deg2rad");
  },
  rad2deg(this: SparseCooTensor) {
    return scaleSparse(this, "rad2deg");
  },
  pow(this: SparseCooTensor, exponent: unknown) {
    return powSparse(this, parseArgs<{ exponent?: unknown }>("pow", ["exponent"], [exponent]).exponent);
  },
  zero_(this: SparseCooTensor) {
    return zeroSparse_(this);
  },
  crow_indices() {
    throw couldNotRun("aten::crow_indices");
  },
  col_indices() {
    throw couldNotRun("aten::col_indices");
  },
  to_sparse_csr(this: SparseCooTensor) {
    return cooToCsr(this);
  },
  conj(this: SparseCooTensor) {
    return this;
  },
  positive(this: SparseCooTensor) {
    return this;
  },
  /** torch 1.13's Tensor.sum has no sparse kernel (torch.sparse.sum is the sparse one). */
  sum(this: SparseCooTensor) {
    throw couldNotRun("aten::sum.dim_IntList");
  },
  softmax(this: SparseCooTensor) {
    throw couldNotRun("aten::_softmax");
  },
  log_softmax(this: SparseCooTensor) {
    throw couldNotRun("aten::_log_softmax");
  },
  ...Object.fromEntries(
    Object.keys(SPARSE_UNARY).map((op) => [op, function (this: SparseCooTensor, ...args: unknown[]) { return unarySparse(this, op, args); }]),
  ),
  t(this: SparseCooTensor) {
    return tSparse(this);
  },
  transpose(this: SparseCooTensor, dim0: number, dim1: number) {
    return transposeSparse(this, dim0, dim1);
  },
  mm(this: SparseCooTensor, mat2: unknown) {
    return mmSparse(this, mat2, "mm");
  },
  matmul(this: SparseCooTensor, other: unknown) {
    return mmSparse(this, other, "matmul");
  },
};

export function installSparseMethods(): void {
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(SparseCooTensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
