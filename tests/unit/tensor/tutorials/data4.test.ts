/**
 * "Datasets & DataLoaders" and the torch.utils.data reference in depth: a custom map-style
 * Dataset with transform / target_transform (the tutorial's one-hot Lambda with scatter_),
 * next(iter(loader)), TensorDataset, ConcatDataset, Subset, random_split (lengths, fractions, a
 * generator), the samplers (Sequential, Random with a generator and with replacement,
 * SubsetRandom, WeightedRandom with and without replacement, Batch), DataLoader's shuffle /
 * sampler / drop_last / collate_fn, default_collate's dtypes on ints, floats, bools, strings,
 * tuples and dicts, and the reference's IterableDataset. Seeded orders equal torch 1.13's
 * (data4.json, scripts/fixtures/tutorial4_fixtures.py).
 *
 * num_workers > 0 runs PyTorch's worker protocol in this thread (lib/tensor/utils/data/workers.ts):
 * the reference's two IterableDatasets (split in __iter__ by get_worker_info(), or by a
 * worker_init_fn editing the worker's dataset copy) give torch's interleaved and duplicated orders,
 * and a random transform in __getitem__ draws each worker's torch stream (base_seed + worker_id).
 */
import { describe, expect, it } from "vitest";
import { torch, type Tensor } from "../../../../lib/tensor/index";
import {
  BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset, RandomSampler, SequentialSampler, Subset, SubsetRandomSampler,
  TensorDataset, WeightedRandomSampler, default_collate, get_worker_info, random_split,
} from "../../../../lib/tensor/utils/data";
import { expectClose } from "../core/fixtures";
import { tutorialFixture } from "./helpers";

type Described = { dtype: string; shape: number[]; data: (number | boolean)[] } | { dict: Record<string, Described> } | { list: Described[] } | { value: unknown };
const ref = tutorialFixture<{
  split_lengths: number[][]; split_fractions: number[][]; random: number[]; random_replacement: number[]; random_more: number[];
  subset_random: number[]; weighted: number[]; weighted_no_replacement: number[]; batch: number[][]; batch_drop: number[][];
  loader12_first: number[]; loader_generator: number[][]; loader_epochs: number[][][]; after_epochs_rand: number[]; loader_weighted: number[][];
  loader_drop_last: number[][]; concat: number[]; iterable_single: number[][]; iterable_batched: number[][]; iterable_drop_last: number[][];
  iterable_split_2: number[][]; iterable_split_12: number[][]; unsplit_0: number[][]; unsplit_2: number[][]; unsplit_init_2: number[][];
  unsplit_init_12: number[][]; unsplit_batched_3: number[][]; noisy_workers: { x: number[][]; worker: number[] }[]; noisy_epoch: number[][][];
  persistent_epochs: number[][][][]; after_persistent_rand: number[]; worker_seed_values: string[]; worker_initial_seed_mod: number[];
  dataset_add: { type: string; len: number; items: number[]; len_plus_again: number }; subset_list: number[]; tensor_dataset_error: [string, string];
  iterable_add: number[];
  collate: Record<"ints" | "floats" | "bools" | "strings" | "tuples" | "dicts", Described>; collate_ragged_error: string;
}>("data4.json");
const g = (seed: number) => new torch.Generator().manual_seed(seed);
const range = (a: number, b?: number) => (b === undefined ? Array.from({ length: a }, (_, i) => i) : Array.from({ length: b - a }, (_, i) => a + i));

/** What the fixture script's describe() records: dtype, shape and values of tensors, structure otherwise. */
function describeBatch(b: unknown): Described {
  if (b instanceof torch.Tensor) {
    const t = b as Tensor;
    const data = (t.reshape(-1).tolist() as (number | boolean)[]).map((v) => (t.dtype === torch.bool ? Boolean(v) : v));
    return { dtype: String(t.dtype).replace("torch.", ""), shape: [...t.shape], data };
  }
  if (Array.isArray(b)) return { list: b.map(describeBatch) };
  if (b !== null && typeof b === "object") return { dict: Object.fromEntries(Object.entries(b).map(([k, v]) => [k, describeBatch(v)])) };
  return { value: b };
}

