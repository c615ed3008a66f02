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
 * num_workers > 0 runs PyTorch's worker protocol in this thread (workers.ts): per-worker dataset
 * copies and generator states, worker_init_fn, get_worker_info(), round-robin batches; so seeded
 * random transforms and IterableDataset sharding give PyTorch's results. No process is started.
 *
 * TensorDataset batches are gathered with one index_select per tensor instead of stacking
 * single samples, which keeps an epoch over MNIST cheap.
 */
import { isOptions, parseArgs, type PyArgs } from "../../args";
import { bool, float64, int64 } from "../../dtype";
import { RuntimeError, TorchError, TypeError_, ValueError } from "../../errors";
import { stack } from "../../ops/join";
import { from_array, tensor as makeTensor } from "../../ops/creation";
import { default_generator, Generator } from "../../random";
import { Tensor } from "../../tensor";
import { IterableDataset } from "./combined";
import { datasetItem, TensorDataset, type DatasetLike } from "./dataset";
import { BatchSampler, RandomSampler, SequentialSampler, sizedLength } from "./sampler";
import { drawBaseSeed, startWorkers, type VirtualWorker } from "./workers";

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
  /** Emulated workers (workers.ts): > 0 gives PyTorch's per-worker seeds, dataset copies and batch order. */
  num_workers?: number;
  /** Accepted so PyTorch snippets run (must be >= 0); loading never waits on a worker. */
  timeout?: number;
  /** Called once per (emulated) worker as it starts, with that worker's generator and get_worker_info(). */
  worker_init_fn?: ((worker_id: number) => void) | null;
  /** Accepted so PyTorch snippets run; there is no device memory to pin. */
  pin_memory?: boolean;
  /** Accepted so PyTorch snippets run; there is no process to choose a start method for. */
  multiprocessing_context?: unknown;
  /** Keyword-only in PyTorch; needs num_workers > 0. Batches are made on demand, so nothing is prefetched. */
  prefetch_factor?: number;
  /** Keyword-only in PyTorch; needs num_workers > 0. The workers (their generators, dataset copies) live across epochs. */
  persistent_workers?: boolean;
  /** Accepted so PyTorch snippets run; there is no device memory to pin. */
  pin_memory_device?: string;
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

/** A map-style dataset that does not subclass Dataset (Python needs only __len__ / __getitem__; fast.ai's miniai Dataset): read as one. */
type MapStyle<T> = { __len__(): number; __getitem__(i: number): T };

