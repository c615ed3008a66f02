/**
 * The thread pool's prewake (threads.ts): when the pool takes a batch to split (Gemm.forBatch),
 * it wakes a sleeping pool thread into its long poll right away, before the caller stages the
 * operands and posts the job, so the thread's wake-up overlaps the staging; with prewake off the
 * thread sleeps until the post.
 */
import { describe, expect, it } from "vitest";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { CONTROL, POLL_MICROS, createThreadPool, prewake, type ThreadSpawner } from "../../../../lib/tensor/kernels/wasm/threads";
import { createLocalGemm } from "../../../../lib/tensor/kernels/wasm/gemm";
import { nodeThreadSpawner } from "../../../../bench/node-threads";

const describeWasm = kernels.gemm ? describe : describe.skip;

/** A stand-in pool thread that only counts its wake-ups (returns from Atomics.wait on SEQ) in control word `countAt`; never polls. */
function wakeCountingSource(countAt: number): string {
  const { WORDS, SEQ, STATE, ACC, READY } = CONTROL;
  return `const gemmThread = (init) => {
    const words = new Int32Array(init.control);
    const base = init.index * ${WORDS};
    Atomics.store(words, base + ${READY}, 1);
    let seen = 0;
    for (;;) {
      Atomics.wait(words, base + ${SEQ}, seen);
      Atomics.add(words, ${countAt}, 1);
      seen = Atomics.load(words, base + ${SEQ});
      if (Atomics.compareExchange(words, base + ${STATE}, 1, 2) !== 1) continue;
      if (words[base + ${ACC}] < 0) return;
      Atomics.store(words, base + ${STATE}, 0);
      Atomics.notify(words, base + ${STATE});
    }
  };\n`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWasm("thread pool prewake", () => {
  it("wakes a sleeping pool thread into the long poll when a batch is taken to split, and not with prewake off", async () => {
    const { WORDS, SPIN } = CONTROL;
    const wakes = WORDS - 1; // block 0's last word, unused by the pool
    let control: Int32Array | null = null;
    const spawn: ThreadSpawner = (_source, init) => {
      control = new Int32Array(init.control);
      return nodeThreadSpawner(wakeCountingSource(wakes), init);
    };
    const was = prewake.enabled;
    // Not adaptive: every batch large enough goes to the pool to be split.
    const pool = createThreadPool(spawn, 2, undefined, undefined, false, createLocalGemm());
    try {
      while (!pool.ready()) await sleep(5);
      const words = control!;
      await sleep(50); // the stand-in is asleep in Atomics.wait
      const before = Atomics.load(words, wakes);
      words[WORDS + SPIN] = 0;
      // 4 slices of 64 x 256 @ 256 x 256: 2^24 multiply-adds, above the split threshold.
      prewake.enabled = false;
      expect(pool.gemm.forBatch!(4, 64, 256, 256)).toBe(pool.gemm);
      await sleep(200);
      expect(Atomics.load(words, wakes)).toBe(before);
      expect(words[WORDS + SPIN]).toBe(0);
      prewake.enabled = true;
      expect(pool.gemm.forBatch!(4, 64, 256, 256)).toBe(pool.gemm);
      expect(words[WORDS + SPIN]).toBe(POLL_MICROS.afterSplits);
      // The wake-up reaches the thread (allow a loaded machine several seconds to schedule it).
      for (let waited = 0; Atomics.load(words, wakes) === before && waited < 10_000; waited += 10) await sleep(10);
      expect(Atomics.load(words, wakes)).toBeGreaterThan(before);
    } finally {
      prewake.enabled = was;
      pool.terminate();
    }
  });
});
