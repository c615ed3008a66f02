/**
 * What a sparse COO tensor (sparse_coo.ts) and a sparse CSR tensor (csr.ts) share. Both are their own classes, not
 * Tensor subclasses, holding dense index tensors and a dense values tensor through which autograd runs; what reads
 * only the values and the size (dtype, _nnz, is_leaf, grad_fn ...) or is the same constant for both (a CPU tensor)
 * lives here, once. What differs by layout (layout, is_sparse / is_sparse_csr, size() / dim() ...) stays in each class.
 */
import { CPU, type Device } from "../device";
import type { DType } from "../dtype";
import { sizeOf, type Size } from "../size";
import type { Tensor } from "../tensor";
import { SPARSE_COO_BRAND } from "./brand";

export abstract class SparseTensorBase {
  /** The stored values, one (or one dense block) per stored entry: [nnz, ...]. */
  _vals: Tensor;
  _size: Size;

  constructor(values: Tensor, size: readonly number[]) {
    this._vals = values;
    this._size = sizeOf(size);
  }

  get shape(): Size {
    return this._size;
  }
  get dtype(): DType {
    return this._vals.dtype;
  }
  get device(): Device {
    return CPU;
  }
  get is_cuda(): boolean {
    return false;
  }
  get is_cpu(): boolean {
    return true;
  }
  _nnz(): number {
    return this._vals.shape[0];
  }

  get requires_grad(): boolean {
    return this._vals.requires_grad;
  }
  get is_leaf(): boolean {
    return this._vals.grad_fn === null;
  }
  get grad_fn(): Tensor["grad_fn"] {
    return this._vals.grad_fn;
  }

  abstract toString(): string;
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
  [Symbol.toPrimitive](): string {
    return this.toString();
  }
}

/**
 * Marks a sparse class's prototype with the sparse brand (so torch.* calls with it first reach sparse/dispatch.ts) and
 * makes a dense kernel reaching one of its instances (x.add(s), torch.mm(x, s)) raise `refuse`'s error before it reads
 * a dense tensor's storage fields.
 */
export function markSparsePrototype(proto: object, refuse: (field: string) => never): void {
  Object.defineProperty(proto, SPARSE_COO_BRAND, { value: true });
  for (const field of ["_data", "_strides", "_offset", "_ver", "_shape", "_base"]) {
    Object.defineProperty(proto, field, { get: () => refuse(field), configurable: true, enumerable: false });
  }
}