export class DataLoader<T = unknown, B = Collated<T>> implements Iterable<B> {
  /** A Dataset, an array of samples, an IterableDataset, or a tensor (its rows are the samples, as torch's DataLoader(t)). */
  readonly dataset: DatasetLike<T>;
  /** null when batching is off (batch_size=null, or a batch_sampler given). */
  readonly batch_size: number | null;
  readonly shuffle: boolean;
  readonly drop_last: boolean;
  readonly generator: Generator | undefined;
  readonly num_workers: number;
  readonly worker_init_fn: ((worker_id: number) => void) | null;
  readonly persistent_workers: boolean;
  /** The emulated workers kept across epochs when persistent_workers is set. */
  private workers: VirtualWorker<DatasetLike<T>>[] | null = null;
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
  constructor(dataset: DatasetLike<T> | MapStyle<T> | Tensor, ...args: PyArgs<[batch_size?: number | null, shuffle?: boolean], DataLoaderOptions<T, B>>);
  /** DataLoader(dataset=train_set, batch_size=64, shuffle=True): the dataset by keyword too. */
  constructor(options: DataLoaderOptions<T, B> & { dataset: DatasetLike<T> | MapStyle<T> | Tensor });
  constructor(first: DatasetLike<T> | MapStyle<T> | Tensor | (DataLoaderOptions<T, B> & { dataset?: DatasetLike<T> | MapStyle<T> | Tensor }), ...rest: unknown[]) {
    let dataset = first as DatasetLike<T> | Tensor;
    let args = rest as PyArgs<[batch_size?: number | null, shuffle?: boolean], DataLoaderOptions<T, B>>;
    if (isOptions(first) && rest.length === 0) {
      const { dataset: byKeyword, ...options } = first as DataLoaderOptions<T, B> & { dataset?: DatasetLike<T> | Tensor };
      if (byKeyword === undefined) throw new TypeError_("DataLoader.__init__() missing 1 required positional argument: 'dataset'");
      dataset = byKeyword;
      args = [options as DataLoaderOptions<T, B>];
    } else if (rest.length > 0 && isOptions(rest[rest.length - 1]) && "dataset" in (rest[rest.length - 1] as object)) {
      throw new TypeError_("DataLoader.__init__() got multiple values for argument 'dataset'");
    }
    const positional = ["batch_size", "shuffle", "sampler", "batch_sampler", "num_workers", "collate_fn", "pin_memory", "drop_last", "timeout", "worker_init_fn", "multiprocessing_context", "generator"] as const;
    const o = parseArgs<DataLoaderOptions<T, B>>("DataLoader", [...positional, "prefetch_factor", "persistent_workers", "pin_memory_device"], args);
    if (args.filter((a) => !isOptions(a)).length > positional.length) {
      throw new TypeError_(`DataLoader.__init__() takes from 2 to ${positional.length + 1} positional arguments but ${args.length + 1} were given`);
    }
    this.iterable = dataset instanceof IterableDataset;
    if (!dataset || (!this.iterable && typeof (dataset as { __len__?: unknown }).__len__ !== "function" && !Array.isArray(dataset) && !(dataset instanceof Tensor))) {
      throw new TypeError_("DataLoader: dataset must be a Dataset (with __len__ and __getitem__), an IterableDataset or an array of samples");
    }
    const num_workers = o.num_workers ?? 0;
    if (num_workers < 0) throw new ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
    if ((o.timeout ?? 0) < 0) throw new ValueError("timeout option should be non-negative");
    if (num_workers === 0 && o.prefetch_factor !== undefined && o.prefetch_factor !== 2) {
      throw new ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.");
    }
    if (o.prefetch_factor !== undefined && !(o.prefetch_factor > 0)) throw new TorchError("", "AssertionError");
    if (o.persistent_workers && num_workers === 0) throw new ValueError("persistent_workers option needs num_workers > 0");
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
    this.dataset = dataset as DatasetLike<T>;
    this.batch_size = batch_size;
    this.shuffle = shuffle;
    this.drop_last = drop_last;
    this.generator = o.generator;
    this.num_workers = num_workers;
    this.worker_init_fn = o.worker_init_fn ?? null;
    this.persistent_workers = o.persistent_workers ?? false;
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

  /**
   * Starts an epoch: draws the base seed now, as PyTorch's iter(loader) does, then reads lazily.
   * With workers, the base seed seeds them (a persistent loader draws it for its first epoch only).
   */
  [Symbol.iterator](): Iterator<B> {
    let workers: VirtualWorker<DatasetLike<T>>[] | null = null;
    if (this.num_workers > 0 && this.persistent_workers && this.workers) {
      workers = this.workers;
    } else {
      const base = drawBaseSeed(this.generator ?? default_generator); // _BaseDataLoaderIter's _base_seed
      if (this.num_workers > 0) workers = startWorkers(this.dataset, this.num_workers, base, this.worker_init_fn);
      if (this.persistent_workers) this.workers = workers;
    }
    return this.iterable ? this.iterateStream(workers) : this.iterateIndexed(workers);
  }

  /** One task of the map-style fetcher: a batch of indices (or one index without auto-batching). */
  private fetchIndexed(dataset: DatasetLike<T>, task: number | readonly number[]): B {
    if (typeof task === "number") {
      const item = datasetItem(dataset, task);
      return (this.collate_fn ? (this.collate_fn as unknown as (s: T) => B)(item) : default_convert(item)) as B;
    }
    if (dataset instanceof TensorDataset && !this.collate_fn) {
      // Rows gathered with one index_select per tensor instead of stacking single samples.
      const index = from_array(Float32Array.from(task), [task.length], { dtype: int64 });
      return dataset.tensors.map((t) => t.index_select(0, index)) as unknown as B;
    }
    return this.collate(Array.from(task, (i) => datasetItem(dataset, Number(i))));
  }

  private *iterateIndexed(workers: VirtualWorker<DatasetLike<T>>[] | null): Generator_<B> {
    const tasks: Iterable<number | readonly number[]> = this.batch_sampler ?? (this.sampler as Iterable<number>);
    let t = 0;
    for (const task of tasks) {
      const one = typeof task === "number" || typeof task === "bigint" ? Number(task) : task;
      if (workers === null) {
        yield this.fetchIndexed(this.dataset, one);
      } else {
        // PyTorch hands task t to worker t % num_workers (all stay alive on a map-style dataset).
        const w = workers[t % workers.length];
        yield w.run(() => this.fetchIndexed(w.dataset, one));
      }
      t++;
    }
  }

  /** One task of the iterable fetcher: the next batch (or sample), or null when this stream is done. */
  private fetchStream(stream: Iterator<T>, state: { ended: boolean }): { value: B } | null {
    if (state.ended) return null;
    const bs = this.batch_size;
    if (bs === null) {
      const r = stream.next();
      if (r.done) {
        state.ended = true;
        return null;
      }
      return { value: (this.collate_fn ? (this.collate_fn as unknown as (s: T) => B)(r.value) : default_convert(r.value)) as B };
    }
    const samples: T[] = [];
    while (samples.length < bs) {
      const r = stream.next();
      if (r.done) {
        state.ended = true;
        break;
      }
      samples.push(r.value);
    }
    if (samples.length === 0 || (this.drop_last && samples.length < bs)) return null;
    return { value: this.collate(samples) };
  }

  private *iterateStream(workers: VirtualWorker<DatasetLike<T>>[] | null): Generator_<B> {
    if (workers === null) {
      const stream = (this.dataset as IterableDataset<T>)[Symbol.iterator]();
      const state = { ended: false };
      for (let r = this.fetchStream(stream, state); r !== null; r = this.fetchStream(stream, state)) yield r.value;
      return;
    }
    // Each worker iterates its own copy; batches alternate over the workers still running.
    const streams = workers.map((w) => w.run(() => (w.dataset as IterableDataset<T>)[Symbol.iterator]()));
    const states = workers.map(() => ({ ended: false }));
    const alive = workers.map(() => true);
    for (let w = 0; alive.some(Boolean); w = (w + 1) % workers.length) {
      if (!alive[w]) continue;
      const r = workers[w].run(() => this.fetchStream(streams[w], states[w]));
      if (r === null) alive[w] = false;
      else yield r.value;
    }
  }
}

type Generator_<T> = globalThis.Generator<T, void, undefined>;

/** How PyTorch's messages print an object: its class name. */
function describe(x: unknown): string {
  return `<${(x as object).constructor?.name ?? typeof x} object>`;
}
