/**
 * Iterable-style datasets and dataset combinators (PyTorch 1.13, torch/utils/data/dataset.py):
 * IterableDataset (samples come from iteration, not indexing), ChainDataset (iterable datasets
 * one after another) and ConcatDataset (map-style datasets indexed end to end).
 */
import { checkNoMoreArgs } from "../../args";
import { IndexError, NotImplementedError, TorchError, TypeError_, ValueError } from "../../errors";
import { leadingArgs } from "../../leading_args";
import { Dataset, datasetItem, datasetLength, registerConcat, type DatasetLike } from "./dataset";

/** Python's AssertionError, which PyTorch's dataset checks raise. */
const assertionError = (message: string) => new TorchError(message, "AssertionError");

/**
 * A stream of samples. Subclass it with `*[Symbol.iterator]()` (or `__iter__()`, Python's
 * spelling); `__len__` is optional and only DataLoader's length needs it.
 */
export abstract class IterableDataset<T = unknown> extends Dataset<T> {
  __iter__(): Iterator<T> {
    throw new NotImplementedError(`${this.constructor.name} must define __iter__ or [Symbol.iterator]`);
  }

  [Symbol.iterator](): Iterator<T> {
    return this.__iter__();
  }

  __getitem__(index: number): T {
    throw new NotImplementedError(`${this.constructor.name} is an IterableDataset: iterate over it instead of indexing it (index ${index})`);
  }

  /** `a + b` in PyTorch: the two streams one after the other. */
  override __add__(other: Dataset<T>): Dataset<T> {
    return new ChainDataset([this, other as IterableDataset<T>]);
  }

  __len__(): number {
    throw new TypeError_(`object of type '${this.constructor.name}' has no len()`);
  }
}

/** Python's bisect_right on an ascending array. */
function bisectRight(a: readonly number[], x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < a[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Map-style datasets end to end: index i of the whole is index i - offset of the dataset it falls in. */
export class ConcatDataset<T = unknown> extends Dataset<T> {
  readonly datasets: DatasetLike<T>[];
  readonly cumulative_sizes: number[];

  constructor(datasets: Iterable<DatasetLike<T>>);
  /** ConcatDataset(datasets=[a, b]). */
  constructor(options: { datasets: Iterable<DatasetLike<T>> });
  constructor(...all: unknown[]) {
    super();
    const [datasets, ...extra] = leadingArgs("ConcatDataset.__init__", ["datasets"], 1, all) as [Iterable<DatasetLike<T>>, ...unknown[]];
    checkNoMoreArgs("ConcatDataset.__init__", extra);
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw assertionError("datasets should not be an empty iterable");
    let total = 0;
    this.cumulative_sizes = this.datasets.map((d) => {
      if (d instanceof IterableDataset) throw assertionError("ConcatDataset does not support IterableDataset");
      total += datasetLength(d);
      return total;
    });
  }

  __len__(): number {
    return this.cumulative_sizes[this.cumulative_sizes.length - 1];
  }

  __getitem__(index: number): T {
    const n = this.__len__();
    let idx = index;
    if (idx < 0) {
      if (-idx > n) throw new ValueError("absolute value of index should not exceed dataset length");
      idx += n;
    }
    if (idx >= n) throw new IndexError(`index ${index} is out of range`);
    const d = bisectRight(this.cumulative_sizes, idx);
    const offset = d === 0 ? 0 : this.cumulative_sizes[d - 1];
    return datasetItem(this.datasets[d], idx - offset);
  }
}

/** Iterable datasets one after another (lazily, as PyTorch's itertools chain). */
export class ChainDataset<T = unknown> extends IterableDataset<T> {
  readonly datasets: IterableDataset<T>[];

  constructor(datasets: Iterable<IterableDataset<T>>);
  /** ChainDataset(datasets=[a, b]). */
  constructor(options: { datasets: Iterable<IterableDataset<T>> });
  constructor(...all: unknown[]) {
    super();
    const [datasets, ...extra] = leadingArgs("ChainDataset.__init__", ["datasets"], 1, all) as [Iterable<IterableDataset<T>>, ...unknown[]];
    checkNoMoreArgs("ChainDataset.__init__", extra);
    this.datasets = [...datasets];
  }

  *__iter__(): Iterator<T> {
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw assertionError("ChainDataset only supports IterableDataset");
      yield* d;
    }
  }

  __len__(): number {
    let total = 0;
    for (const d of this.datasets) {
      if (!(d instanceof IterableDataset)) throw assertionError("ChainDataset only supports IterableDataset");
      total += d.__len__();
    }
    return total;
  }
}

// Dataset.__add__ builds a ConcatDataset; dataset.ts cannot import this module (it imports dataset.ts).
registerConcat((datasets) => new ConcatDataset(datasets));
