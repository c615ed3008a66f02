/**
 * Datasets, PyTorch's protocol: `__len__()` and `__getitem__(index)`. TensorDataset wraps
 * tensors sharing their first dimension; Subset and random_split carve datasets up.
 */
import { checkKeywords, checkNoMoreArgs, isOptions } from "../../args";
import { leadingArgs } from "../../leading_args";
import { IndexError, TorchError, TypeError_, ValueError } from "../../errors";
import { float32, int64 } from "../../dtype";
import { randperm, tensor as makeTensor } from "../../ops/creation";
import { default_generator, Generator } from "../../random";
import { Tensor, type IndexSpec } from "../../tensor";
import { parseSliceString, Slice } from "../../ops/indexing";

export abstract class Dataset<T = unknown> {
  abstract __getitem__(index: number): T;
  abstract __len__(): number;

  get length(): number {
    return this.__len__();
  }

  /** ds.get(i) is ds[i] in PyTorch. */
  get(index: number): T {
    return this.__getitem__(index);
  }

  *[Symbol.iterator](): Iterator<T> {
    const n = this.__len__();
    for (let i = 0; i < n; i++) yield this.__getitem__(i);
  }

  /** `dataset + other` in PyTorch: a ConcatDataset of the two (a ChainDataset for iterable ones). */
  __add__(other: Dataset<T>): Dataset<T> {
    if (makeConcat === null) throw new TorchError("ConcatDataset is not loaded", "RuntimeError");
    return makeConcat([this, other]) as Dataset<T>;
  }
}

let makeConcat: ((datasets: Dataset<unknown>[]) => Dataset<unknown>) | null = null;
/** combined.ts hands over ConcatDataset's constructor (it imports this module, so this one cannot import it). */
export function registerConcat(make: (datasets: Dataset<unknown>[]) => Dataset<unknown>): void {
  makeConcat = make;
}

/**
 * Anything the DataLoader can read: a Dataset, a plain array of samples, or a tensor, whose rows are its items
 * (torch indexes any sequence: index_splitter's random_split(torch.arange(n), [0.8, 0.2])).
 */
export type DatasetLike<T = unknown> = Dataset<T> | readonly T[] | Tensor;

export function datasetLength(ds: DatasetLike): number {
  return Array.isArray(ds) ? ds.length : (ds as Dataset).__len__();
}

export function datasetItem<T>(ds: DatasetLike<T>, i: number): T {
  // A tensor as a dataset (DataLoader(t)): its items are its rows, t[i], as in Python
  if ((ds as unknown) instanceof Tensor) return (ds as unknown as Tensor).index(i) as unknown as T; // Python's ds[i], with its IndexError
  return Array.isArray(ds) ? (ds as readonly T[])[i] : (ds as Dataset<T>).__getitem__(i);
}

/** Samples are rows of the given tensors: ds.get(i) is [X[i], y[i]]. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    // PyTorch's TensorDataset(*tensors) takes no keyword at all.
    if (tensors.length > 0 && isOptions(tensors[tensors.length - 1])) checkKeywords("TensorDataset.__init__", tensors.pop(), []);
    if (tensors.length === 0) throw new ValueError("TensorDataset needs at least one tensor");
    const n = tensors[0].shape[0];
    for (const t of tensors) {
      // PyTorch: assert all(tensors[0].size(0) == tensor.size(0) for tensor in tensors), "Size mismatch between tensors"
      if (!(t instanceof Tensor) || t.dim() === 0 || t.shape[0] !== n) throw new TorchError("Size mismatch between tensors", "AssertionError");
    }
    this.tensors = tensors;
  }

  /**
   * ds.get(i): [X[i], y[i]]; with a list of indices, [X[idx], y[idx]] (Subset passes lists through). As torch's
   * tuple(tensor[index] for tensor in self.tensors), any other tensor index works too: a slice (ds.get("0:3"), Python's
   * train_ds[0:3]), an index tensor or a mask.
   */
  __getitem__(index: number): Tensor[];
  __getitem__(index: readonly number[]): Tensor[];
  __getitem__(index: string | Slice | Tensor | readonly boolean[]): Tensor[];
  __getitem__(index: number | readonly number[] | string | Slice | Tensor | readonly boolean[]): Tensor[] {
    if (Array.isArray(index) && !index.some((v) => typeof v === "boolean")) {
      const idx = makeTensor(index as number[], { dtype: int64 });
      return this.tensors.map((t) => t.index(idx));
    }
    if (typeof index !== "number") return this.tensors.map((t) => t.index(index as IndexSpec));
    const n = this.__len__();
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new IndexError(`index ${index} is out of bounds for dimension 0 with size ${n}`);
    return this.tensors.map((t) => t.select(0, i));
  }

  /** ds.get(i) is ds[i] in PyTorch: an integer, a list of them, a slice string ("0:3"), an index tensor or a mask. */
  override get(index: number | readonly number[] | string | Slice | Tensor | readonly boolean[]): Tensor[] {
    return this.__getitem__(index as number);
  }

  __len__(): number {
    return this.tensors[0].shape[0];
  }
}

