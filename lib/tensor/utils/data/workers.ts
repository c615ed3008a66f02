/**
 * DataLoader workers, emulated in this thread (the engine starts no processes or Web Workers).
 * With num_workers > 0 PyTorch 1.13 gives every worker process a copy of the dataset, seeds its
 * torch generator with base_seed + worker_id, runs worker_init_fn(worker_id) there, and hands
 * out batches round-robin, returning them in order. That is reproduced step by step:
 *
 * - Each worker is a VirtualWorker with its own shallow copy of the dataset (PyTorch pickles it,
 *   so a worker_init_fn that edits `get_worker_info().dataset` changes that worker's copy only;
 *   nested objects are shared here, tensors are shared in PyTorch too; a class keeping state in
 *   JavaScript #private fields cannot be copied this way: use num_workers: 0) and its own generator
 *   state, swapped into the global generator while it works, so random transforms in a worker
 *   draw torch's numbers and the main stream is untouched.
 * - get_worker_info() is that worker's WorkerInfo (id, num_workers, seed, dataset) while it works
 *   (in worker_init_fn, __getitem__, __iter__ and collate_fn), null elsewhere.
 * - Map-style datasets: batch t is fetched by worker t % num_workers; the order is the sampler's.
 *   Iterable-style: each worker iterates its own copy; batches alternate between the workers
 *   still running, a worker leaving when its iterator ends (PyTorch's in-order output), so the
 *   reference's un-split IterableDataset gives every sample num_workers times, as in PyTorch.
 *
 * Work runs when the batch is asked for, not ahead of time; timeout and prefetch_factor are
 * accepted and have nothing to bound.
 */
import { default_generator, Generator } from "../../random";
import { TypeError_ } from "../../errors";
import { pyTypeName } from "../../py_type_name";

/**
 * What get_worker_info() returns inside a worker: id, num_workers, seed (PyTorch's 64-bit
 * base_seed + id, a bigint as Python's int) and dataset (this worker's copy). As PyTorch's
 * WorkerInfo(**kwargs), the fields are the constructor's keywords and cannot change afterwards.
 */
export class WorkerInfo {
  declare readonly id: number;
  declare readonly num_workers: number;
  declare readonly seed: bigint;
  declare readonly dataset: unknown;

  constructor(fields: { id: number; num_workers: number; seed: bigint; dataset: unknown; [key: string]: unknown }) {
    Object.assign(this, fields);
    Object.freeze(this);
  }
}

let current: WorkerInfo | null = null;

/** The current DataLoader worker's information, or null outside the workers (PyTorch's main process). */
export function get_worker_info(): WorkerInfo | null {
  return current;
}

/**
 * _BaseDataLoaderIter's base seed, `torch.empty((), dtype=torch.int64).random_(generator)`: two
 * 32-bit draws (high word first) reduced modulo 2**63. The low word alone seeds an mt19937.
 */
export function drawBaseSeed(gen: Generator): { full: bigint; low: number } {
  // DataLoader(..., generator=7): torch 1.13 fails here, in random_(generator=...), when the iterator starts
  if (!(gen instanceof Generator)) {
    throw new TypeError_(
      `random_() received an invalid combination of arguments - got (generator=${pyTypeName(gen)}, ), but expected one of:\n` +
        " * (*, torch.Generator generator)\n * (int from, int to, *, torch.Generator generator)\n * (int to, *, torch.Generator generator)\n",
    );
  }
  const high = gen.random();
  const low = gen.random();
  return { full: (BigInt(high & 0x7fffffff) << 32n) | BigInt(low), low };
}

/** A copy of the dataset for one worker: same class, own top-level fields (arrays are shared). */
function workerCopy<D>(dataset: D): D {
  if (dataset === null || typeof dataset !== "object" || Array.isArray(dataset)) return dataset;
  return Object.assign(Object.create(Object.getPrototypeOf(dataset) as object) as object, dataset) as D;
}

export class VirtualWorker<D> {
  readonly info: WorkerInfo;
  private rng: ReturnType<Generator["get_state"]>;

  constructor(id: number, num_workers: number, base: { full: bigint; low: number }, dataset: D, init_fn: ((worker_id: number) => void) | null | undefined) {
    this.info = new WorkerInfo({ id, num_workers, seed: base.full + BigInt(id), dataset: workerCopy(dataset) });
    // torch.manual_seed(base_seed + id): mt19937 takes the low 32 bits, (low + id) mod 2**32.
    this.rng = new Generator((base.low + id) >>> 0).get_state();
    if (init_fn) this.run(() => init_fn(id));
  }

  get dataset(): D {
    return this.info.dataset as D;
  }

  /** Runs fn as this worker: its generator state and its WorkerInfo, both restored afterwards. */
  run<R>(fn: () => R): R {
    const mainState = default_generator.get_state();
    const outer = current;
    default_generator.set_state(this.rng);
    current = this.info;
    try {
      return fn();
    } finally {
      this.rng = default_generator.get_state();
      default_generator.set_state(mainState);
      current = outer;
    }
  }
}

/** num_workers workers for one pass (or, with persistent_workers, for every pass). */
export function startWorkers<D>(dataset: D, num_workers: number, base: { full: bigint; low: number }, init_fn: ((worker_id: number) => void) | null | undefined): VirtualWorker<D>[] {
  return Array.from({ length: num_workers }, (_, id) => new VirtualWorker(id, num_workers, base, dataset, init_fn));
}
