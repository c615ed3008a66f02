/** Shared by the tutorial translations: synthetic stand-ins for the tutorials' datasets, and fixtures. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { torch, type Tensor } from "../../../../lib/tensor/index";

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
