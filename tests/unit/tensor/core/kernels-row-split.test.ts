/**
 * The row passes split across the WebAssembly thread pool (kernels/wasm/row_kernels.ts): on a pool
 * that splits every pass, each kernel gives the bits it gives on a private memory (each row computed
 * by the same code whatever thread takes it), the pool counts the split, layer norm's backward
 * (sums over all rows) is never split, and a pool thread whose row kernel throws fails that pass
 * with a clear error instead of hanging.
 */
import { describe, expect, it } from "vitest";
import { kernels } from "../../../../lib/tensor/kernels/registry";
import { rowKernelsOn, rowSplitting, type RowKernels } from "../../../../lib/tensor/kernels/wasm/row_kernels";
import { THREAD_SOURCE, createThreadPool, type ThreadPool, type ThreadSpawner } from "../../../../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "../../../../bench/node-threads";

const describeWasm = kernels.gemm ? describe : describe.skip;

async function splittingPool(spawn: ThreadSpawner = nodeThreadSpawner): Promise<{ pool: ThreadPool; memory: WebAssembly.Memory }> {
  const pool = createThreadPool(spawn, 2, 0, undefined, false, null); // splits every pass of two units or more
  while (!pool.ready()) await new Promise((resolve) => setTimeout(resolve, 5));
  const memory = pool.gemm.memory!;
  if (memory.buffer.byteLength < 1 << 23) memory.grow(((1 << 23) - memory.buffer.byteLength) / 65536);
  return { pool, memory };
}

/** Byte addresses of the operands (each region 1 MB apart, from 1 MB). */
const at = (region: number) => (1 + region) << 20;

/**
 * Fills regions 0-2 of `memory` with the same deterministic values (scores with wide ranges, so
 * the exp's underflow and the causal cut both occur), runs `call` on its kernels and returns
 * regions 0-5 as float32 bits.
 */
function runOn(memory: WebAssembly.Memory, kernels: RowKernels, call: (k: RowKernels) => void): Uint32Array {
  const h = new Float32Array(memory.buffer);
  for (let r = 0; r < 6; r++) h.fill(0, at(r) / 4, at(r) / 4 + (1 << 18));
  for (let i = 0; i < 3 << 16; i++) {
    h[at(0) / 4 + i] = 6 * Math.sin(i * 0.37) + (i % 7) - 3;
    h[at(1) / 4 + i] = Math.cos(i * 0.11) / 3;
    h[at(2) / 4 + i] = 1 + Math.sin(i * 0.05) / 2;
  }
  call(kernels);
  return new Uint32Array(memory.buffer.slice(at(0), at(6)));
}

const CASES: [string, (k: RowKernels) => void][] = [
  // 3 L + 5 rows of S = 40 (a multiple of 4) with L = 37, the first row at query 5; causal and not.
  ["attn_softmax_fwd, causal", (k) => k.attn_softmax_fwd(at(0), 3 * 37 + 5, 40, 37, 5, 1, 0.3)],
  ["attn_softmax_fwd", (k) => k.attn_softmax_fwd(at(0), 3 * 37 + 5, 40, 37, 5, 0, 0.3)],
  ["attn_softmax_bwd, causal", (k) => k.attn_softmax_bwd(at(1), at(0), 3 * 37 + 5, 40, 37, 5, 1, 0.7)],
  ["gelu_val", (k) => k.gelu_val(at(0), at(3), 16 * 37)],
  ["gelu_fwd", (k) => k.gelu_fwd(at(0), at(3), at(4), 16 * 37)],
  ["gelu_bwd in place", (k) => k.gelu_bwd(at(1), at(2), at(1), 16 * 37)],
  // 16 x 9 + 7 rows of 24: the last range is not a whole quantum.
  ["ln_fwd", (k) => k.ln_fwd(at(0), at(3), at(2), at(2) + 96, at(4), at(5), 16 * 9 + 7, 24, 1e-5)],
];

describeWasm("row passes split across the thread pool", () => {
  it.each(CASES)("%s: the private memory's bits, split", async (_name, call) => {
    const own = new WebAssembly.Memory({ initial: 128 });
    const want = runOn(own, rowKernelsOn(own)!, call);
    const { pool, memory } = await splittingPool();
    try {
      const before = pool.counts().rowSplits;
      const got = runOn(memory, rowKernelsOn(memory)!, call);
      expect(pool.counts().rowSplits - before).toBe(1);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      expect(want.some((w) => w !== 0)).toBe(true);
    } finally {
      pool.terminate();
    }
  });

  it("runs a GELU of no whole 64-float group count, and layer norm's backward (sums over all rows), on the calling thread with the same bits", async () => {
    const calls: ((k: RowKernels) => void)[] = [
      (k) => k.gelu_fwd(at(0), at(3), at(4), 16 * 37 + 3),
      (k) => k.ln_bwd(at(1), at(0), at(2), at(3), at(4), at(5), at(5) + 4096, at(5) + 4192, 16 * 9 + 7, 24),
    ];
    const own = new WebAssembly.Memory({ initial: 128 });
    const { pool, memory } = await splittingPool();
    try {
      for (const call of calls) {
        const want = runOn(own, rowKernelsOn(own)!, call);
        const got = runOn(memory, rowKernelsOn(memory)!, call);
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      }
      expect(pool.counts().rowSplits).toBe(0);
    } finally {
      pool.terminate();
    }
  });

  it("rowSplitting.enabled = false gives the pool's memory the unsplit kernels; a terminated pool's memory too", async () => {
    const { pool, memory } = await splittingPool();
    const split = rowKernelsOn(memory);
    try {
      rowSplitting.enabled = false;
      expect(rowKernelsOn(memory)).not.toBe(split);
      rowSplitting.enabled = true;
      expect(rowKernelsOn(memory)).toBe(split);
    } finally {
      rowSplitting.enabled = true;
      pool.terminate();
    }
    expect(rowKernelsOn(memory)).not.toBe(split);
  });

  it("a pool thread whose row kernel throws fails that pass with a clear error instead of hanging, and later passes run on one thread", async () => {
    const trapping = THREAD_SOURCE.replace(/rowFns\[rowWords\[0\]\]\.apply\(/, '(() => { throw new Error("injected trap"); }).apply(');
    expect(trapping).not.toBe(THREAD_SOURCE);
    const spawnTrapping: ThreadSpawner = (_source, init) => nodeThreadSpawner(trapping, init);
    const own = new WebAssembly.Memory({ initial: 128 });
    const [, call] = CASES[3];
    const want = runOn(own, rowKernelsOn(own)!, call);
    const { pool, memory } = await splittingPool(spawnTrapping);
    const errors: unknown[] = [];
    try {
      // The caller may finish a pass alone before the thread wakes; until the thread takes a
      // range every pass is still right.
      for (let rep = 0; rep < 200 && errors.length === 0; rep++) {
        try {
          const got = runOn(memory, rowKernelsOn(memory)!, call);
          expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), `repeat ${rep}`).toBe(true);
        } catch (error) {
          errors.push(error);
        }
      }
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toMatch(/GEMM thread 1 of the WebAssembly thread pool failed, so this row pass was not computed/);
      expect(pool.ready()).toBe(false);
      const before = pool.counts().rowSplits;
      const got = runOn(memory, rowKernelsOn(memory)!, call);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer)), "after the failure").toBe(true);
      expect(pool.counts().rowSplits).toBe(before);
    } finally {
      pool.terminate();
    }
  });
});
