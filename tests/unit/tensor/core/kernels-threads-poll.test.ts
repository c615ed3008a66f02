/**
 * The pool threads' poll window (threads.ts): a job carries how long its thread should poll for
 * the next one before sleeping, long while the pool splits products, brief while its chooser
 * runs nearly every product alone (a loaded machine), and a thread that never says it is polling
 * is still woken for every job.
 */
import { describe, expect, it } from "vitest";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { CONTROL, POLL_MICROS, createThreadPool, type ThreadSpawner } from "../../../../lib/tensor/kernels/wasm/threads";
import { createLocalGemm, denseC, stridedA, stridedB } from "../../../../lib/tensor/kernels/wasm/gemm";
import { nodeThreadSpawner } from "../../../../bench/node-threads";
import { holdingThreadSource } from "./holding_thread";

const describeWasm = kernels.gemm ? describe : describe.skip;

describeWasm("thread pool poll window", () => {
  // Retried: the stand-in thread races the caller for each job, and on a heavily loaded machine it
  // can lose nearly every race (the caller takes its unclaimed job back), which makes splits cheap,
  // so the chooser rightly keeps splitting and the poll stays long. A broken poll window fails
  // every attempt; a starved stand-in does not starve three times running.
  it("asks for the long poll while products are split and the brief one once the chooser runs them alone; a thread that never polls is still notified", { retry: 2 }, async () => {
    // A stand-in pool thread (holding_thread.ts): holds each job 20 ms, as a thread starved by
    // other programs would, so the chooser soon runs this shape alone; it counts the jobs it
    // claimed in block 0's last word (unused by the pool), never sets SPINNING, and sleeps in
    // Atomics.wait between jobs.
    const { WORDS, SPIN } = CONTROL;
    const last = WORDS - 1;
    const standIn = holdingThreadSource(20, last);
    let control: Int32Array | null = null;
    const spawn: ThreadSpawner = (_source, init) => {
      control = new Int32Array(init.control);
      return nodeThreadSpawner(standIn, init);
    };
    const local = createLocalGemm()!;
    const pool = createThreadPool(spawn, 2);
    try {
      while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
      const words = control!;
      const [m, n, k] = [128, 128, 256]; // 2^22 multiply-adds: above the split threshold
      const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
      const want = new Float32Array(m * n);
      local.gemm(m, n, k, stridedA(m, a, 0, k, 1), stridedB(n, b, 0, n, 1), denseC(m, n, want, 0));
      const product = () => {
        const got = new Float32Array(m * n);
        pool.gemm.gemm(m, n, k, stridedA(m, a, 0, k, 1), stridedB(n, b, 0, n, 1), denseC(m, n, got, 0));
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      };
      // The first product of a shape runs alone, the second is split: posted with the long poll
      // (thread 1's SPIN word holds what the last job posted to it asked for).
      product();
      product();
      expect(pool.counts().split).toBe(1);
      expect(words[WORDS + SPIN]).toBe(POLL_MICROS.afterSplits);
      for (let rep = 0; rep < 150; rep++) product();
      const { split, alone } = pool.counts();
      expect(split).toBeLessThanOrEqual(40);
      expect(alone).toBeGreaterThan(110);
      // The chooser's later probes ask for the brief poll.
      expect(words[WORDS + SPIN]).toBe(POLL_MICROS.whileAlone);
      // The stand-in never said it was polling, so each post notified it: it claimed jobs (the
      // caller takes back a job not claimed by the time it has computed the product alone).
      expect(words[last]).toBeGreaterThanOrEqual(1);
    } finally {
      pool.terminate();
    }
  });
});
