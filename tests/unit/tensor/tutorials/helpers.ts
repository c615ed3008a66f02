/** Shared by the tutorial translations: synthetic stand-ins for the tutorials' datasets, and fixtures. */
import { readFileSync } from "node:fs";
import { beforeEach, expect, vi } from "vitest";
import { fileURLToPath } from "node:url";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
import { forgetShownWarnings } from "../../../../lib/tensor/warnings";

/**
 * An MNIST-shaped set: n flattened 28x28 images in [0, 1] (float32) and int64 labels 0-9, where
 * class k brightens rows 2k+4 and 2k+5 over uniform noise. Separable, but only by learning.
 */
export function syntheticDigits(n: number, seed: number): { x: Tensor; y: Tensor } {
  const g = new torch.Generator(seed);
  const y = torch.randint(0, 10, [n], { generator: g });
  const img = torch.rand([n, 28, 28], { generator: g }).mul(0.4);
  const labels = y.tolist() as number[];
  labels.forEach((k, i) => img.index(i, `${2 * k + 4}:${2 * k + 6}`).add_(0.6));
  return { x: img.reshape(n, 784), y };
}

const FIXTURES = fileURLToPath(new URL("../../../fixtures/torch/tutorials/", import.meta.url));

/** tests/fixtures/torch/tutorials/<name>, written by scripts/fixtures/tutorial_fixtures.py. */
export function tutorialFixture<T>(name: string): T {
  return JSON.parse(readFileSync(FIXTURES + name, "utf8")) as T;
}

/** The mean of the last k values. */
export function tailMean(values: readonly number[], k: number): number {
  const tail = values.slice(-k);
  return tail.reduce((s, v) => s + v, 0) / tail.length;
}

/**
 * The LeNet of PyTorch's MNIST example, which the FGSM tutorial attacks and the Spatial Transformer
 * tutorial puts behind its localisation net (that Net extends this one: its layers come first, as in
 * the tutorial's __init__, so seeded initialisation matches torch's).
 */
export class MnistExampleNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, { kernel_size: 5 });
  conv2 = new nn.Conv2d(10, 20, { kernel_size: 5 });
  conv2_drop = new nn.Dropout2d();
  fc1 = new nn.Linear(320, 50);
  fc2 = new nn.Linear(50, 10);
  forward(x: Tensor): Tensor {
    const F = nn.functional;
    x = F.relu(F.max_pool2d(this.conv1(x), 2));
    x = F.relu(F.max_pool2d(this.conv2_drop(this.conv2(x)), 2));
    x = x.view(-1, 320);
    x = F.relu(this.fc1(x));
    x = F.dropout(x, { training: this.training });
    x = this.fc2(x);
    return F.log_softmax(x, { dim: 1 });
  }
}

/** The FGSM tutorial's attack: each pixel moved by epsilon in the direction of its gradient's sign, clamped to [0, 1]. */
export function fgsm_attack(image: Tensor, epsilon: number, data_grad: Tensor): Tensor {
  const sign_data_grad = data_grad.sign();
  const perturbed_image = image.add(sign_data_grad.mul(epsilon));
  return torch.clamp(perturbed_image, 0, 1);
}

/** What fn throws, as [error class name, message], or null when it returns: to compare with torch's error. */
export function thrown(fn: () => unknown): [string, string] | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).constructor.name, (e as Error).message];
  }
  return null;
}

/** [Python class name, message] of what fn throws, by the error's name (the engine's TypeError_ reports itself as "TypeError"), or null. */
export function raised(fn: () => unknown): [string, string] | null {
  try {
    fn();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return null;
}

/** The "Training with PyTorch" tutorial's LeNet-style classifier for 28x28 Fashion-MNIST images. */
export class GarmentClassifier extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5);
  pool = new nn.MaxPool2d(2, 2);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 4 * 4, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);
  forward(x: Tensor): Tensor {
    const F = nn.functional;
    x = this.pool(F.relu(this.conv1(x)));
    x = this.pool(F.relu(this.conv2(x)));
    x = x.view(-1, 16 * 4 * 4);
    x = F.relu(this.fc1(x));
    x = F.relu(this.fc2(x));
    return this.fc3(x);
  }
}

/** The torchtext tutorial's classifier: an EmbeddingBag (mean by default, as torch) and a linear head, uniform init. */
export class TextClassificationModel extends nn.Module {
  embedding: nn.EmbeddingBag;
  fc: nn.Linear;
  constructor(vocab_size: number, embed_dim: number, num_class: number, mode: "mean" | "sum" | "max" = "mean") {
    super();
    this.embedding = new nn.EmbeddingBag(vocab_size, embed_dim, { sparse: false, mode });
    this.fc = new nn.Linear(embed_dim, num_class);
    this.init_weights();
  }
  init_weights(): void {
    const initrange = 0.5;
    this.embedding.weight.data.uniform_(-initrange, initrange);
    this.fc.weight.data.uniform_(-initrange, initrange);
    this.fc.bias!.data.zero_();
  }
  forward(text: Tensor, offsets: Tensor): Tensor {
    const embedded = this.embedding(text, offsets);
    return this.fc(embedded);
  }
}

/** A tensor as the fixture scripts store it ({shape, data}, data flat and row-major). */
export type TJ = { shape: number[]; data: number[] };

/** actual has expected's shape and each value within tol, relative above 1 and absolute below. */
export function expectT(actual: Tensor, expected: TJ, tol: number): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.detach().reshape(-1).tolist() as number[];
  a.forEach((v, i) => expect(Math.abs(v - expected.data[i]), `at ${i}: ${v} vs ${expected.data[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected.data[i]))));
}

/** The same for plain numbers (losses per step, metrics). */
export function expectNums(actual: readonly number[], expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `at ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]))));
}

/** Registers a beforeEach that undoes console spies and forgets shown warnings, so each test sees a warning's first showing. */
export function freshWarningsEachTest(): void {
  beforeEach(() => {
    vi.restoreAllMocks();
    forgetShownWarnings();
  });
}

/** The warnings fn shows (first line, without Python's "UserWarning: " prefix), and fn's result. */
export function warns<R>(fn: () => R): [string[], R] {
  const spy = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  let r: R, shown: string[];
  try {
    r = fn();
  } finally {
    shown = spy.mock.calls.map((c) => String(c[0]).replace(/^UserWarning: /, "").split("\n")[0]);
    spy.mockRestore();
  }
  return [shown, r];
}
