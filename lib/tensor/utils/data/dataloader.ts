/**
 * DataLoader: batches a dataset, optionally reshuffling every epoch.
 *
 *   const loader = new DataLoader(new TensorDataset(X, y), { batch_size: 64, shuffle: true });
 *   for (const [xb, yb] of loader) { ... }          // loader.length batches per epoch
 *
 * Indices come from PyTorch 1.13's samplers (sampler.ts): SequentialSampler, or RandomSampler
 * when shuffle=true, wrapped in a BatchSampler; or the caller's sampler= / batch_sampler=.
 * Each epoch first draws the iterator's 64-bit base seed from the generator (even without
 * shuffling), as PyTorch's _BaseDataLoaderIter does, then the sampler draws what it draws. So
 * after torch.manual_seed(s) the batches repeat exactly, match PyTorch's own order, and leave
 * the global generator where PyTorch leaves it. An IterableDataset is read in its own order.
 *
 * Loading is always single-process: num_workers is accepted (and checked) so PyTorch code runs,
 * but no worker is started, so get_worker_info() is null.
 *
 * TensorDataset batches are gathered with one index_select per tensor instead of stacking
 * single samples, which keeps an epoch over MNIST cheap.
 */
import { parseArgs, type PyArgs } from "../../args";
import { bool, float64, int64 } from "../../dtype";
import { RuntimeError, TypeError_, ValueError } from "../../errors";
import { stack } from "../../ops/join";
import { from_array, tensor as makeTensor } from "../../ops/creation";
import { default_generator, Generator } from "../../random";
import { Tensor } from "../../tensor";
import { IterableDataset } from "./combined";
import { datasetItem, TensorDataset, type DatasetLike } from "./dataset";
import { BatchSampler, drawSeedLowWord, RandomSampler, SequentialSampler, sizedLength } from "./sampler";

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
  /** Indices to read, in order (a Sampler or any iterable of indices); excludes shuffle. */
  sampler?: Iterable<number> | null;
  /** Index batches to read (a BatchSampler or any iterable of index arrays); excludes batch_size, shuffle, sampler, drop_last. */
  batch_sampler?: Iterable<readonly number[]> | null;
  /** Accepted (must be >= 0) so PyTorch snippets run; batches are always loaded in this thread. */
  num_workers?: number;
  /** Accepted so PyTorch snippets run (must be >= 0); loading never waits on a worker. */
  timeout?: number;
  /** Accepted so PyTorch snippets run; never called, since there are no worker processes. */
  worker_init_fn?: ((worker_id: number) => void) | null;
  /** Accepted so PyTorch snippets run; there is no device memory to pin. */
  pin_memory?: boolean;
}

/**
 * What DataLoader applies to each sample when batching is off (batch_size=null): PyTorch turns
 * NumPy arrays into tensors and keeps everything else; here typed arrays (the NumPy of this
 * world) become 1-D tensors, arrays and plain objects are converted per element.
 */
export function default_convert(data: unknown): unknown {
  if (data instanceof Tensor) return data;
  if (data instanceof Float64Array) return from_array(data, [data.length], { dtype: float64 });
  if (ArrayBuffer.isView(data) && !(data instanceof DataView) && !(data instanceof BigInt64Array) && !(data instanceof BigUint64Array)) {
    const a = data as unknown as ArrayLike<number>;
    const integral = !(data instanceof Float32Array);
    return from_array(Float32Array.from(a), [a.length], { dtype: integral ? int64 : undefined });
  }
  if (Array.isArray(data)) return data.map(default_convert);
  if (data !== null && typeof data === "object" && Object.getPrototypeOf(data) === Object.prototype) {
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, default_convert(v)]));
  }
  return data;
}

/** Information about the current DataLoader worker process: always null, as loading happens in the main thread. */
export function get_worker_info(): null {
  return null;
}

/**
 * Merges samples into a batch, as torch 1.13's default_collate: tensors are stacked; numbers
 * become one tensor (int64 when all are integers, as Python ints; float64 when the first is a
 * fraction, as Python floats; else torch.tensor's default dtype, as torch.tensor([1, 2.5]));
 * booleans a bool tensor; strings stay a list; arrays (of equal length) and objects are collated
 * per position or key.
 */
