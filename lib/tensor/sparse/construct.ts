/**
 * Making sparse COO tensors, as torch 1.13:
 *   - torch.sparse_coo_tensor(indices, values, size=None, *, dtype=None, device=None, requires_grad=False): indices
 *     int64 [sparse_dim, nnz] (a list or a tensor), values [nnz, ...dense dims]; without a size, each sparse dim is
 *     its largest index + 1. torch's checks and messages (nnz, dims, negative or out-of-range indices, the values'
 *     size). Uncoalesced unless nnz <= 1. Values that require grad stay on the tape
 *     (SparseCooTensorWithDimsAndTensorsBackward0); requires_grad=True makes a sparse leaf.
 *   - the legacy torch.sparse.FloatTensor / DoubleTensor / LongTensor ...(indices, values[, size]) (pygcn's
 *     sparse_mx_to_torch_sparse_tensor) and (...sizes) for an empty one: the values keep their dtype, as torch's.
 *   - x.to_sparse(sparse_dim = x.dim()) / to_sparse_coo(): the nonzero entries (rows of a hybrid tensor) in row-major
 *     order, coalesced; the values are gathered from x, so x gets the gradient (ToSparseBackward0).
 */
import { checkKeywords, isOptions } from "../args";
import { int64, type DType } from "../dtype";
import { RuntimeError } from "../errors";
import { tensor, zeros } from "../ops/creation";
import { Tensor } from "../tensor";
import { refuseOnSparse } from "./brand";
import { indexColumns } from "./coalesce_plan";
import { named, SparseCooTensor } from "./sparse_coo";

export interface SparseCooOptions {
  dtype?: DType;
  device?: unknown;
  requires_grad?: boolean;
  size?: readonly number[];
}

const asIndices = (v: unknown): Tensor => (v instanceof Tensor ? (v.dtype === int64 ? v : v.to(int64)) : tensor(v as number[][], { dtype: int64 }));
const asValues = (v: unknown): Tensor => (v instanceof Tensor ? v : tensor(v as number[]));

const isSizeLike = (v: unknown): v is readonly number[] => Array.isArray(v) && v.every((n) => typeof n === "number");

/** The sparse tensor of checked indices and values; `size` inferred when null. */
export function makeSparseCoo(indices: Tensor, values: Tensor, size: readonly number[] | null, opts: SparseCooOptions = {}): SparseCooTensor {
  if (indices.dim() !== 2) throw new RuntimeError(`indices must be sparse_dim x nnz, but got: [${indices.shape.join(", ")}]`);
  const [sd, nnz] = indices.shape;
  if (values.dim() === 0) throw new RuntimeError("values must have at least one dimension (nnz)"); // torch: a 0-dim value list is refused
  if (values.shape[0] !== nnz) throw new RuntimeError(`indices and values must have same nnz, but got nnz from indices: ${nnz}, nnz from values: ${values.shape[0]}`);
  if (opts.dtype && opts.dtype !== values.dtype) values = values.to(opts.dtype);
  const cols = indexColumns(indices);
  for (const c of cols) for (let d = 0; d < sd; d++) if (c[d] < 0) throw new RuntimeError(`found negative index ${c[d]} for dim ${d}`);
  const denseDims = values.shape.slice(1);
  if (size === null) {
    size = [...Array.from({ length: sd }, (_, d) => cols.reduce((m, c) => Math.max(m, c[d] + 1), 0)), ...denseDims];
  } else {
    if (size.length !== sd + denseDims.length) {
      throw new RuntimeError(`number of dimensions must be sparse_dim (${sd}) + dense_dim (${denseDims.length}), but got ${size.length}`);
    }
    for (let d = 0; d < sd; d++) {
      const top = cols.reduce((m, c) => Math.max(m, c[d]), -1);
      if (top >= size[d]) throw new RuntimeError(`size is inconsistent with indices: for dim ${d}, size is ${size[d]} but found index ${top}`);
    }
    const expected = [nnz, ...size.slice(sd)];
    if (expected.some((n, i) => n !== values.shape[i])) {
      throw new RuntimeError(`values has incorrect size, expected [${expected.join(", ")}], got [${values.shape.join(", ")}]`);
    }
  }
  if (opts.requires_grad) {
    if (!values.dtype.is_floating_point) throw new RuntimeError("Only Tensors of floating point and complex dtype can require gradients");
    values = values.detach().requires_grad_(true);
  } else {
    values = named(values, "SparseCooTensorWithDimsAndTensorsBackward0");
  }
  return new SparseCooTensor(indices, values, size, nnz <= 1);
}

