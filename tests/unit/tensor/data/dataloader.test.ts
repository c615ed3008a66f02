/** DataLoader and datasets: PyTorch's shuffle order, drop_last, determinism, toy datasets. */
import { describe, expect, it } from "vitest";
import { torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { fixture } from "../nn/helpers";

const { DataLoader, TensorDataset, Dataset, random_split } = utils.data;

interface LoaderCase {
  seed: number;
  n: number;
  batch_size: number;
  drop_last: boolean;
  epochs: number[][][];
  len: number;
  rand_after: number[];
}
const fx = fixture<{ loaders: LoaderCase[]; random_split: { seed: number; lengths: number[]; subsets: number[][] } }>("data/dataloader.json");

describe("DataLoader", () => {
  for (const c of fx.loaders) {
    it(`shuffles exactly as PyTorch after manual_seed(${c.seed}) (n=${c.n}, batch ${c.batch_size}, drop_last=${c.drop_last})`, () => {
      torch.manual_seed(c.seed);
      const ds = new TensorDataset(torch.arange(c.n), torch.arange(c.n).mul(10));
      const loader = new DataLoader(ds, { batch_size: c.batch_size, shuffle: true, drop_last: c.drop_last });
      expect(loader.length).toBe(c.len);
      const epochs = [0, 1].map(() => [...loader].map(([xb, yb]) => {
        expect(yb.tolist()).toEqual((xb.tolist() as number[]).map((v) => v * 10));
        return xb.tolist();
      }));
      expect(epochs).toEqual(c.epochs);
      // and the global generator is left exactly where PyTorch leaves it
      expect(torch.rand(3).tolist()).toEqual(c.rand_after.map((v) => Math.fround(v)));
    });
  }

  it("the same seed repeats the batches; batches cover every sample once", () => {
    const ds = new TensorDataset(torch.arange(37));
    const run = () => {
      torch.manual_seed(123);
      return [...new DataLoader(ds, { batch_size: 8, shuffle: true })].map(([b]) => b.tolist() as number[]);
    };
    const a = run();
    expect(run()).toEqual(a);
    expect(a.flat().sort((x, y) => x - y)).toEqual([...Array(37).keys()]);
    expect(a.map((b) => b.length)).toEqual([8, 8, 8, 8, 5]);
  });

  it("drop_last drops the short batch; without shuffle the order is the dataset's", () => {
    const ds = new TensorDataset(torch.arange(10), torch.arange(10));
    const loader = new DataLoader(ds, { batch_size: 4, drop_last: true });
    expect(loader.length).toBe(2);
    expect([...loader].map(([x]) => x.tolist())).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(ds, 4).length).toBe(3);
    expect(new DataLoader(ds).length).toBe(10);
  });

  it("an explicit generator drives the shuffle without touching the global one", () => {
    const ds = new TensorDataset(torch.arange(20));
    const order = (seed: number) => [...new DataLoader(ds, { batch_size: 20, shuffle: true, generator: new torch.Generator(seed) })][0][0].tolist();
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
  });

  it("collates samples of a custom Dataset (tensors stacked, numbers to tensors)", () => {
    class Squares extends Dataset<[Tensor, number]> {
      __len__(): number {
        return 5;
      }
      __getitem__(i: number): [Tensor, number] {
        return [torch.tensor([i, i * i]), i % 2];
      }
    }
    const batches = [...new DataLoader(new Squares(), { batch_size: 2 })];
    expect(batches).toHaveLength(3);
    const [x, y] = batches[1];
    expect(x.tolist()).toEqual([[2, 4], [3, 9]]);
    expect(y.dtype).toBe(torch.long);
    expect(y.tolist()).toEqual([0, 1]);
    expect(new Squares().length).toBe(5);
    expect(new Squares().get(3)[1]).toBe(1);
  });

  it("random_split matches PyTorch's split for a seed, and accepts fractions", () => {
    const s = fx.random_split;
    torch.manual_seed(s.seed);
    const parts = random_split([...Array(10).keys()], s.lengths);
    expect(parts.map((p) => p.indices)).toEqual(s.subsets);
    const [a, b] = random_split(new TensorDataset(torch.arange(10)), [0.8, 0.2]);
    expect([a.length, b.length]).toEqual([8, 2]);
    expect(() => random_split([1, 2, 3], [1, 1])).toThrow(/does not equal the length/);
  });

  it("TensorDataset checks sizes and indexes rows", () => {
    expect(() => new TensorDataset(torch.zeros(3, 2), torch.zeros(4))).toThrow("Size mismatch between tensors");
    const ds = new TensorDataset(torch.arange(6).reshape(3, 2), torch.tensor([7, 8, 9]));
    expect(ds.get(1).map((t) => t.tolist())).toEqual([[2, 3], 8]);
    expect(ds.length).toBe(3);
  });
});

