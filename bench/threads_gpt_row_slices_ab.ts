/**
 * The GPT step (bench/gpt.ts) on a 2-thread pool with matmul's row-sliced products (matmul_simd.ts
 * rowSliced: the 1024-row products of the GPT bench) cut into A or B slices per thread at least
 * (poolSlicing.perThread; slices of 32 rows or more), alternated round by round in one process:
 * medians of CPU and wall time per step, with the load before and after. Needs the second core free.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_gpt_row_slices_ab.ts [rounds] [A,B]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { poolSlicing } from "../lib/tensor/kernels/wasm/matmul_simd";
import { readyPool } from "./node-threads";
import { gptStepAb, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 30);
const [a, b] = (process.argv[3] ?? "4,8").split(",").map(Number);
const initial = poolSlicing.perThread;
const single = kernels.gemm!;
const pool = readyPool(2, single);
kernels.gemm = pool.gemm;
gptStepAb((on) => (poolSlicing.perThread = on ? b : a), [`${a} slices per thread:`, `${b} slices per thread:`], rounds);
poolSlicing.perThread = initial;
kernels.gemm = single;
console.log(JSON.stringify(pool.counts()));
console.log(uptime());
pool.terminate();
