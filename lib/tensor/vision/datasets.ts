/**
 * torchvision.datasets.MNIST and FashionMNIST, as torchvision 0.14 has them, with what the engine can
 * honestly offer:
 *
 *   const train = await datasets.MNIST("data", { train: true, download: true, transform });
 *   train.length / train.__len__()  -> 60000; train.get(i) -> [image, label] (image: an Image, mode "L",
 *   28x28, unless a transform changes it); train.targets (int64 [N]); train.data ([N, 28, 28]);
 *   train.classes ("0 - zero", ...); train.class_to_idx
 *
 * Differences from torchvision, each for a reason:
 * - loading is asynchronous (`await`): the bytes come through utils.data.read_dataset_file, which the
 *   host serves (the cell worker fetches public/data, Node tests read the files); nothing is downloaded
 *   from the internet, so `download` is accepted and has no effect, and `root` is only remembered;
 * - samples are Images (./image.ts), the engine's stand-in for PIL images, which ToTensor and
 *   PILToTensor read;
 * - `data` is uint8 as torchvision's; it is built on first use (60,000 images are 47 MB as bytes, 188 MB as the engine stores them).
 * The digits are the official MNIST (60,000 training, 10,000 test, in their order), built by
 * scripts/build-mnist.mjs. FashionMNIST's data is not shipped with Gradbook: it raises a clear error.
 */
import { torchCore as torch } from "../torch";
import { Dataset } from "../utils/data/dataset";
import { read_dataset_file } from "../utils/data/source";
import { FULL_PART, FULL_TEST_FILE, FULL_TRAIN, fullTrainFile, parseMnistSplit, type MnistSplit } from "../utils/data/mnist";
import type { Tensor } from "../tensor";
import { parseArgs, type PyArgs } from "../args";
import { IndexError, RuntimeError, TypeError_ } from "../errors";
import { Image } from "./image";

const TRAIN_FILES = Array.from({ length: FULL_TRAIN / FULL_PART }, (_, k) => fullTrainFile(k));

type Transform = (x: never) => unknown;

export interface VisionDatasetOptions {
  train?: boolean;
  transform?: Transform | null;
  target_transform?: Transform | null;
  download?: boolean;
}

const OPTION_NAMES = ["train", "transform", "target_transform", "download"] as const;

type Split = Pick<MnistSplit, "rows" | "cols" | "images" | "labels">;

/** What torchvision's MNIST-style datasets share: images of rows x cols bytes and their labels. */
export class MNISTDataset extends Dataset<[unknown, unknown]> {
  static readonly __name__: string = "MNIST";
  readonly root: string;
  readonly train: boolean;
  transform: Transform | null;
  target_transform: Transform | null;
  readonly classes: string[];
  readonly rows: number;
  readonly cols: number;
  private readonly pixels: Uint8Array;
  private readonly labels: Uint8Array;
  private dataTensor: Tensor | null = null;
  private targetsTensor: Tensor | null = null;

  constructor(root: string, train: boolean, transform: Transform | null, target_transform: Transform | null, classes: string[], split: Split) {
    super();
    this.root = root;
    this.train = train;
    this.transform = transform;
    this.target_transform = target_transform;
    this.classes = classes;
    this.rows = split.rows;
    this.cols = split.cols;
    this.pixels = split.images;
    this.labels = split.labels;
  }

  get class_to_idx(): Record<string, number> {
    return Object.fromEntries(this.classes.map((c, i) => [c, i]));
  }

  /** [N, rows, cols] uint8 pixels, as torchvision's. */
  get data(): Tensor {
    if (this.dataTensor === null) {
      const shape = [this.labels.length, this.rows, this.cols];
      // The engine stores every non-float64 dtype in a Float32Array (0..255 exactly), so one copy of the bytes.
      this.dataTensor = torch.from_array(Float32Array.from(this.pixels), shape, { dtype: torch.uint8 });
    }
    return this.dataTensor;
  }

  /** [N] int64 labels. */
  get targets(): Tensor {
    if (this.targetsTensor === null) this.targetsTensor = torch.from_array(Float32Array.from(this.labels), [this.labels.length], { dtype: torch.int64 });
    return this.targetsTensor;
  }

  __len__(): number {
    return this.labels.length;
  }

  /** [image, target]: the Image (mode "L") and the int label, through transform / target_transform. */
  __getitem__(index: number): [unknown, unknown] {
    const n = this.labels.length;
    if (!Number.isInteger(index)) throw new TypeError_(`${this._name()} indices must be integers, not ${typeof index}`);
    const i = index < 0 ? index + n : index;
    if (i < 0 || i >= n) throw new IndexError(`index ${index} is out of bounds for dimension 0 with size ${n}`);
    const size = this.rows * this.cols;
    let img: unknown = new Image("L", [this.cols, this.rows], this.pixels.slice(i * size, (i + 1) * size));
    let target: unknown = this.labels[i];
    if (this.transform) img = (this.transform as (x: unknown) => unknown)(img);
    if (this.target_transform) target = (this.target_transform as (x: unknown) => unknown)(target);
    return [img, target];
  }

  private _name(): string {
    return (this.constructor as typeof MNISTDataset).__name__;
  }

  /** torchvision's VisionDataset.__repr__. */
  toString(): string {
    const lines = [`Dataset ${this._name()}`, `    Number of datapoints: ${this.__len__()}`, `    Root location: ${this.root}`, `    Split: ${this.train ? "Train" : "Test"}`];
    if (this.transform || this.target_transform) {
      lines.push("    StandardTransform");
      if (this.transform) lines.push(`Transform: ${String(this.transform).split("\n").join("\n           ")}`);
      if (this.target_transform) lines.push(`Target transform: ${String(this.target_transform)}`);
    }
    return lines.join("\n");
  }
}

