/**
 * DataLoader: batches a dataset, optionally reshuffling every epoch.
 *
 *   const loader = new DataLoader(new TensorDataset(X, y), { batch_size: 64, shuffle: true });
 *   for (const [xb, yb] of loader) { ... }          // loader.length batches per epoch
 *
 * Shuffling follows PyTorch 1.13's DataLoader and RandomSampler exactly: each epoch first
 * draws the iterator's 64-bit base seed from the generator (even without shuffling), then the
 * sampler draws another 64-bit seed, seeds a fresh mt19937 with it and takes randperm(n) (with
 * an explicit `generator`, randperm runs on it directly). So after torch.manual_seed(s) the
 * batches repeat exactly, match PyTorch's own order, and leave the global generator where
 * PyTorch leaves it.
 *
 * TensorDataset batches are gathered with one index_select per tensor instead of stacking
 * single samples, which keeps an epoch over MNIST cheap.
 */
import { parseArgs, type PyArgs } from "../../args";
import { int64 } from "../../dtype";
import { TypeError_, ValueError } from "../../errors";
import { stack } from "../../ops/join";
import { from_array, randperm } from "../../ops/creation";
import { default_generator, Generator } from "../../random";
import { Tensor } from "../../tensor";
import { datasetItem, datasetLength, TensorDataset, type DatasetLike } from "./dataset";

/** The batch type default_collate makes from samples of type T (tensors and numbers become tensors). */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends readonly unknown[]
      ? { [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : T;

export interface DataLoaderOptions<T = unknown, B = Collated<T>> {
  batch_size?: number | null;
  shuffle?: boolean;
  drop_last?: boolean;
  generator?: Generator;
  collate_fn?: (samples: T[]) => B;
  /** Accepted so PyTorch snippets run; batches are always loaded in this thread. */
  num_workers?: number;
  /** Accepted so PyTorch snippets run; there is no device memory to pin. */
  pin_memory?: boolean;
}

/** Merges samples into a batch: tensors are stacked, arrays and objects collated per field. */
export function default_collate(samples: unknown[]): unknown {
  const first = samples[0];
  if (first instanceof Tensor) return stack(samples as Tensor[], 0);
  if (typeof first === "number") return from_array(Float32Array.from(samples as number[]), [samples.length], { dtype: Number.isInteger(first) ? int64 : undefined });
  if (typeof first === "boolean") return from_array(Float32Array.from(samples as boolean[], (b) => (b ? 1 : 0)), [samples.length]);
  if (Array.isArray(first)) return first.map((_, j) => default_collate(samples.map((s) => (s as unknown[])[j])));
  if (first && typeof first === "object") {
    return Object.fromEntries(Object.keys(first).map((k) => [k, default_collate(samples.map((s) => (s as Record<string, unknown>)[k]))]));
  }
  return samples;
}

/**
 * An int64 `random_()` draw: two 32-bit outputs, high word first. Only the low word matters
 * to us: a generator seeded with it is seeded from its low 32 bits, like PyTorch's mt19937.
 */
function drawSeedLowWord(gen: Generator): number {
  gen.random();
  return gen.random();
}

export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B> {
  readonly dataset: DatasetLike<T>;
  readonly batch_size: number | null;
  readonly shuffle: boolean;
  readonly drop_last: boolean;
  readonly generator: Generator | undefined;
  /** Declared method-style so a DataLoader of specific samples is still a `DataLoader` (as a parameter type). */
  readonly collate_fn: { collate(samples: T[]): B }["collate"] | undefined;

  /**
   * new DataLoader(dataset, { batch_size: 1, shuffle: false, drop_last: false }), or
   * (dataset, batch_size, shuffle), or (dataset, batch_size, { shuffle, drop_last }).
   */
  constructor(dataset: DatasetLike<T>, ...args: PyArgs<[batch_size?: number | null, shuffle?: boolean], DataLoaderOptions<T, B>>) {
    const o = parseArgs<DataLoaderOptions<T, B>>("DataLoader", ["batch_size", "shuffle", "drop_last", "generator", "collate_fn", "num_workers", "pin_memory"], args);
    if (!dataset || (typeof (dataset as { __len__?: unknown }).__len__ !== "function" && !Array.isArray(dataset))) {
      throw new TypeError_("DataLoader: dataset must be a Dataset (with __len__ and __getitem__) or an array of samples");
    }
    this.dataset = dataset;
    this.batch_size = o.batch_size === undefined ? 1 : o.batch_size;
    if (this.batch_size !== null && !(Number.isInteger(this.batch_size) && this.batch_size > 0)) {
      throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${this.batch_size}`);
    }
    this.shuffle = o.shuffle ?? false;
    this.drop_last = o.drop_last ?? false;
    this.generator = o.generator;
    this.collate_fn = o.collate_fn;
  }

  /** Number of batches per epoch. */
  get length(): number {
    return this.__len__();
  }

  __len__(): number {
    const n = datasetLength(this.dataset);
    if (this.batch_size === null) return n;
    return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
  }

  /** The sample order of one epoch (draws from the generator when shuffling). */
  private order(): Int32Array {
    const n = datasetLength(this.dataset);
    const base = this.generator ?? default_generator;
    drawSeedLowWord(base); // _BaseDataLoaderIter's _base_seed (used by worker processes in PyTorch)
    if (!this.shuffle) return Int32Array.from({ length: n }, (_, i) => i);
    const gen = this.generator ?? new Generator(drawSeedLowWord(base));
    return Int32Array.from(randperm(n, { generator: gen })._data);
  }

  *[Symbol.iterator](): Iterator<B> {
    const idx = this.order();
    const n = idx.length;
    const bs = this.batch_size;
    if (bs === null) {
      for (let i = 0; i < n; i++) yield datasetItem(this.dataset, idx[i]) as unknown as B;
      return;
    }
    const fast = this.dataset instanceof TensorDataset && !this.collate_fn;
    for (let start = 0; start < n; start += bs) {
      const end = Math.min(start + bs, n);
      if (end - start < bs && this.drop_last) return;
      const batchIdx = idx.subarray(start, end);
      if (fast) {
        const index = from_array(Float32Array.from(batchIdx), [batchIdx.length], { dtype: int64 });
        yield (this.dataset as TensorDataset).tensors.map((t) => t.index_select(0, index)) as unknown as B;
      } else {
        const samples = Array.from(batchIdx, (i) => datasetItem(this.dataset, i));
        yield (this.collate_fn ? this.collate_fn(samples) : default_collate(samples)) as B;
      }
    }
  }
}
