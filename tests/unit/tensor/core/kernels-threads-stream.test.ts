/**
 * A row-sliced product split on the thread pool (matmul_simd.ts rowSliced, threads.ts batch runner):
 * cut into finer slices than on one thread (fineSlices: matmul 256 in 8 slices of 32 rows, not 4 of
 * 64), C copied out range by range as the slices finish (streamSlices: BatchRunner.run's onSlices),
 * each slice once, with the single-thread bits; with a runner that ignores onSlices, and with a pool
 * thread that claims the job but computes none of it, C is still whole. torch.mm's output allocated
 * by the kernel while the pool works (createAllocatingMatmul), only behind a pool.
 */
import { afterEach, describe, expect, it } from "vitest";
import { torch } from "../../../../lib/tensor/index";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { createAllocatingMatmul, fineSlices, lazyOutput } from "../../../../lib/tensor/kernels/wasm/matmul_simd";
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

/**
 * C = A @ B (+ bias) through the engine's current GEMM, into a NaN-filled array; with `seed`, another
 * A (so that a pool thread reading rows of A not yet staged would read the previous product's).
 */
function product(withBias: boolean, seed = 0): Float32Array {
  const x = seed ? randomArray(m * k, seed) : a;
  const c = new Float32Array(m * n).fill(Number.NaN);
  if (withBias) expect(matmulBias(m, n, k, x, 0, k, 1, b, 0, n, 1, bias, 0, 1, c, 0)).toBe(true);
  else kernels.matmul(m, n, k, x, 0, k, 1, b, 0, n, 1, c, 0);
  return c;
}

const same = (x: Float32Array, y: Float32Array) => Buffer.from(x.buffer).equals(Buffer.from(y.buffer));

