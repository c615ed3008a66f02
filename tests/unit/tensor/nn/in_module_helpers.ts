/**
 * Shared by the in-module fusion suites (attention, feed-forward block, pre-norm residual): each
 * checks that its fused path gives the op-by-op path's bits, on one thread, on a pool that splits
 * every job, and over the GPT bench's training steps.
 */
import { expect } from "vitest";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { createThreadPool } from "../../../../lib/tensor/kernels/wasm/threads";
import { gptStep } from "../../../../bench/gpt";
import { nodeThreadSpawner } from "../../../../bench/node-threads";

/** Every array present, free of NaN, and bit-for-bit (as float32 values) the reference's. */
export function expectSameBits(a: (Float32Array | null)[], b: (Float32Array | null)[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(a[i]).not.toBeNull();
    expect(a[i]!.some(Number.isNaN)).toBe(false);
    expect(Array.from(a[i]!)).toEqual(Array.from(b[i]!));
  }
}

/** Runs `work` with matmul on a 2-thread pool that splits every job; returns its result and the splits. */
export async function onSplittingPool<T>(work: () => T): Promise<{ result: T; splits: number }> {
  const gemm = kernels.gemm;
  const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null); // splits every batch
  try {
    while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
    kernels.gemm = pool.gemm;
    const result = work();
    return { result, splits: pool.counts().split };
  } finally {
    kernels.gemm = gemm;
    pool.terminate();
  }
}

/** The GPT bench's first 6 losses with a fused path switched off, then on: [off, on]. */
function gptLossesOffAndOn(switchTo: (on: boolean) => void): number[][] {
  return [false, true].map((on) => {
    switchTo(on);
    const step = gptStep();
    return Array.from({ length: 6 }, () => step());
  });
}

/**
 * The GPT bench's first 6 losses are the same bits with a fused path off and on, and fall; the
 * fused path ran once per layer and step (2 x 6, by `runs`, a counter of the path) in the on run.
 */
export function expectGptLossesUnchanged(switchTo: (on: boolean) => void, runs: () => number): void {
  const before = runs();
  const losses = gptLossesOffAndOn(switchTo);
  expect(runs() - before).toBe(12);
  expect(losses[1].every((l, i) => Object.is(l, losses[0][i]))).toBe(true);
  expect(losses[1][5]).toBeLessThan(losses[1][0]);
}

/**
 * `run` on one thread, then on a 2-thread pool that splits every job: the fused path ran twice in
 * both (by `fused`), at least 6 jobs were split, and the values are the same bits.
 */
export async function expectSplitPoolSameBits<R extends { values: (Float32Array | null)[] }>(run: () => R, fused: (r: R) => number): Promise<void> {
  const single = run();
  expect(fused(single)).toBe(2);
  const { result: split, splits } = await onSplittingPool(run);
  expect(fused(split)).toBe(2);
  expect(splits).toBeGreaterThanOrEqual(6);
  expectSameBits(split.values, single.values);
}
