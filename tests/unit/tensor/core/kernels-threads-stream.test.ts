/**
 * A row-sliced product split on the thread pool (matmul_simd.ts rowSliced, threads.ts batch runner):
 * C copied out range by range as the slices finish (streamSlices: BatchRunner.run's onSlices), each
 * slice once, with the single-thread bits; with a runner that ignores onSlices, and with a pool
 * thread that claims the job but computes none of it, C is still whole.
 */
import { afterEach, describe, expect, it } from "vitest";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { matmulBias } from "../../../../lib/tensor/kernels/matmul_bias";
import { createThreadPool, streamSlices, type ThreadPool, type ThreadSpawner } from "../../../../lib/tensor/kernels/wasm/threads";
import type { BatchRunner } from "../../../../lib/tensor/kernels/wasm/gemm";
import { nodeThreadSpawner } from "../../../../bench/node-threads";
import { holdingThreadSource } from "./holding_thread";

function randomArray(n: number, seed: number): Float32Array {
  let x = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 31 - 1;
  });
}

const [m, n, k] = [256, 256, 256];
const a = randomArray(m * k, 1), b = randomArray(k * n, 2), bias = randomArray(n, 3);

/** C = A @ B (+ bias) through the engine's current GEMM, into a NaN-filled array. */
function product(withBias: boolean): Float32Array {
  const c = new Float32Array(m * n).fill(Number.NaN);
  if (withBias) expect(matmulBias(m, n, k, a, 0, k, 1, b, 0, n, 1, bias, 0, 1, c, 0)).toBe(true);
  else kernels.matmul(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0);
  return c;
}

const same = (x: Float32Array, y: Float32Array) => Buffer.from(x.buffer).equals(Buffer.from(y.buffer));

/** Wraps the pool's batch runner to record each job's slice count and the ranges handed to onSlices (`drop`: not passed on). */
function spyOnBatches(pool: ThreadPool, drop = false): { counts: number[]; ranges: [number, number][] } {
  const inner: BatchRunner = pool.gemm.batch!;
  const seen = { counts: [] as number[], ranges: [] as [number, number][] };
  pool.gemm.batch = {
    threads: inner.threads,
    run(job, count, scratch, bytes, onSlices) {
      seen.counts.push(count);
      const spy = onSlices && ((lo: number, hi: number) => { seen.ranges.push([lo, hi]); onSlices(lo, hi); });
      inner.run(job, count, scratch, bytes, drop ? undefined : spy);
    },
  };
  return seen;
}

/** Every slice in [0, count) handed over exactly once. */
function eachSliceOnce(ranges: [number, number][], count: number): boolean {
  const hits = new Array<number>(count).fill(0);
  for (const [lo, hi] of ranges) for (let i = lo; i < hi; i++) hits[i]++;
  return hits.every((h) => h === 1);
}

async function started(pool: ThreadPool): Promise<void> {
  while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
}

const describeWasm = kernels.gemm?.batch ? describe : describe.skip;

describeWasm("a row-sliced product split on the pool: finer slices, C streamed out", () => {
  const single = kernels.gemm;
  afterEach(() => {
    kernels.gemm = single;
    streamSlices.enabled = true;
  });

  it("matmul 256 (and + bias) in 4 slices of 64 rows, each handed over once, streamed or at the end, with the single-thread bits", async () => {
    const want = [product(false), product(true)];
    expect(want[0].some(Number.isNaN)).toBe(false);
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null); // splits every batch
    try {
      await started(pool);
      kernels.gemm = pool.gemm;
      for (let rep = 0; rep < 3; rep++) {
        for (const stream of [true, false]) {
          streamSlices.enabled = stream;
          for (const withBias of [false, true]) {
            const seen = spyOnBatches(pool);
            const got = product(withBias);
            expect(seen.counts, `stream ${stream}, bias ${withBias}`).toEqual([4]);
            expect(eachSliceOnce(seen.ranges, 4)).toBe(true);
            // Streamed: the caller's chunks go out one by one (the one-call hand-over gives one range).
            if (!stream) expect(seen.ranges).toEqual([[0, 4]]);
            else expect(seen.ranges.length).toBeGreaterThan(1);
            expect(same(got, want[withBias ? 1 : 0]), `stream ${stream}, bias ${withBias}`).toBe(true);
          }
        }
      }
      expect(pool.counts().split).toBe(12);
    } finally {
      pool.terminate();
    }
  });

  it("a runner that does not pass onSlices on still leaves all of C written", async () => {
    const want = product(false);
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null);
    try {
      await started(pool);
      kernels.gemm = pool.gemm;
      const seen = spyOnBatches(pool, true);
      expect(same(product(false), want)).toBe(true);
      expect(seen.counts).toEqual([4]);
    } finally {
      pool.terminate();
    }
  });

  it("with a pool thread that claims each job and computes none of it (held 5 ms), the caller computes and hands over every slice", async () => {
    const want = product(true);
    const holding: ThreadSpawner = (_source, init) => nodeThreadSpawner(holdingThreadSource(5), init);
    const pool = createThreadPool(holding, 2, 0, undefined, false, null);
    try {
      await started(pool);
      kernels.gemm = pool.gemm;
      for (let rep = 0; rep < 3; rep++) {
        const seen = spyOnBatches(pool);
        expect(same(product(true), want), `repeat ${rep}`).toBe(true);
        expect(eachSliceOnce(seen.ranges, 4)).toBe(true);
      }
    } finally {
      pool.terminate();
    }
  });
});
