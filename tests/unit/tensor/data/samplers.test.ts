/**
 * torch.utils.data samplers, ConcatDataset / IterableDataset / ChainDataset and the DataLoader's
 * sampler= / batch_sampler= / iterable paths: orders and generator use vs torch 1.13
 * (scripts/fixtures/samplers_fixtures.py), PyTorch's call forms and errors.
 */
import { describe, expect, it } from "vitest";
import { torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { fixture } from "../nn/helpers";

const {
  BatchSampler,
  ChainDataset,
  ConcatDataset,
  DataLoader,
  IterableDataset,
  RandomSampler,
  SequentialSampler,
  SubsetRandomSampler,
  TensorDataset,
  WeightedRandomSampler,
  default_convert,
  get_worker_info,
} = utils.data;

interface Seeded<T> {
  seed: number;
  passes: T[][];
  len: number;
  rand_after: number[];
}
interface LoaderRun {
  seed: number;
  epochs: unknown[][];
  len: number;
  rand_after: number[];
}
const fx = fixture<{
  samplers: Record<string, Seeded<number> & { drop_false?: number[][] }> & {
    batch: { drop_false: number[][]; drop_true: number[][]; len_false: number; len_true: number };
    batch_random: Seeded<number[]>;
  };
  loaders: Record<string, LoaderRun>;
  concat: { cumulative_sizes: number[]; len: number; items: number[]; negative: number[] };
}>("data/samplers.json");

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const randAfter = (c: { rand_after: number[] }) => expect(torch.rand(3).tolist()).toEqual(c.rand_after.map((v) => Math.fround(v)));

/** Two passes of a sampler made after manual_seed(seed), compared with PyTorch's, then the global generator's state. */
function checkSeeded<T>(name: string, make: () => Iterable<T> & { __len__(): number }) {
  it(`${name}: PyTorch's order after manual_seed, and the generator left where PyTorch leaves it`, () => {
    const c = fx.samplers[name] as unknown as Seeded<T>;
    torch.manual_seed(c.seed);
    const s = make();
    expect([[...s], [...s]]).toEqual(c.passes);
    expect(s.__len__()).toBe(c.len);
    randAfter(c);
  });
}

class Count extends IterableDataset<number> {
  constructor(readonly n: number) {
    super();
  }
  *[Symbol.iterator]() {
    for (let i = 0; i < this.n; i++) yield i;
  }
  __len__() {
    return this.n;
  }
}

/** Python's spelling: __iter__ instead of [Symbol.iterator], and no __len__. */
class Letters extends IterableDataset<string> {
  *__iter__() {
    yield* "abcde";
  }
}

describe("samplers", () => {
  checkSeeded("random", () => new RandomSampler(range(10)));
  checkSeeded("random_replacement", () => new RandomSampler(range(7), { replacement: true, num_samples: 70 }));
  checkSeeded("random_num_samples", () => new RandomSampler(range(10), false, 25));
  checkSeeded("random_generator", () => new RandomSampler(range(12), { generator: new torch.Generator().manual_seed(5) }));
  checkSeeded("random_replacement_generator", () => new RandomSampler(range(5), true, 40, new torch.Generator().manual_seed(9)));
  checkSeeded("subset_random", () => new SubsetRandomSampler([3, 9, 4, 1, 20, 7]));
  checkSeeded("subset_random_generator", () => new SubsetRandomSampler([3, 9, 4, 1, 20, 7], { generator: new torch.Generator().manual_seed(2) }));
  const w = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6];
  checkSeeded("weighted", () => new WeightedRandomSampler(w, 20));
  checkSeeded("weighted_no_replacement", () => new WeightedRandomSampler(torch.tensor(w), 5, { replacement: false }));
  checkSeeded("weighted_generator", () => new WeightedRandomSampler(w, 9, true, new torch.Generator().manual_seed(11)));
  checkSeeded("batch_random", () => new BatchSampler(new RandomSampler(range(11)), 4, false));

  it("SequentialSampler and BatchSampler: PyTorch's batches and lengths", () => {
    const b = fx.samplers.batch;
    expect([...new BatchSampler(new SequentialSampler(range(10)), 3, false)]).toEqual(b.drop_false);
    expect([...new BatchSampler(new SequentialSampler(range(10)), { batch_size: 3, drop_last: true })]).toEqual(b.drop_true);
    expect(new BatchSampler(range(10), 3, false).__len__()).toBe(b.len_false);
    expect(new BatchSampler(range(10), 3, { drop_last: true }).length).toBe(b.len_true);
    expect([...new SequentialSampler(new TensorDataset(torch.zeros(4)))]).toEqual([0, 1, 2, 3]);
  });

  it("bad arguments are PyTorch's errors", () => {
    expect(() => new RandomSampler(range(3), { num_samples: 0 })).toThrow("num_samples should be a positive integer value, but got num_samples=0");
    expect(() => new RandomSampler([])).toThrow("num_samples should be a positive integer value, but got num_samples=0");
    expect(() => new RandomSampler(range(3), 1 as unknown as boolean)).toThrow(/^replacement should be a boolean value, but got replacement=1$/);
    expect(() => new RandomSampler(range(3), { replacment: true } as never)).toThrow("got an unexpected keyword argument 'replacment'");
    expect(() => new WeightedRandomSampler([1, 2], 0)).toThrow("num_samples should be a positive integer value, but got num_samples=0");
    expect(() => new WeightedRandomSampler([[1, 2]] as never, 2)).toThrow(/weights should be a 1d sequence but given weights have shape \(1, 2\)/);
    expect(() => new WeightedRandomSampler([1, 2], 3, false)[Symbol.iterator]().next()).toThrow(/cannot sample n_sample > prob_dist/);
    expect(() => new BatchSampler(range(4), 0, false)).toThrow("batch_size should be a positive integer value, but got batch_size=0");
    expect(() => new BatchSampler(range(4), 2, 1 as unknown as boolean)).toThrow("drop_last should be a boolean value, but got drop_last=1");
    expect(() => new BatchSampler(range(4), 2)).toThrow("missing 1 required positional argument: 'drop_last'");
    expect(() => new BatchSampler([1, 2][Symbol.iterator](), 2, false).__len__()).toThrow("has no len()");
  });
});