/** torch.sparse_coo_tensor(indices, values, size?, { dtype, device, requires_grad }). */
export function sparse_coo_tensor(...args: unknown[]): SparseCooTensor {
  let size: readonly number[] | null = null;
  let opts: SparseCooOptions & { indices?: unknown; values?: unknown } = {};
  const last = args[args.length - 1];
  if (isOptions(last)) {
    checkKeywords("sparse_coo_tensor", last, ["indices", "values", "size", "dtype", "device", "requires_grad"]);
    opts = last as typeof opts;
    args = args.slice(0, -1);
  }
  const [indices = opts.indices, values = opts.values, ...rest] = args;
  for (const r of rest) {
    if (isSizeLike(r)) size = r;
    else if (r !== undefined && r !== null) refuseOnSparse(`torch.sparse_coo_tensor() with the argument ${String(r)}`);
  }
  if (opts.size) size = opts.size;
  if (opts.device !== undefined && opts.device !== "cpu" && String(opts.device) !== "cpu") refuseOnSparse(`torch.sparse_coo_tensor(device=${String(opts.device)})`);
  return makeSparseCoo(asIndices(indices), asValues(values), size, opts);
}

/** torch.sparse.<Type>Tensor(indices, values[, size]) or (...sizes): the legacy constructor of `dtype`. */
export function legacySparseConstructor(dtype: DType): (...args: unknown[]) => SparseCooTensor {
  return (...args: unknown[]) => {
    if (args.every((a) => typeof a === "number") || (args.length === 1 && isSizeLike(args[0]))) {
      const size = (args.length === 1 && isSizeLike(args[0]) ? args[0] : args) as number[];
      return new SparseCooTensor(zeros([size.length, 0], { dtype: int64 }), zeros([0], { dtype }), size, true);
    }
    const [indices, values, size] = args;
    return makeSparseCoo(asIndices(indices), asValues(values), isSizeLike(size) ? size : null);
  };
}

/** Dense x.to_sparse(sparse_dim = x.dim()): the nonzero entries (or rows of a hybrid result), coalesced. */
export function denseToSparse(x: Tensor, sparseDim?: number | { sparse_dim?: number }): SparseCooTensor {
  if (typeof sparseDim === "object" && sparseDim !== null) checkKeywords("to_sparse", sparseDim, ["sparse_dim"]);
  const sd = (typeof sparseDim === "object" && sparseDim !== null ? sparseDim.sparse_dim : sparseDim) ?? x.dim();
  if (!Number.isInteger(sd) || sd < 0 || sd > x.dim()) throw new RuntimeError(`sparse_dim must be between 0 and ${x.dim()}, but got ${sd}`);
  const lead = x.shape.slice(0, sd);
  const rows = lead.reduce((a, b) => a * b, 1);
  const flat = x.reshape([rows, ...x.shape.slice(sd)]);
  // a row is kept when any of its elements is nonzero
  const nz = flat.ne(0).reshape([rows, -1]).any(1).tolist() as boolean[];
  const keep = nz.flatMap((b, i) => (b ? [i] : []));
  const cols = keep.map((r) => {
    const c = new Array<number>(sd);
    for (let d = sd - 1; d >= 0; d--) {
      c[d] = r % lead[d];
      r = Math.floor(r / lead[d]);
    }
    return c;
  });
  const indices = tensor(Array.from({ length: sd }, (_, d) => cols.map((c) => c[d])), { dtype: int64 }).reshape(sd, keep.length);
  const values = named(flat.index_select(0, tensor(keep, { dtype: int64 })), "ToSparseBackward0");
  return new SparseCooTensor(indices, values, x.shape, true);
}

