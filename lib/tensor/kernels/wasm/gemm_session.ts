/**
 * A run of gemm_batch jobs (gemm_batch.ts) whose operands and results stay in the GEMM driver's
 * memory between jobs, for a chain of products with row passes in between (fused attention:
 * Q K^T, softmax, P V). matmulBatched copies each call's operand spans into the module and its
 * result out again; attention's chain moved ~19 MB per layer that way in the GPT bench (the
 * [N, L, 3 H E] projection's span for each of Q, K and V, the scores out of Q K^T, into the
 * softmax's memory and back, into P V...), where a session stages each input span once, leaves
 * the scores in place for the row passes (run by kernels on the same memory, kernelsOnMemory)
 * and copies out only what leaves the chain.
 *
 * Layout, floats from 0: each thread's batch scratch (sized for the largest job the session was
 * opened for), the job words, the slice tables, then the session's regions (alloc / stage, 4-float
 * aligned, valid until the session ends: the next GEMM call reuses the memory). Addresses are float
 * offsets; the memory may grow at alloc, so read heap() after it.
 *
 * Nothing else may run on the driver while a session is open (callers open one, run their chain
 * and copy out, with no other tensor op in between).
 */
import { KC, MC, MR, NR, driverFor, type BatchRunner, type Gemm } from "./gemm";
import { BATCH_JOB_WORDS, BATCH_STORE, batchPackedBAt, batchScratchBytes, biasInKernel, skipWord } from "./gemm_batch";
import { matmulPackFor } from "./matmul_pack";
import { packerIndex } from "./matmul_simd";
import { ensureScratch } from "./resident";

/** A product shape of a session's jobs: `count` slices of m x n x k. */
export type BatchShape = readonly [count: number, m: number, n: number, k: number];

export interface GemmSession {
  readonly memory: WebAssembly.Memory;
  /** The threads its jobs may be split across (1: the single-thread driver). */
  readonly threads: number;
  /** The memory's float view (a new one after an alloc that grew it). */
  heap(): Float32Array;
  /** Reserves `floats` floats (contents arbitrary) and returns their float address. */
  alloc(floats: number): number;
  /** Where the next region would start: release(mark()) frees every region allocated after it. */
  mark(): number;
  /** Frees the regions allocated since `mark` (their addresses may be handed out again). */
  release(mark: number): void;
  /** Copies src[lo, hi) into a new region; element e of src is then at the returned base + e. */
  stage(src: Float32Array, lo: number, hi: number): number;
  /**
   * C_i = A_i @ B_i for i < count, all in this memory: slice i of A at float aAt[i] with strides
   * (as0, as1), of B at bAt[i] (bs0, bs1), row r of C_i at cAt[i] + r * cRow. `skip`: BATCH_SKIP.
   * The shape must be one the session was opened for (or smaller in count). With `acc` the
   * products are added to what C holds (gemm_acc: the sum of earlier k slices, as gemm.ts's driver
   * adds its slices after the first); with a `biasAt` (float address of n floats, and no acc) each
   * row of C is written as that bias row plus the products (gemm_bias: the bits of gemm_acc over
   * C preloaded with the row).
   */
  batch(count: number, m: number, n: number, k: number,
    aAt: readonly number[], as0: number, as1: number,
    bAt: readonly number[], bs0: number, bs1: number,
    cAt: readonly number[], cRow: number, skip: number, acc?: boolean, biasAt?: number): void;
}

/** Whether gemm_batch computes a product of this shape in one job: whole panels, one k slice, A's panels within MC x KC. */
export const inModuleShape = (m: number, n: number, k: number): boolean =>
  m > 0 && n > 0 && k > 0 && m % MR === 0 && n % NR === 0 && k <= KC && m * k <= MC * KC;

const align4 = (floats: number) => Math.ceil(floats / 4) * 4;

/**
 * A session on the driver `gemm` picks for the first shape (a thread pool may split its jobs), or
 * null where one cannot run every shape in module (no exposed memory, shapes outside
 * inModuleShape): the caller then keeps its per-call path.
 */
export function openGemmSession(gemm: Gemm | null, shapes: readonly BatchShape[]): GemmSession | null {
  if (!gemm || shapes.length === 0 || !shapes.every(([count, m, n, k]) => count > 0 && inModuleShape(m, n, k))) return null;
  const [count0, m0, n0, k0] = shapes[0];
  const g = gemm.forBatch ? gemm.forBatch(count0, m0, n0, k0) : driverFor(gemm, m0, n0, k0);
  if (!g.batch || !g.memory) return null;
  const runner: BatchRunner = g.batch;
  const memory = g.memory;
  const scratchBytes = Math.max(...shapes.map(([, m, n, k]) => Math.ceil(batchScratchBytes(m, n, k) / 16) * 16));
  const maxCount = Math.max(...shapes.map(([count]) => count));
  const jobAt = (runner.threads * scratchBytes) / 4;
  const tabAt = jobAt + align4(BATCH_JOB_WORDS);
  let top = tabAt + align4(3 * maxCount);
  let view = new Float32Array(memory.buffer);
  const heap = (): Float32Array => (view.buffer === memory.buffer ? view : (view = new Float32Array(memory.buffer)));
  const alloc = (floats: number): number => {
    const at = top;
    top += align4(floats);
    ensureScratch(memory, top * 4);
    return at;
  };
  return {
    memory,
    threads: runner.threads,
    heap,
    alloc,
    mark: () => top,
    release(mark) {
      top = mark;
    },
    stage(src, lo, hi) {
      const at = alloc(hi - lo);
      heap().set(src.subarray(lo, hi), at);
      return at - lo;
    },
    batch(count, m, n, k, aAt, as0, as1, bAt, bs0, bs1, cAt, cRow, skip, acc = false, biasAt = -1) {
      if (count > maxCount || batchScratchBytes(m, n, k) > scratchBytes || !inModuleShape(m, n, k)) {
        throw new Error(`gemm session: a ${count} x ${m}x${n}x${k} job it was not opened for`);
      }
      if (biasAt >= 0 && !acc && !biasInKernel.enabled) {
        const pack = matmulPackFor(memory)!;
        for (let i = 0; i < count; i++) pack.copyRows(cAt[i] * 4, biasAt * 4, m, n, 0, cRow * 4);
        acc = true;
      }
      const words = new Int32Array(memory.buffer);
      for (let i = 0; i < count; i++) {
        words[tabAt + i] = aAt[i] * 4;
        words[tabAt + count + i] = bAt[i] * 4;
        words[tabAt + 2 * count + i] = cAt[i] * 4;
      }
      const job = [
        m / MR, n / NR, k, packerIndex(MR, as0, as1), as0 * 4, as1 * 4, packerIndex(NR, bs1, bs0), bs1 * 4, bs0 * 4,
        m, n, cRow * 4, tabAt * 4, (tabAt + count) * 4, (tabAt + 2 * count) * 4, skipWord(skip),
        acc ? BATCH_STORE.ACC : biasAt >= 0 ? BATCH_STORE.BIAS : BATCH_STORE.SET, biasAt >= 0 ? biasAt * 4 : 0,
      ];
      for (let w = 0; w < BATCH_JOB_WORDS; w++) words[jobAt + w] = job[w];
      // No thread has packed this job's B yet (see gemm_batch.ts).
      const packedB = batchPackedBAt(m, n, k) / 4;
      for (let t = 0; t < runner.threads; t++) words[(t * scratchBytes) / 4 + packedB] = 0;
      runner.run(jobAt * 4, count, 0, scratchBytes);
    },
  };
}