function parseDatasetArgs(cls: string, root: unknown, args: unknown[]): { root: string; train: boolean; transform: Transform | null; target_transform: Transform | null } {
  if (typeof root !== "string") throw new TypeError_(`${cls}.__init__() missing 1 required positional argument: 'root' (a string; the data comes from the host, root is only remembered)`);
  const a = parseArgs<VisionDatasetOptions>(cls, OPTION_NAMES, args);
  for (const key of ["transform", "target_transform"] as const) {
    const t = a[key];
    if (t !== undefined && t !== null && typeof t !== "function") throw new TypeError_(`${cls}: ${key} must be callable, got ${typeof t}`);
  }
  return { root, train: a.train ?? true, transform: a.transform ?? null, target_transform: a.target_transform ?? null };
}

const MNIST_CLASSES = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"];

/** The splits of the official MNIST: the six training parts joined, or the test file. */
async function loadMnistSplit(train: boolean): Promise<Split> {
  if (!train) return parseMnistSplit(await read_dataset_file(FULL_TEST_FILE), FULL_TEST_FILE, false);
  const parts = await Promise.all(TRAIN_FILES.map(async (name) => parseMnistSplit(await read_dataset_file(name), name, true)));
  const images = new Uint8Array(parts.reduce((s, p) => s + p.images.length, 0));
  const labels = new Uint8Array(parts.reduce((s, p) => s + p.labels.length, 0));
  let at = 0;
  let lat = 0;
  for (const p of parts) {
    images.set(p.images, at);
    labels.set(p.labels, lat);
    at += p.images.length;
    lat += p.labels.length;
  }
  return { rows: parts[0].rows, cols: parts[0].cols, images, labels };
}

type DatasetArgs = PyArgs<[train?: boolean, transform?: Transform | null, target_transform?: Transform | null, download?: boolean], VisionDatasetOptions>;

export interface MNISTFactory {
  /** `await datasets.MNIST(root, { train, transform, target_transform, download })` (also with `new`). */
  (root: string, ...args: DatasetArgs): Promise<MNISTDataset>;
  new (root: string, ...args: DatasetArgs): Promise<MNISTDataset>;
  readonly prototype: MNISTDataset;
  readonly classes: string[];
}

/**
 * datasets.MNIST(root, train=True, transform=None, target_transform=None, download=False): a promise of
 * the dataset (see the header). `ds instanceof datasets.MNIST` holds for what it resolves to.
 */
export const MNIST = function MNIST(root: string, ...args: DatasetArgs): Promise<MNISTDataset> {
  try {
    const a = parseDatasetArgs("MNIST", root, args);
    return loadMnistSplit(a.train).then((split) => new MNISTDataset(a.root, a.train, a.transform, a.target_transform, MNIST_CLASSES, split));
  } catch (e) {
    return Promise.reject(e);
  }
} as unknown as MNISTFactory;
Object.defineProperty(MNIST, "prototype", { value: MNISTDataset.prototype });
Object.defineProperty(MNIST, "classes", { value: MNIST_CLASSES, enumerable: true });

const FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

/** datasets.FashionMNIST(root, ...): its data is not shipped with Gradbook (no offline copy), so it raises. */
export const FashionMNIST = function FashionMNIST(root: string, ...args: DatasetArgs): Promise<MNISTDataset> {
  try {
    parseDatasetArgs("FashionMNIST", root, args);
  } catch (e) {
    return Promise.reject(e);
  }
  return Promise.reject(
    new RuntimeError(
      "FashionMNIST is not available here: Gradbook ships only the MNIST digits (public/data) and downloads nothing. " +
        "Use datasets.MNIST(root, { train, transform }) instead, which has the same layout (28x28 grey images, 10 classes).",
    ),
  );
} as unknown as MNISTFactory;
Object.defineProperty(FashionMNIST, "classes", { value: FASHION_CLASSES, enumerable: true });

/**
 * The other datasets tutorials reach for. Gradbook ships no copy of them and downloads nothing, so each
 * raises one clear error (rejected promise) naming what is available instead.
 */
function unavailable(name: string, what: string): (...args: unknown[]) => Promise<never> {
  const fn = () =>
    Promise.reject(
      new RuntimeError(
        `${name} is not available here: ${what} Gradbook ships only the MNIST digits and downloads nothing. ` +
          "Use datasets.MNIST(root, { train, transform }), utils.data.load_mnist or a TensorDataset of your own tensors.",
      ),
    );
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

export const unavailableDatasets = {
  CIFAR10: unavailable("CIFAR10", "its images are not shipped with the platform."),
  CIFAR100: unavailable("CIFAR100", "its images are not shipped with the platform."),
  KMNIST: unavailable("KMNIST", "its images are not shipped with the platform."),
  EMNIST: unavailable("EMNIST", "its images are not shipped with the platform."),
  QMNIST: unavailable("QMNIST", "its images are not shipped with the platform."),
  SVHN: unavailable("SVHN", "its images are not shipped with the platform."),
  STL10: unavailable("STL10", "its images are not shipped with the platform."),
  CelebA: unavailable("CelebA", "its images are not shipped with the platform."),
  ImageNet: unavailable("ImageNet", "its images are not shipped with the platform."),
  ImageFolder: unavailable("ImageFolder", "cells cannot read folders of image files (no file system or image decoder in the engine)."),
};