/** Wraps the pool's batch runner to record each job's slice count and the ranges handed to onSlices (`drop`: not passed on). */
function spyOnBatches(pool: ThreadPool, drop = false): { counts: number[]; ranges: [number, number][] } {
  const inner: BatchRunner = pool.gemm.batch!;
  const seen = { counts: [] as number[], ranges: [] as [number, number][] };
  pool.gemm.batch = {
    threads: inner.threads,
    run(job, count, scratch, bytes, onSlices, meanwhile, firstStaged) {
      seen.counts.push(count);
      const spy = onSlices && ((lo: number, hi: number) => { seen.ranges.push([lo, hi]); onSlices(lo, hi); });
      inner.run(job, count, scratch, bytes, drop ? undefined : spy, meanwhile, firstStaged);
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
    fineSlices.enabled = true;
    lazyOutput.enabled = true;
  });

  it("matmul 256 (and + bias) in 8 slices of 32 rows (4 of 64 with fineSlices off), each handed over once, streamed or at the end, with the single-thread bits", async () => {
    const seeds = [11, 12, 13, 14, 15, 16, 17, 18];
    const want = seeds.map((seed, i) => product(i % 2 === 1, seed));
    expect(want[0].some(Number.isNaN)).toBe(false);
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null); // splits every batch
    try {
      await started(pool);
      kernels.gemm = pool.gemm;
      let i = 0;
      for (const fine of [true, false]) {
        for (const stream of [true, false]) {
          fineSlices.enabled = fine;
          streamSlices.enabled = stream;
          for (const withBias of [false, true]) {
            const seen = spyOnBatches(pool);
            const seed = seeds[i++];
            const got = product(withBias, seed);
            const count = fine ? 8 : 4;
            expect(seen.counts, `fine ${fine}, stream ${stream}, bias ${withBias}`).toEqual([count]);
            expect(eachSliceOnce(seen.ranges, count)).toBe(true);
            // Streamed: the caller's chunks go out one by one (the one-call hand-over gives one range).
            if (!stream) expect(seen.ranges).toEqual([[0, count]]);
            else expect(seen.ranges.length).toBeGreaterThan(1);
            expect(same(got, want[i - 1]), `fine ${fine}, stream ${stream}, bias ${withBias}`).toBe(true);
          }
        }
      }
      expect(pool.counts().split).toBe(8);
    } finally {
      pool.terminate();
    }
  });

  it("a runner that does not call meanwhile (which stages the rest of A) makes the product throw, not compute from rows not staged", async () => {
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null);
    try {
      await started(pool);
      kernels.gemm = pool.gemm;
      const inner: BatchRunner = pool.gemm.batch!;
      pool.gemm.batch = { threads: inner.threads, run: (job, count, scratch, bytes, onSlices) => inner.run(job, count, scratch, bytes, onSlices) };
      expect(() => product(false, 21)).toThrow(/did not call meanwhile/);
    } finally {
      pool.terminate();
    }
  });

  it("a pool thread waits for the rows of A staged after the post (a caller slow to stage them: 20 ms) and gives the single-thread bits", async () => {
    const want = [product(false, 31), product(true, 32)];
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null);
    try {
      await started(pool);
      kernels.gemm = pool.gemm;
      const inner: BatchRunner = pool.gemm.batch!;
      let firsts: (number | undefined)[] = [];
      pool.gemm.batch = {
        threads: inner.threads,
        run: (job, count, scratch, bytes, onSlices, meanwhile, firstStaged) => {
          firsts.push(firstStaged);
          inner.run(job, count, scratch, bytes, onSlices, meanwhile && ((staged) => {
            const until = performance.now() + 20;
            while (performance.now() < until); // the pool thread is done with the first slices long before
            meanwhile(staged);
          }), firstStaged);
        },
      };
      // Each after another product from other rows of A in the same memory (what a thread that did not wait would read).
      product(false, 33);
      expect(same(product(false, 31), want[0])).toBe(true);
      product(false, 34);
      expect(same(product(true, 32), want[1])).toBe(true);
      firsts = firsts.slice(-1);
      expect(firsts).toEqual([2]); // 8 slices: the first 2 staged before the post
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
      expect(seen.counts).toEqual([8]);
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
        expect(eachSliceOnce(seen.ranges, 8)).toBe(true);
      }
    } finally {
      pool.terminate();
    }
  });

  it("torch.mm behind a pool allocates its output in the kernel, once, before any slice is copied, with the single-thread bits; not on one thread, for float64 or several k slices", async () => {
    torch.manual_seed(5);
    const x = torch.randn(256, 256), y = torch.randn(256, 256);
    const want = torch.mm(x, y);
    const pool = createThreadPool(nodeThreadSpawner, 2, 0, undefined, false, null);
    try {
      await started(pool);
      const events: string[] = [];
      const allocating = createAllocatingMatmul(() => pool.gemm);
      const inner: BatchRunner = pool.gemm.batch!;
      pool.gemm.batch = {
        threads: inner.threads,
        run: (job, count, scratch, bytes, onSlices, meanwhile) => inner.run(job, count, scratch, bytes,
          onSlices && ((lo, hi) => { events.push("slices"); onSlices(lo, hi); }), meanwhile && ((staged) => { events.push("meanwhile"); meanwhile(staged); })),
      };
      const made = new Float32Array(m * n).fill(Number.NaN);
      const alloc = () => { events.push("alloc"); return made; };
      expect(allocating(m, n, k, a, 0, k, 1, b, 0, n, 1, alloc)).toBe(made);
      expect(events[0]).toBe("meanwhile");
      expect(events[1]).toBe("alloc");
      expect(events.filter((e) => e === "alloc")).toHaveLength(1);
      expect(events.length).toBeGreaterThan(3); // streamed slices after it
      kernels.gemm = single;
      const onOne = product(false);
      expect(same(made, onOne)).toBe(true);
      // Not where nothing runs meanwhile or the product is not row-sliced: null, nothing allocated.
      events.length = 0;
      expect(createAllocatingMatmul(() => single)(m, n, k, a, 0, k, 1, b, 0, n, 1, alloc)).toBeNull();
      expect(allocating(m, n, k, Float64Array.from(a), 0, k, 1, Float64Array.from(b), 0, n, 1, alloc)).toBeNull();
      expect(allocating(64, 64, 512, a, 0, 512, 1, b, 0, 64, 1, alloc)).toBeNull();
      expect(events).toEqual([]);
      // torch.mm through the pool (the registry's allocating matmul): the one-thread bits.
      pool.gemm.batch = inner;
      kernels.gemm = pool.gemm;
      const got = torch.mm(x, y);
      expect(same(got._data as Float32Array, want._data as Float32Array)).toBe(true);
      expect(got.shape).toEqual([256, 256]);
    } finally {
      pool.terminate();
    }
  });
});
