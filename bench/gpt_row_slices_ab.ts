/**
 * A/B of matmul_simd.ts's row slices in the GPT step (bench/gpt.ts), in one process: steps
 * alternate between the one-product GEMM path and the row-sliced one (rowSlicing.enabled), on
 * one thread or on a pool of `threads` (adaptive, as enableThreads makes it), and the medians of
 * CPU and wall time per step are printed with the load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_row_slices_ab.ts [rounds] [threads]
 */
import { rowSlicing } from "../lib/tensor/kernels/wasm/matmul_simd";
import { kernels } from "../lib/tensor/kernels/registry";
import { readyPool } from "./node-threads";
import { gptStepAb, uptime } from "./ab";

const threads = Number(process.argv[3] ?? 1);
const single = kernels.gemm!;
const pool = threads > 1 ? readyPool(threads, single) : null;
if (pool) kernels.gemm = pool.gemm;
console.log(`${threads} thread(s):`);
gptStepAb((on) => (rowSlicing.enabled = on), ["one-product path", "row slices"], Number(process.argv[2] ?? 40));
if (pool) console.log(JSON.stringify(pool.counts()));
console.log(uptime());
kernels.gemm = single;
pool?.terminate();
