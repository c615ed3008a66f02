/**
 * Shared by the in-module fusion suites (attention, feed-forward block, pre-norm residual): each
 * checks that its fused path gives the op-by-op path's bits, on one thread, on a pool that splits
 * every job, and over the GPT bench's training steps.
 */
import { expect } from "vitest";
import { nn, torch, type Tensor } from "../../../../lib/tensor/index";
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

/** Runs `work` with matmul on a 2-thread pool that splits every job and row pass; returns its result and the splits (row passes among them). */
export async function onSplittingPool<T>(work: () => T): Promise<{ result: T; splits: number; rowSplits: number }> {
  const gemm = kernels.gemm;
  const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null); // splits every batch
  try {
    while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
    kernels.gemm = pool.gemm;
    const result = work();
    return { result, splits: pool.counts().split, rowSplits: pool.counts().rowSplits };
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
 * `run` on one thread, then on a 2-thread pool that splits every job and row pass: the fused path
 * ran twice in both (by `fused`), at least 6 jobs and 2 row passes (softmax, GELU or layer norm,
 * forward and backward) were split, and the values are the same bits.
 */
export async function expectSplitPoolSameBits<R extends { values: (Float32Array | null)[] }>(run: () => R, fused: (r: R) => number): Promise<void> {
  const single = run();
  expect(fused(single)).toBe(2);
  const { result: split, splits, rowSplits } = await onSplittingPool(run);
  expect(fused(split)).toBe(2);
  expect(splits).toBeGreaterThanOrEqual(6);
  expect(rowSplits).toBeGreaterThanOrEqual(2);
  expectSameBits(split.values, single.values);
}

/**
 * A small encoder layer in float64 passes gradcheck: every fused path declines float64, so this
 * checks the plain ops it falls back to. `layerOpts` adds to (or overrides) a GELU, batch-first layer.
 */
export function expectFloat64LayerGradcheck(layerOpts: Record<string, unknown>): void {
  torch.manual_seed(4);
  const layer = new nn.TransformerEncoderLayer(4, 2, { dim_feedforward: 8, dropout: 0, activation: "gelu", batch_first: true, dtype: torch.float64, ...layerOpts });
  const x = torch.randn(2, 3, 4, { dtype: torch.float64, requires_grad: true });
  expect(torch.autograd.gradcheck((t: Tensor) => layer(t), [x], { eps: 1e-6, atol: 1e-5 })).toBe(true);
}

/**
 * create_graph through an encoder layer: with the fused path switched on (it ran once, by `runs`)
 * the second derivative of |dL/dx|^2 with respect to `paramOf(layer)` is close to the one with it
 * off. The first-order gradient is taken in plain ops on both paths (a fused op declines a graph
 * that must be differentiated again), but the second pass may group its sums otherwise: close,
 * not bit-equal.
 */
export function expectSecondDerivativesClose(
  shape: { N: number; L: number; D: number; heads: number },
  layerOpts: Record<string, unknown>,
  paramOf: (layer: nn.TransformerEncoderLayer) => Tensor,
  switchTo: (on: boolean) => void,
  runs: () => number,
): void {
  const once = (): number[] => {
    torch.manual_seed(6);
    const layer = new nn.TransformerEncoderLayer(shape.D, shape.heads, { dropout: 0, activation: "gelu", batch_first: true, ...layerOpts });
    const x = torch.randn(shape.N, shape.L, shape.D, { requires_grad: true });
    const [gx] = torch.autograd.grad(layer(x).square().sum(), [x], { create_graph: true });
    const [gw] = torch.autograd.grad(gx!.square().sum(), [paramOf(layer)]);
    return Array.from(gw!._data as Float32Array);
  };
  switchTo(false);
  const off = once();
  switchTo(true);
  const before = runs();
  const on = once();
  expect(runs() - before).toBe(1);
  for (let i = 0; i < on.length; i++) expect(Math.abs(on[i] - off[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(off[i])));
}
