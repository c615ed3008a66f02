/**
 * One product as a gemm_batch job of row slices sharing B (wasm/matmul_simd.ts rowSliced): the
 * tall, one-k-slice products of a transformer (1024 x 64 @ 64 x n and the like) give the bits of
 * the one-product GEMM path, which a product of 4 rows still takes; with a bias row preloaded
 * (addmm's fused path: gemm_bias, the bits of the bias preloaded for gemm_acc); with A or B transposed; and split by slices on a thread pool, where
 * the GPT bench's model (causal attention, its products row-sliced and causally skipped) trains
 * with the single-thread losses.
 */
import { describe, expect, it } from "vitest";
import { nn, torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { biasInKernel } from "../../../../lib/tensor/kernels/wasm/gemm_batch";
import { feedForwardInModule_ } from "../../../../lib/tensor/nn/functional/feed_forward_in_module";
import { matmulBias } from "../../../../lib/tensor/kernels/matmul_bias";
import { createThreadPool } from "../../../../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "../../../../bench/node-threads";
import { gptStep } from "../../../../bench/gpt";

function randomArray(n: number, seed: number): Float32Array {
  let x = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 31 - 1;
  });
}

/** [m, n, k] with A and/or B transposed: shapes cut into slices of 128, 64 and 32 rows. */
const cases: [number, number, number, boolean, boolean][] = [
  [1024, 64, 64, false, true], // x @ W^T (Linear)
  [1024, 256, 64, false, false],
  [512, 64, 256, true, false], // A transposed, slices of 64 rows
  [96, 40, 200, false, true], // slices of 32 rows
];

/** C = A @ B (+ bias) through the engine, and the same product 4 rows at a time (the one-product path). */
function both(m: number, n: number, k: number, ta: boolean, tb: boolean, withBias: boolean, seed = 0): [Float32Array, Float32Array] {
  const a = randomArray(m * k + 3, m + k), b = randomArray(k * n + 5, n + 7 * k + seed), bias = randomArray(n, 3);
  const [as0, as1] = ta ? [1, m] : [k, 1];
  const [bs0, bs1] = tb ? [1, k] : [n, 1];
  const run = (rows: number, out: Float32Array) => {
    for (let r0 = 0; r0 < m; r0 += rows) {
      const cOff = r0 * n;
      if (withBias) expect(matmulBias(rows, n, k, a, 2 + r0 * as0, as0, as1, b, 1, bs0, bs1, bias, 0, 1, out, cOff)).toBe(true);
      else kernels.matmul(rows, n, k, a, 2 + r0 * as0, as0, as1, b, 1, bs0, bs1, out, cOff);
    }
  };
  const whole = new Float32Array(m * n).fill(Number.NaN), byFour = new Float32Array(m * n).fill(Number.NaN);
  run(m, whole);
  run(4, byFour);
  return [whole, byFour];
}

const describeWasm = kernels.gemm?.batch ? describe : describe.skip;

describeWasm("matmul as row slices of one gemm_batch job", () => {
  for (const [m, n, k, ta, tb] of cases) {
    for (const withBias of [false, true]) {
      it(`${m}x${k} @ ${k}x${n}${ta ? ", A transposed" : ""}${tb ? ", B transposed" : ""}${withBias ? " + bias" : ""}: the one-product path's bits`, () => {
        const [whole, byFour] = both(m, n, k, ta, tb, withBias);
        expect(whole.some(Number.isNaN)).toBe(false);
        expect(Array.from(whole)).toEqual(Array.from(byFour));
      });
    }
  }

  it("the bias added by the kernel (gemm_bias) or preloaded into C for gemm_acc (biasInKernel off): the same bits, row-sliced and in a gemm session", () => {
    const wholes = (): Float32Array[] => cases.map(([m, n, k, ta, tb]) => both(m, n, k, ta, tb, true)[0]);
    const layerOut = (): Float32Array => {
      torch.manual_seed(2);
      const layer = new nn.TransformerEncoderLayer(32, 4, { dim_feedforward: 96, dropout: 0, activation: "gelu", batch_first: true, norm_first: true });
      return Float32Array.from(layer(torch.randn(5, 60, 32))._data as Float32Array);
    };
    try {
      biasInKernel.enabled = false;
      const preloaded = [...wholes(), layerOut()];
      biasInKernel.enabled = true;
      const before = feedForwardInModule_.forwards;
      const inKernel = [...wholes(), layerOut()];
      expect(feedForwardInModule_.forwards - before).toBe(1);
      for (let i = 0; i < preloaded.length; i++) {
        expect(inKernel[i].some(Number.isNaN)).toBe(false);
        expect(Array.from(inKernel[i])).toEqual(Array.from(preloaded[i]));
      }
    } finally {
      biasInKernel.enabled = true;
    }
  });

  it("goes through gemm_batch (one call for a 1024-row product), and split on a pool gives the single-thread bits", async () => {
    const gemm = kernels.gemm!;
    const batch = gemm.batch!;
    let calls = 0;
    gemm.batch = { threads: batch.threads, run: (...args) => { calls++; batch.run(...args); } };
    let single: Float32Array[];
    try {
      single = [both(1024, 64, 64, false, true, true)[0], both(1024, 256, 64, false, false, false)[0], both(1024, 256, 64, false, false, false, 1)[0]];
      expect(calls).toBe(3);
    } finally {
      gemm.batch = batch;
    }
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null); // splits every batch
    try {
      while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
      kernels.gemm = pool.gemm;
      // (The last two: same shapes and staging, another B: a thread must not reuse the B it packed for the job before.)
      const split = [both(1024, 64, 64, false, true, true)[0], both(1024, 256, 64, false, false, false)[0], both(1024, 256, 64, false, false, false, 1)[0]];
      expect(pool.counts().split).toBeGreaterThanOrEqual(3);
      for (let i = 0; i < 3; i++) expect(Array.from(split[i])).toEqual(Array.from(single[i]));
      expect(Array.from(single[2])).not.toEqual(Array.from(single[1]));
    } finally {
      kernels.gemm = gemm;
      pool.terminate();
    }
  });

  it("the GPT bench's model trained with every product split on two threads: the single-thread losses", async () => {
    const losses = (): number[] => {
      const step = gptStep();
      return Array.from({ length: 3 }, () => step());
    };
    const one = losses();
    const gemm = kernels.gemm;
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null); // splits every product and batch
    try {
      while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
      kernels.gemm = pool.gemm;
      const two = losses();
      expect(pool.counts().split).toBeGreaterThan(50);
      for (let i = 0; i < one.length; i++) expect(Math.abs(two[i] - one[i])).toBeLessThanOrEqual(1e-5 * Math.abs(one[i]));
      expect(one[2]).toBeLessThan(one[0]); // it trains
    } finally {
      kernels.gemm = gemm;
      pool.terminate();
    }
  });
});