describe("datasets", () => {
  it("ConcatDataset indexes end to end as PyTorch (cumulative_sizes, negative indices)", () => {
    const c = fx.concat;
    const cd = new ConcatDataset([range(3), range(5).map((i) => i + 10), [20, 21]]);
    expect(cd.cumulative_sizes).toEqual(c.cumulative_sizes);
    expect(cd.length).toBe(c.len);
    expect(range(cd.length).map((i) => cd.get(i))).toEqual(c.items);
    expect([cd.get(-1), cd.get(-10)]).toEqual(c.negative);
    expect(() => cd.get(-11)).toThrow("absolute value of index should not exceed dataset length");
    expect(() => new ConcatDataset([])).toThrow("datasets should not be an empty iterable");
    expect(() => new ConcatDataset([new Count(2)] as never)).toThrow("ConcatDataset does not support IterableDataset");
    const tds = new ConcatDataset([new TensorDataset(torch.arange(2)), new TensorDataset(torch.arange(3).add(5))]);
    expect([...tds].map(([x]) => (x as Tensor).item())).toEqual([0, 1, 5, 6, 7]);
  });

  it("IterableDataset and ChainDataset iterate lazily; len needs __len__", () => {
    expect([...new ChainDataset([new Count(2), new Count(3)])]).toEqual([0, 1, 0, 1, 2]);
    expect(new ChainDataset([new Count(2), new Count(3)]).__len__()).toBe(5);
    expect([...new Letters()]).toEqual(["a", "b", "c", "d", "e"]);
    expect(() => new Letters().__len__()).toThrow("object of type 'Letters' has no len()");
    expect(() => [...new ChainDataset([range(2)] as never)]).toThrow("ChainDataset only supports IterableDataset");
  });
});

