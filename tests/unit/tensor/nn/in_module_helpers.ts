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
export function gptLossesOffAndOn(switchTo: (on: boolean) => void): number[][] {
  return [false, true].map((on) => {
    switchTo(on);
    const step = gptStep();
    return Array.from({ length: 6 }, () => step());
  });
}
