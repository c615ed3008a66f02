/**
 * The GPT step (bench/gpt.ts) on the WebAssembly thread pool with the in-module plans' finer row
 * slices behind a pool (feed_forward_in_module.ts poolSliceRows: at least 3 slices per thread, so
 * the weight gradients' jobs split evenly) off and on, alternated round by round in one process;
 * medians of CPU and wall time per step with the load before and after. Needs the second core free.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_gpt_slices_ab.ts [rounds] [threads]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { poolSliceRows } from "../lib/tensor/nn/functional/feed_forward_in_module";
import { readyPool } from "./node-threads";
import { gptStepAb, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 30), threads = Number(process.argv[3] ?? 2);
const single = kernels.gemm!;
const pool = readyPool(threads, single);
kernels.gemm = pool.gemm;
gptStepAb((on) => (poolSliceRows.enabled = on), ["64-row slices:", "3 slices per thread:"], rounds);
poolSliceRows.enabled = true;
kernels.gemm = single;
console.log(JSON.stringify(pool.counts()));
console.log(uptime());
pool.terminate();