describe("Datasets & DataLoaders", () => {
  it("a custom Dataset with transform and a one-hot target_transform, read with next(iter(loader))", () => {
    // FashionMNIST's stand-in: 12 seeded 1x28x28 images, labels 0-9
    class CustomImageDataset extends Dataset<[Tensor, Tensor]> {
      constructor(
        readonly img_labels: number[],
        readonly images: Tensor,
        readonly transform: ((x: Tensor) => Tensor) | null = null,
        readonly target_transform: ((y: number) => Tensor) | null = null,
      ) {
        super();
      }
      __len__(): number {
        return this.img_labels.length;
      }
      __getitem__(idx: number): [Tensor, Tensor] {
        let image = this.images.index(idx);
        const label = this.img_labels[idx];
        if (this.transform) image = this.transform(image);
        return [image, this.target_transform ? this.target_transform(label) : torch.tensor(label)];
      }
    }
    torch.manual_seed(0);
    const images = torch.randint(0, 256, [12, 1, 28, 28]); // uint8 in torch: the engine stores int64 (no uint8, by design)
    const labels = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
    // ToTensor's scaling, and the tutorial's Lambda: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)
    const training_data = new CustomImageDataset(labels, images, (x) => x.to(torch.float32).div(255), (y) =>
      torch.zeros(10, { dtype: torch.float }).scatter_(0, torch.tensor(y, { dtype: torch.long }), { value: 1 }),
    );
    const [x0, y0] = training_data.get(2);
    expect(y0.tolist()).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(x0.max().item()).toBeLessThanOrEqual(1);

    const train_dataloader = new DataLoader(training_data, { batch_size: 4, shuffle: true, generator: g(3) });
    const [train_features, train_labels] = train_dataloader[Symbol.iterator]().next().value as [Tensor, Tensor];
    expect(train_features.size()).toEqual([4, 1, 28, 28]);
    expect(train_labels.size()).toEqual([4, 10]);
    const img = train_features.index(0).squeeze();
    expect(img.shape).toEqual([28, 28]);
    // the first batch holds the samples torch's loader picks with this generator (its base seed, then the permutation)
    expect(train_labels.argmax(1).tolist()).toEqual(ref.loader12_first.map((i) => labels[i]));
    expect(train_dataloader.__len__()).toBe(3);
  });

  it("random_split, Subset and ConcatDataset", () => {
    expect(random_split(range(10), [3, 7], { generator: g(42) }).map((s) => s.indices)).toEqual(ref.split_lengths);
    expect(random_split(range(11), [0.3, 0.3, 0.4], g(42)).map((s) => s.indices)).toEqual(ref.split_fractions);
    const [a] = random_split(range(10), [3, 7], { generator: g(42) });
    expect(a).toBeInstanceOf(Subset);
    expect([a.get(0), a.get(1), a.get(2)]).toEqual(ref.split_lengths[0]);
    const cat = new ConcatDataset([new TensorDataset(torch.arange(3)), new TensorDataset(torch.arange(100, 105))]);
    expect(cat.__len__()).toBe(8);
    expect([0, 2, 3, 7, -1].map((i) => cat.get(i)[0].item())).toEqual(ref.concat);
    expect(() => cat.get(8)).toThrow(/index 8 is out of range/);
    // dataset + other (Dataset.__add__), a Subset read with a list of positions, TensorDataset's size check
    const added = new TensorDataset(torch.arange(3)).__add__(new TensorDataset(torch.arange(10, 14)));
    expect(added.constructor.name).toBe(ref.dataset_add.type);
    expect(added.__len__()).toBe(ref.dataset_add.len);
    expect(range(added.__len__()).map((i) => added.get(i)[0].item())).toEqual(ref.dataset_add.items);
    expect(added.__add__(new TensorDataset(torch.arange(3))).__len__()).toBe(ref.dataset_add.len_plus_again);
    const sub = new Subset(new TensorDataset(torch.arange(10), torch.arange(10).mul(2)), [5, 3, 8]);
    expect(sub.__getitem__([0, 2])[1].tolist()).toEqual(ref.subset_list);
    let err: unknown;
    try {
      new TensorDataset(torch.arange(3), torch.arange(4));
    } catch (e) {
      err = e;
    }
    expect([(err as { name: string }).name, (err as Error).message]).toEqual(ref.tensor_dataset_error);
  });

  it("samplers: Random (generator, replacement, num_samples), SubsetRandom, WeightedRandom, Batch", () => {
    expect([...new RandomSampler(range(10), { generator: g(0) })]).toEqual(ref.random);
    expect([...new RandomSampler(range(10), { replacement: true, num_samples: 40, generator: g(0) })]).toEqual(ref.random_replacement);
    expect([...new RandomSampler(range(4), { num_samples: 10, generator: g(0) })]).toEqual(ref.random_more);
    expect([...new SubsetRandomSampler([10, 11, 12, 13, 14, 15], { generator: g(1) })]).toEqual(ref.subset_random);
    const w = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6];
    expect([...new WeightedRandomSampler(w, 12, { replacement: true, generator: g(2) })]).toEqual(ref.weighted);
    expect([...new WeightedRandomSampler(w, 5, { replacement: false, generator: g(2) })]).toEqual(ref.weighted_no_replacement);
    expect([...new BatchSampler(new SequentialSampler(range(10)), { batch_size: 3, drop_last: false })]).toEqual(ref.batch);
    expect([...new BatchSampler(new SequentialSampler(range(10)), 3, true)]).toEqual(ref.batch_drop);
    expect(new BatchSampler(new SequentialSampler(range(10)), 3, true).__len__()).toBe(3);
  });

  it("DataLoader: shuffle with a generator, reshuffling per epoch after manual_seed, a sampler, drop_last", () => {
    const ds = new TensorDataset(torch.arange(10), torch.arange(10).mul(10));
    const ids = (loader: DataLoader<Tensor[], Tensor[]>) => [...loader].map(([xb]) => xb.tolist());
    expect(ids(new DataLoader(ds, { batch_size: 4, shuffle: true, generator: g(3) }))).toEqual(ref.loader_generator);
    torch.manual_seed(0);
    const loader = new DataLoader(ds, { batch_size: 4, shuffle: true });
    expect([ids(loader), ids(loader)]).toEqual(ref.loader_epochs);
    expect(torch.rand(2).tolist()).toEqual(ref.after_epochs_rand.map(Math.fround)); // the loader left the global generator where torch's does
    const weighted = new DataLoader(ds, { batch_size: 3, sampler: new WeightedRandomSampler(torch.arange(1, 11).to(torch.float32), 9, { generator: g(4) }) });
    expect(ids(weighted)).toEqual(ref.loader_weighted);
    expect(ids(new DataLoader(ds, { batch_size: 4, drop_last: true }))).toEqual(ref.loader_drop_last);
    const [[xb, yb]] = [...new DataLoader(ds, { batch_size: 3, collate_fn: (batch: Tensor[][]) => [torch.stack(batch.map((s) => s[0])), torch.stack(batch.map((s) => s[1]))] })];
    expect([xb.tolist(), yb.tolist()]).toEqual([[0, 1, 2], [0, 10, 20]]);
    expect(() => new DataLoader(ds, { batch_size: 4, shuffle: true, sampler: new SequentialSampler(range(10)) })).toThrow(/sampler option is mutually exclusive with shuffle/);
  });

  it("IterableDataset: the reference's worker-splitting example, batched and with drop_last", () => {
    class MyIterableDataset extends IterableDataset<number> {
      constructor(
        readonly start: number,
        readonly end: number,
      ) {
        super();
        if (!(end > start)) throw new Error("this example code only works with end >= start");
      }
      *__iter__(): Iterator<number> {
        const worker_info = get_worker_info();
        let iter_start: number, iter_end: number;
        if (worker_info === null) {
          // single-process data loading, return the full iterator
          iter_start = this.start;
          iter_end = this.end;
        } else {
          // in a worker process: split workload
          const per_worker = Math.ceil((this.end - this.start) / worker_info.num_workers);
          const worker_id = worker_info.id;
          iter_start = this.start + worker_id * per_worker;
          iter_end = Math.min(iter_start + per_worker, this.end);
        }
        for (let i = iter_start; i < iter_end; i++) yield i;
      }
    }
    const ds = new MyIterableDataset(3, 7);
    const rows = (loader: Iterable<unknown>) => [...loader].map((b) => (b as Tensor).tolist());
    expect(rows(new DataLoader(ds, { num_workers: 0 }))).toEqual(ref.iterable_single);
    expect(rows(new DataLoader(ds, { num_workers: 2 }))).toEqual(ref.iterable_split_2); // [3], [5], [4], [6]: the workers alternate
    expect(rows(new DataLoader(ds, { num_workers: 12 }))).toEqual(ref.iterable_split_12);
    expect(rows(new DataLoader(new MyIterableDataset(3, 10), { batch_size: 3 }))).toEqual(ref.iterable_batched);
    expect(rows(new DataLoader(new MyIterableDataset(3, 10), { batch_size: 3, drop_last: true }))).toEqual(ref.iterable_drop_last);
    expect(() => new DataLoader(ds, { shuffle: true })).toThrow(/expected unspecified shuffle option/);
    expect([...new MyIterableDataset(3, 5).__add__(new MyIterableDataset(7, 9))]).toEqual(ref.iterable_add); // a ChainDataset
  });

  it("num_workers > 0: the reference's worker_init_fn splitting, duplicates without it, per-worker random streams", () => {
    class UnsplitIterableDataset extends IterableDataset<number> {
      constructor(
        public start: number,
        public end: number,
      ) {
        super();
      }
      *__iter__(): Iterator<number> {
        for (let i = this.start; i < this.end; i++) yield i;
      }
    }
    function worker_init_fn(worker_id: number): void {
      const worker_info = get_worker_info()!;
      const dataset = worker_info.dataset as UnsplitIterableDataset; // the dataset copy in this worker process
      const overall_start = dataset.start;
      const overall_end = dataset.end;
      // configure the dataset to only process the split workload
      const per_worker = Math.ceil((overall_end - overall_start) / worker_info.num_workers);
      expect(worker_info.id).toBe(worker_id);
      dataset.start = overall_start + worker_id * per_worker;
      dataset.end = Math.min(dataset.start + per_worker, overall_end);
    }
    const ds = new UnsplitIterableDataset(3, 7);
    const rows = (loader: Iterable<unknown>) => [...loader].map((b) => (b as Tensor).tolist());
    expect(rows(new DataLoader(ds, { num_workers: 0 }))).toEqual(ref.unsplit_0);
    expect(rows(new DataLoader(ds, { num_workers: 2 }))).toEqual(ref.unsplit_2); // every worker yields the whole range
    expect(rows(new DataLoader(ds, { num_workers: 2, worker_init_fn }))).toEqual(ref.unsplit_init_2);
    expect(rows(new DataLoader(ds, { num_workers: 12, worker_init_fn }))).toEqual(ref.unsplit_init_12);
    expect([ds.start, ds.end]).toEqual([3, 7]); // the workers edited their copies only
    expect(rows(new DataLoader(new UnsplitIterableDataset(0, 5), { batch_size: 2, num_workers: 3 }))).toEqual(ref.unsplit_batched_3);

    class NoisyDataset extends Dataset<{ x: Tensor; worker: number }> {
      __len__(): number {
        return 6;
      }
      __getitem__(i: number) {
        const info = get_worker_info();
        return { x: torch.rand(2).add(i), worker: info === null ? -1 : info.id };
      }
    }
    type Noisy = { x: Tensor; worker: Tensor };
    const noisy = [...new DataLoader(new NoisyDataset(), { batch_size: 2, num_workers: 2, generator: g(5) })] as unknown as Noisy[];
    noisy.forEach((b, i) => {
      expect(b.worker.tolist()).toEqual(ref.noisy_workers[i].worker);
      expectClose(b.x, ref.noisy_workers[i].x, 1e-6, 1e-6, `batch ${i} of worker ${i % 2}`);
    });
    const drawsFirst = new DataLoader(new NoisyDataset(), { batch_size: 3, num_workers: 2, generator: g(6), worker_init_fn: (wid: number) => void torch.rand(wid + 1) });
    ([...drawsFirst] as unknown as Noisy[]).forEach((b, i) => expectClose(b.x, ref.noisy_epoch[i], 1e-6, 1e-6, `worker_init_fn drew first: batch ${i}`));
    torch.manual_seed(11);
    const persistent = new DataLoader(new NoisyDataset(), { batch_size: 3, num_workers: 2, persistent_workers: true });
    for (const [epoch, batches] of ref.persistent_epochs.entries()) {
      ([...persistent] as unknown as Noisy[]).forEach((b, i) => expectClose(b.x, batches[i], 1e-6, 1e-6, `persistent epoch ${epoch} batch ${i}`));
    }
    expect(torch.rand(1).tolist()).toEqual(ref.after_persistent_rand.map(Math.fround)); // one base seed drawn for both epochs
    class SeedDataset extends Dataset<string> {
      __len__ = () => 2;
      __getitem__ = () => String(get_worker_info()!.seed);
    }
    expect([...new DataLoader(new SeedDataset(), { batch_size: null, num_workers: 2, generator: g(6) })]).toEqual(ref.worker_seed_values);
    // the Reproducibility note's seed_worker: torch.initial_seed() % 2**32 inside each worker
    class InitialSeedDataset extends Dataset<number> {
      __len__ = () => 2;
      __getitem__ = () => torch.initial_seed() % 2 ** 32;
    }
    expect([...new DataLoader(new InitialSeedDataset(), { batch_size: null, num_workers: 2, generator: g(6) })]).toEqual(ref.worker_initial_seed_mod);
    expect(get_worker_info()).toBeNull(); // outside the workers
    expect(() => new DataLoader(ds, { persistent_workers: true })).toThrow("persistent_workers option needs num_workers > 0");
    expect(() => new DataLoader(ds, { prefetch_factor: 4 })).toThrow(/prefetch_factor option could only be specified in multiprocessing/);
  });

  it("default_collate: ints -> int64, floats -> float64, bools -> bool, strings kept, tuples and dicts per field", () => {
    const c = ref.collate;
    expect(describeBatch(default_collate([1, 2, 3]))).toEqual(c.ints);
    expect(describeBatch(default_collate([0.5, 1.5]))).toEqual(c.floats);
    expect(describeBatch(default_collate([true, false]))).toEqual(c.bools);
    expect(describeBatch(default_collate(["a", "b"]))).toEqual(c.strings);
    expect(describeBatch(default_collate([[torch.tensor([1, 2]), 0], [torch.tensor([3, 4]), 1]]))).toEqual(c.tuples);
    const dicts = [
      { x: torch.tensor([1, 2], { dtype: torch.int64 }), y: 0.25, name: "p" },
      { x: torch.tensor([3, 4], { dtype: torch.int64 }), y: 0.75, name: "q" },
    ];
    expect(describeBatch(default_collate(dicts))).toEqual(c.dicts);
    expect(() => default_collate([[1, 2], [3]])).toThrow(ref.collate_ragged_error);
  });
});