export function default_collate(samples: unknown[]): unknown {
  const first = samples[0];
  if (first instanceof Tensor) return stack(samples as Tensor[], 0);
  if (typeof first === "number") {
    const values = samples as number[];
    const dtype = !Number.isInteger(first) ? float64 : values.every((v) => Number.isInteger(v)) ? int64 : undefined;
    return makeTensor(values, { dtype });
  }
  if (typeof first === "boolean") {
    return (samples as unknown[]).every((v) => typeof v === "boolean") ? makeTensor(samples as boolean[], { dtype: bool }) : makeTensor((samples as (boolean | number)[]).map(Number), { dtype: int64 });
  }
  if (typeof first === "string") return samples;
  if (Array.isArray(first)) {
    if (!samples.every((s) => Array.isArray(s) && s.length === first.length)) throw new RuntimeError("each element in list of batch should be of equal size");
    return first.map((_, j) => default_collate(samples.map((s) => (s as unknown[])[j])));
  }
  if (first && typeof first === "object") {
    return Object.fromEntries(Object.keys(first).map((k) => [k, default_collate(samples.map((s) => (s as Record<string, unknown>)[k]))]));
  }
  const found = first === null || first === undefined ? "NoneType" : typeof first;
  throw new TypeError_(`default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ${found}`);
}