describe("DataLoader with samplers and iterable datasets", () => {
  const ds = new TensorDataset(torch.arange(10));
  const runs: Record<string, () => Iterable<unknown> & { length: number }> = {
    sampler_weighted: () => new DataLoader(ds, { batch_size: 4, sampler: new WeightedRandomSampler([1, 1, 1, 1, 1, 3, 3, 3, 3, 3], 10) }),
    batch_sampler: () => new DataLoader(ds, { batch_sampler: new BatchSampler(new RandomSampler(ds), 3, false) }),
    shuffle_generator: () => new DataLoader(ds, { batch_size: 4, shuffle: true, generator: new torch.Generator().manual_seed(8) }),
    no_batch_shuffle: () => new DataLoader(range(6), { batch_size: null, shuffle: true }),
    iterable: () => new DataLoader(new Count(10), { batch_size: 4 }),
    iterable_drop_last: () => new DataLoader(new Count(10), 4, { drop_last: true }),
    chain: () => new DataLoader(new ChainDataset([new Count(3), new Count(4)]), { batch_size: 3 }),
  };
  for (const [name, make] of Object.entries(runs)) {
    it(`${name}: PyTorch's batches for two epochs, its length and the generator state after`, () => {
      const c = fx.loaders[name];
      torch.manual_seed(c.seed);
      const dl = make();
      const epochs = [0, 1].map(() => [...dl].map((b) => (Array.isArray(b) ? (b[0] as Tensor).tolist() : b instanceof torch.Tensor ? b.tolist() : b)));
      expect(epochs).toEqual(c.epochs);
      expect(dl.length).toBe(c.len);
      randAfter(c);
    });
  }

  it("shuffle=true builds a RandomSampler on the loader's generator, else a SequentialSampler", () => {
    const g = new torch.Generator().manual_seed(1);
    const dl = new DataLoader(ds, { batch_size: 2, shuffle: true, generator: g });
    expect(dl.sampler).toBeInstanceOf(RandomSampler);
    expect((dl.sampler as InstanceType<typeof RandomSampler>).generator).toBe(g);
    expect(dl.batch_sampler).toBeInstanceOf(BatchSampler);
    expect(new DataLoader(ds).sampler).toBeInstanceOf(SequentialSampler);
    expect(new DataLoader(ds, { batch_sampler: [[0, 1]] }).batch_size).toBeNull();
  });

  it("collate_fn, default_convert without batching, num_workers accepted, get_worker_info null", () => {
    const dl = new DataLoader(range(5), { batch_size: 2, collate_fn: (s: number[]) => s.reduce((a, b) => a + b, 0), num_workers: 2 });
    expect([...dl]).toEqual([1, 5, 4]);
    expect(dl.num_workers).toBe(2);
    const plain = [...new DataLoader([{ a: Float32Array.of(1, 2), b: 3 }], { batch_size: null })] as unknown as { a: Tensor; b: number }[];
    expect(plain[0].a).toBeInstanceOf(torch.Tensor);
    expect(plain[0].a.tolist()).toEqual([1, 2]);
    expect(plain[0].b).toBe(3);
    expect((default_convert(Int32Array.of(4, 5)) as Tensor).dtype).toBe(torch.int64);
    expect(default_convert("text")).toBe("text");
    expect(get_worker_info()).toBeNull();
  });

  it("PyTorch's option errors", () => {
    const s = new SequentialSampler(ds);
    expect(() => new DataLoader(ds, { sampler: s, shuffle: true })).toThrow("sampler option is mutually exclusive with shuffle");
    for (const bad of [{ batch_size: 2 }, { shuffle: true }, { sampler: s }, { drop_last: true }]) {
      expect(() => new DataLoader(ds, { batch_sampler: new BatchSampler(s, 2, false), ...bad })).toThrow(
        "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last",
      );
    }
    expect(() => new DataLoader(ds, { batch_size: null, drop_last: true })).toThrow("batch_size=None option disables auto-batching and is mutually exclusive with drop_last");
    expect(() => new DataLoader(new Count(3), { shuffle: true })).toThrow("DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true");
    expect(() => new DataLoader(new Count(3), { sampler: s })).toThrow("DataLoader with IterableDataset: expected unspecified sampler option");
    expect(() => new DataLoader(new Count(3), { batch_sampler: [[0]] })).toThrow("DataLoader with IterableDataset: expected unspecified batch_sampler option");
    expect(() => new DataLoader(ds, { num_workers: -1 })).toThrow("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
    expect(() => new DataLoader(new Letters(), 2).length).toThrow("object of type 'Letters' has no len()");
    expect([...new DataLoader(new Letters(), 2, { collate_fn: (x: string[]) => x.join("") })]).toEqual(["ab", "cd", "e"]);
  });
});