/** The positions Python's list[start:stop:step] takes from a list of length n (PySlice_AdjustIndices). */
function pySliceRange(n: number, sl: Slice): number[] {
  const step = sl.step ?? 1;
  if (step === 0) throw new ValueError("slice step cannot be zero");
  const clamp = (v: number | null, dflt: number, lo: number, hi: number) => (v === null ? dflt : v < 0 ? Math.max(v + n, lo) : Math.min(v, hi));
  const start = step > 0 ? clamp(sl.start, 0, 0, n) : clamp(sl.start, n - 1, -1, n - 1);
  const stop = step > 0 ? clamp(sl.stop, n, 0, n) : clamp(sl.stop, -1, -1, n - 1);
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** The samples of `dataset` at `indices` (a list of positions, or a 1-D integer tensor such as torch.arange(n), as torch takes). */
export class Subset<T, I extends number[] | Tensor = number[]> extends Dataset<T> {
  readonly dataset: DatasetLike<T>;
  /** As given, as torch keeps it: a list, or the tensor (Subset(ds, torch.arange(10))). */
  readonly indices: I;

  constructor(dataset: DatasetLike<T>, indices: I);
  /** Subset(ds, indices=[0, 2]) or Subset(dataset=ds, indices=[0, 2]). */
  constructor(dataset: DatasetLike<T>, options: { indices: I });
  constructor(options: { dataset: DatasetLike<T>; indices: I });
  constructor(...all: unknown[]) {
    super();
    const [dataset, indices, ...extra] = leadingArgs("Subset.__init__", ["dataset", "indices"], 2, all) as [DatasetLike<T>, I, ...unknown[]];
    checkNoMoreArgs("Subset.__init__", extra);
    this.dataset = dataset;
    this.indices = indices;
  }

  /** indices[i]: a tensor's entry is read as Python's dataset[indices[i]] reads a 0-d tensor (its value; out of range raises IndexError). */
  private indexAt(i: number): number {
    const ix: number[] | Tensor = this.indices;
    return ix instanceof Tensor ? Number(ix.index(i).item()) : ix[i < 0 ? i + ix.length : i];
  }

  /** dataset[idx] for a tensor of indices (a tensor-indexed Subset sliced): a tensor dataset's rows, or the dataset's __getitem__. */
  private itemsAt(idx: Tensor): T {
    const ds = this.dataset as unknown;
    if (ds instanceof Tensor) return ds.index(idx) as unknown as T;
    if (Array.isArray(ds)) throw new TypeError_("only integer tensors of a single element can be converted to an index");
    return (ds as { __getitem__: (i: Tensor) => T }).__getitem__(idx);
  }

  /**
   * The dataset's item at indices[index]; with a list of positions, the dataset indexed by the list of their indices
   * (PyTorch 1.13). As torch's dataset[indices[idx]], a slice ("0:2", Python's val_ds[0:2]) takes the dataset at the
   * sliced indices (a list sliced as Python slices it; a tensor of indices sliced as a tensor), and a 0-d integer
   * tensor is its value.
   */
  __getitem__(index: number): T;
  __getitem__(index: readonly number[]): T;
  __getitem__(index: string | Slice | Tensor): T;
  __getitem__(index: number | readonly number[] | string | Slice | Tensor): T {
    if (index instanceof Tensor) {
      if (this.indices instanceof Tensor) return this.itemsAt(this.indices.index(index));
      if (index.numel() !== 1 || index.dtype.is_floating_point) throw new TypeError_("only integer tensors of a single element can be converted to an index");
      index = Number(index.reshape([]).item());
    }
    if (typeof index === "string" || index instanceof Slice) {
      const sl = typeof index === "string" ? parseSliceString(index) : index;
      if (!(sl instanceof Slice)) throw new TypeError_(`list indices must be integers or slices, not ${String(sl)}`);
      if (this.indices instanceof Tensor) return this.itemsAt(this.indices.index(sl));
      return this.__getitem__(pySliceRange(this.__len__(), sl));
    }
    if (typeof index !== "number") {
      const picked = (index as number[]).map((i) => this.indexAt(i));
      const ds = this.dataset as unknown as { __getitem__?: (i: number[]) => T };
      if (typeof ds.__getitem__ !== "function") throw new TypeError_("list indices must be integers or slices, not list");
      return ds.__getitem__(picked);
    }
    return datasetItem(this.dataset, this.indexAt(index as number));
  }

  /** ds.get(i) is ds[i] in PyTorch: a position, a list of them, a slice string ("0:2") or a 0-d integer tensor. */
  override get(index: number | readonly number[] | string | Slice | Tensor): T {
    return this.__getitem__(index as number);
  }

  __len__(): number {
    // Python's len(indices): a 0-d tensor raises as len() does
    const ix: number[] | Tensor = this.indices;
    if (ix instanceof Tensor) {
      if (ix.dim() === 0) throw new TypeError_("len() of a 0-d tensor");
      return ix.shape[0];
    }
    return ix.length;
  }
}

/** random_split's keyword form: random_split(ds, lengths=[8, 2], generator=g). */
export interface RandomSplitOptions {
  lengths: readonly number[];
  generator?: Generator;
}

/**
 * Randomly splits a dataset into non-overlapping subsets of the given lengths (or fractions
 * summing to 1), with PyTorch's recipe: one randperm on the (seeded) generator.
 */
export function random_split<T>(
  dataset: DatasetLike<T>,
  lengths: readonly number[] | Tensor | RandomSplitOptions,
  opts?: { generator?: Generator } | Generator,
): Subset<T>[];
/** random_split(dataset=ds, lengths=[8, 2], generator=g): every argument by keyword. */
export function random_split<T>(options: RandomSplitOptions & { dataset: DatasetLike<T> }): Subset<T>[];
export function random_split<T>(...all: unknown[]): Subset<T>[] {
  const [dataset, lengths, given, ...extra] = leadingArgs("random_split", ["dataset"], 1, all) as [
    DatasetLike<T>, readonly number[] | RandomSplitOptions, { generator?: Generator } | Generator | undefined, ...unknown[],
  ];
  checkNoMoreArgs("random_split", extra);
  let opts = given;
  if (isOptions(lengths)) {
    // random_split(ds, lengths=[8, 2], generator=g)
    checkKeywords("random_split", lengths, ["lengths", "generator"]);
    if (opts !== undefined) throw new TypeError_("random_split() got multiple values for argument 'lengths'");
    const o = lengths as RandomSplitOptions;
    if (o.lengths === undefined) throw new TypeError_("random_split() missing 1 required positional argument: 'lengths'");
    return random_split(dataset, o.lengths, { generator: o.generator });
  }
  if (isOptions(opts) && "lengths" in opts) throw new TypeError_("random_split() got multiple values for argument 'lengths'");
  if (isOptions(opts)) checkKeywords("random_split", opts, ["generator"]);
  opts ??= {};
  // A 1-D tensor of lengths or fractions (the book Deep Learning with PyTorch Step-by-Step's index_splitter passes
  // splits_tensor / total): torch sums and scales its elements as tensors, so float32 fractions add up in float32.
  const asTensor = lengths instanceof Tensor ? lengths : null;
  const f32 = asTensor !== null && asTensor.dtype === float32;
  const lens = asTensor !== null ? (asTensor.reshape(-1).tolist() as number[]) : (lengths as readonly number[]);
  // PyTorch's third positional argument is the generator itself: random_split(ds, [8, 2], g).
  const generator = opts instanceof Generator ? opts : opts.generator;
  const n = datasetLength(dataset);
  let sizes = lens.slice();
  const total = asTensor !== null ? (asTensor.sum().item() as number) : sizes.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && total !== n) {
    // Fractions: floor each, then hand the remainder out round-robin (PyTorch 1.13).
    sizes = lens.map((f) => Math.floor(f32 ? Math.fround(n * f) : n * f));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i] += 1;
  }
  if (sizes.reduce((a, b) => a + b, 0) !== n) {
    throw new ValueError("Sum of input lengths does not equal the length of the input dataset!");
  }
  const perm = Array.from(randperm(n, { generator: generator ?? default_generator, dtype: int64 })._data);
  let offset = 0;
  return sizes.map((len) => {
    const s = new Subset(dataset, perm.slice(offset, offset + len));
    offset += len;
    return s;
  });
}