export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B> {
  readonly dataset: DatasetLike<T>;
  /** null when batching is off (batch_size=null, or a batch_sampler given). */
  readonly batch_size: number | null;
  readonly shuffle: boolean;
  readonly drop_last: boolean;
  readonly generator: Generator | undefined;
  readonly num_workers: number;
  /** The index sampler (null for an IterableDataset, which PyTorch reads with an infinite dummy sampler). */
  readonly sampler: Iterable<number> | null;
  /** The batch sampler (null when batching is off or the dataset is iterable). */
  readonly batch_sampler: Iterable<readonly number[]> | null;
  /** Declared method-style so a DataLoader of specific samples is still a `DataLoader` (as a parameter type). */
  readonly collate_fn: { collate(samples: T[]): B }["collate"] | undefined;
  private readonly iterable: boolean;

  /**
   * new DataLoader(dataset, { batch_size: 1, shuffle: false, drop_last: false }), or
   * (dataset, batch_size, shuffle), or (dataset, batch_size, { shuffle, drop_last, sampler, ... }).
   */
  constructor(dataset: DatasetLike<T>, ...args: PyArgs<[batch_size?: number | null, shuffle?: boolean], DataLoaderOptions<T, B>>) {
    const o = parseArgs<DataLoaderOptions<T, B>>(
      "DataLoader",
      ["batch_size", "shuffle", "sampler", "batch_sampler", "num_workers", "collate_fn", "pin_memory", "drop_last", "timeout", "worker_init_fn", "generator"],
      args,
    );
    this.iterable = dataset instanceof IterableDataset;
    if (!dataset || (!this.iterable && typeof (dataset as { __len__?: unknown }).__len__ !== "function" && !Array.isArray(dataset))) {
      throw new TypeError_("DataLoader: dataset must be a Dataset (with __len__ and __getitem__), an IterableDataset or an array of samples");
    }
    const num_workers = o.num_workers ?? 0;
    if (num_workers < 0) throw new ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
    if ((o.timeout ?? 0) < 0) throw new ValueError("timeout option should be non-negative");
    let batch_size = o.batch_size === undefined ? 1 : o.batch_size;
    if (batch_size !== null && !(Number.isInteger(batch_size) && batch_size > 0)) {
      throw new ValueError(`batch_size should be a positive integer value, but got batch_size=${batch_size}`);
    }
    const shuffle = o.shuffle ?? false;
    let drop_last = o.drop_last ?? false;
    let sampler = o.sampler ?? null;
    let batch_sampler = o.batch_sampler ?? null;
    // PyTorch's checks, in its order: iterable-style datasets first, then the sampler options.
    if (this.iterable) {
      if (shuffle) throw new ValueError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${shuffle}`);
      if (sampler !== null) throw new ValueError(`DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=${describe(sampler)}`);
      if (batch_sampler !== null) throw new ValueError(`DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=${describe(batch_sampler)}`);
    }
    if (sampler !== null && shuffle) throw new ValueError("sampler option is mutually exclusive with shuffle");
    if (batch_sampler !== null) {
      if (batch_size !== 1 || shuffle || sampler !== null || drop_last) {
        throw new ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
      }
      batch_size = null;
      drop_last = false;
    } else if (batch_size === null && drop_last) {
      throw new ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last");
    }
    if (sampler === null && !this.iterable) {
      sampler = shuffle ? new RandomSampler(dataset as DatasetLike<unknown> & ({ __len__(): number } | readonly unknown[]), { generator: o.generator ?? null }) : new SequentialSampler(dataset as readonly unknown[]);
    }
    if (batch_size !== null && batch_sampler === null && sampler !== null) batch_sampler = new BatchSampler(sampler, batch_size, drop_last);
    this.dataset = dataset;
    this.batch_size = batch_size;
    this.shuffle = shuffle;
    this.drop_last = drop_last;
    this.generator = o.generator;
    this.num_workers = num_workers;
    this.sampler = sampler;
    this.batch_sampler = batch_sampler;
    this.collate_fn = o.collate_fn;
  }

  /** Number of batches per epoch. */
  get length(): number {
    return this.__len__();
  }

  __len__(): number {
    if (this.iterable) {
      const n = sizedLength(this.dataset);
      if (this.batch_size === null) return n;
      return this.drop_last ? Math.floor(n / this.batch_size) : Math.ceil(n / this.batch_size);
    }
    return sizedLength(this.batch_sampler ?? this.sampler);
  }

  private collate(samples: T[]): B {
    return (this.collate_fn ? this.collate_fn(samples) : default_collate(samples)) as B;
  }

  /** Starts an epoch: draws the base seed now, as PyTorch's iter(loader) does, then reads lazily. */
  [Symbol.iterator](): Iterator<B> {
    drawSeedLowWord(this.generator ?? default_generator); // _BaseDataLoaderIter's _base_seed (seeds worker processes in PyTorch)
    return this.iterable ? this.iterateStream() : this.iterateIndexed();
  }

  private *iterateIndexed(): Generator_<B> {
    if (this.batch_sampler === null) {
      // No auto-batching: one sample at a time through collate_fn (default_convert by default).
      for (const i of this.sampler as Iterable<number>) {
        const item = datasetItem(this.dataset, Number(i));
        yield (this.collate_fn ? (this.collate_fn as unknown as (s: T) => B)(item) : default_convert(item)) as B;
      }
      return;
    }
    const fast = this.dataset instanceof TensorDataset && !this.collate_fn;
    for (const batchIdx of this.batch_sampler) {
      if (fast) {
        const index = from_array(Float32Array.from(batchIdx), [batchIdx.length], { dtype: int64 });
        yield (this.dataset as TensorDataset).tensors.map((t) => t.index_select(0, index)) as unknown as B;
      } else {
        yield this.collate(Array.from(batchIdx, (i) => datasetItem(this.dataset, Number(i))));
      }
    }
  }

  private *iterateStream(): Generator_<B> {
    const stream = (this.dataset as IterableDataset<T>)[Symbol.iterator]();
    const bs = this.batch_size;
    if (bs === null) {
      for (let r = stream.next(); !r.done; r = stream.next()) {
        yield (this.collate_fn ? (this.collate_fn as unknown as (s: T) => B)(r.value) : default_convert(r.value)) as B;
      }
      return;
    }
    for (;;) {
      const samples: T[] = [];
      let ended = false;
      while (samples.length < bs) {
        const r = stream.next();
        if (r.done) {
          ended = true;
          break;
        }
        samples.push(r.value);
      }
      if (samples.length === 0 || (this.drop_last && samples.length < bs)) return;
      yield this.collate(samples);
      if (ended) return;
    }
  }
}

type Generator_<T> = globalThis.Generator<T, void, undefined>;

/** How PyTorch's messages print an object: its class name. */
function describe(x: unknown): string {
  return `<${(x as object).constructor?.name ?? typeof x} object>`;
}
