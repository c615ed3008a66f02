/**
 * The Tensor methods a sparse COO tensor has here (installed on SparseCooTensor.prototype, typed by a merged
 * interface), each delegating to its op module: add / sub (sparse + sparse, arith.ts), mul / div by a number,
 * neg, t / transpose (transpose.ts), mm / matmul (sparse @ dense, mm.ts). Installed before the first sparse tensor
 * is made, so the refusals of sparse_coo.ts leave them alone.
 */
import { parseArgs } from "../args";
import type { Tensor } from "../tensor";
import { addSparse, divSparse, mulSparse, negSparse } from "./arith";
import { mmSparse } from "./mm";
import { SparseCooTensor } from "./sparse_coo";
import { transposeSparse, tSparse } from "./transpose";

type AlphaArgs = [alpha?: number | { alpha?: number }];

declare module "./sparse_coo" {
  interface SparseCooTensor {
    /** self + alpha * other, other sparse of the same size (torch's merge order; coalesced when both are). */
    add(other: SparseCooTensor, ...args: AlphaArgs): SparseCooTensor;
    sub(other: SparseCooTensor, ...args: AlphaArgs): SparseCooTensor;
    /** By a number or a 0-dim tensor. */
    mul(other: number | Tensor): SparseCooTensor;
    div(other: number | Tensor): SparseCooTensor;
    neg(): SparseCooTensor;
    t(): SparseCooTensor;
    transpose(dim0: number, dim1: number): SparseCooTensor;
    /** sparse @ dense (MmBackward0: refused when self requires grad, as torch.mm; use torch.sparse.mm). */
    mm(mat2: Tensor): Tensor;
    matmul(other: Tensor): Tensor;
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
    return mulSparse(this, other);
  },
  div(this: SparseCooTensor, other: unknown) {
    return divSparse(this, other);
  },
  neg(this: SparseCooTensor) {
    return negSparse(this);
  },
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
