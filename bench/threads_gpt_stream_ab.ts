/**
 * The GPT step (bench/gpt.ts) on the two-thread pool, before and after the pool's matmul changes of
 * this round, alternated in one process (bench/ab.ts gptStepAb, medians of CPU and wall time per
 * step): "before" decides row-sliced products as products first (matmul_simd.ts rowSlicedFirst off)
 * and copies a split batch job's C out after the whole job (threads.ts streamSlices off), torch.mm
 * allocates its output before the kernel (lazyOutput off) and a split row-sliced product keeps one
 * thread's slices (fineSlices off) and stages all of A before posting (stageLater off); "after" the defaults. Also prints a one-thread row for scale.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_gpt_stream_ab.ts [rounds]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { streamSlices } from "../lib/tensor/kernels/wasm/threads";
import { fineSlices, lazyOutput, rowSlicedFirst, stageLater } from "../lib/tensor/kernels/wasm/matmul_simd";
import { readyPool } from "./node-threads";
import { gptStepAb, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 20);
const single = kernels.gemm!;
const pool = readyPool(2, single);
kernels.gemm = pool.gemm;
gptStepAb((on) => (streamSlices.enabled = rowSlicedFirst.enabled = lazyOutput.enabled = fineSlices.enabled = stageLater.enabled = on), ["2 threads, before:", "2 threads, after:"], rounds);
streamSlices.enabled = rowSlicedFirst.enabled = lazyOutput.enabled = fineSlices.enabled = stageLater.enabled = true;
gptStepAb((on) => (kernels.gemm = on ? pool.gemm : single), ["1 thread:", "2 threads:"], Math.max(4, rounds >> 2));
kernels.gemm = single;
console.log(JSON.stringify(pool.counts()));
console.log(uptime());
pool.terminate();