describe("toy datasets", () => {
  const { make_moons, make_circles, make_spirals, make_blobs } = utils.data;

  it("make_moons: shapes, dtypes, balanced classes, noise-free points on the two arcs", () => {
    const { X, y } = make_moons(101, { random_state: 0 });
    expect(X.shape).toEqual([101, 2]);
    expect(X.dtype).toBe(torch.float32);
    expect(y.dtype).toBe(torch.long);
    expect(y.sum().item()).toBe(51);
    const xs = X.tolist() as number[][];
    (y.tolist() as number[]).forEach((c, i) => {
      const [a, b] = xs[i];
      const r = c === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
      expect(r).toBeCloseTo(1, 5);
    });
  });

  it("make_circles: inner circle has radius factor", () => {
    const { X, y } = make_circles(60, { factor: 0.5, shuffle: false });
    const r = X.pow(2).sum(1).sqrt().tolist() as number[];
    (y.tolist() as number[]).forEach((c, i) => expect(r[i]).toBeCloseTo(c === 0 ? 1 : 0.5, 5));
  });

  it("weights make classes imbalanced", () => {
    expect(make_moons(1000, { weights: [0.9, 0.1] }).y.sum().item()).toBe(100);
    expect(make_circles(200, { weights: [0.25, 0.75] }).y.sum().item()).toBe(150);
    const { y } = make_spirals(300, { n_classes: 3, weights: [1, 1, 2] });
    expect([0, 1, 2].map((c) => y.eq(c).sum().item())).toEqual([75, 75, 150]);
    const blobs = make_blobs(100, { centers: 2, weights: [0.3, 0.7] });
    expect(blobs.y.sum().item()).toBe(70);
  });

  it("the global seed repeats a dataset; random_state leaves the global stream alone", () => {
    torch.manual_seed(7);
    const a = make_moons(50, { noise: 0.2 });
    torch.manual_seed(7);
    const b = make_moons(50, { noise: 0.2 });
    expect(a.X.equal(b.X) && a.y.equal(b.y)).toBe(true);
    torch.manual_seed(7);
    make_blobs(50, { random_state: 3 });
    const after = torch.rand(1).item();
    torch.manual_seed(7);
    expect(torch.rand(1).item()).toBe(after);
    expect(make_blobs(50, { random_state: 3 }).X.equal(make_blobs(50, { random_state: 3 }).X)).toBe(true);
  });

  it("make_blobs: points cluster around given centers with cluster_std", () => {
    const { X, y } = make_blobs(2000, { centers: [[0, 0], [10, 10]], cluster_std: 0.5, random_state: 1 });
    for (const c of [0, 1]) {
      const pts = X.index(y.eq(c));
      expect(pts.mean(0).sub(c * 10).abs().max().item()).toBeLessThan(0.1);
      expect(pts.std(0).sub(0.5).abs().max().item()).toBeLessThan(0.05);
    }
  });

  it("make_spirals: arms of radius up to 1", () => {
    const { X, y } = make_spirals(200, { noise: 0 });
    expect(X.pow(2).sum(1).sqrt().max().item()).toBeCloseTo(1, 5);
    expect(y.max().item()).toBe(1);
  });
});
