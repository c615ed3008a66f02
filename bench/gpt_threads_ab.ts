/**
 * A/B of the GPT step (bench/gpt.ts) on one thread and on the WebAssembly thread pool, in one
 * process: rounds alternate between the single-thread GEMM and the pool's (adaptive, as
 * enableThreads makes it), and the medians of CPU and wall time per step are printed with the
 * load before and after (wall-time gains need a free second core; CPU time shows the overhead
 * the pool adds whatever the load).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_threads_ab.ts [rounds] [threads]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { readyPool } from "./node-threads";
import { gptStepAb, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 20), threads = Number(process.argv[3] ?? 2);
// Optional: µs a pool thread polls for its next job before sleeping (threads.ts SPIN_MICROS by default).
const spin = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const single = kernels.gemm!;
const pool = readyPool(threads, single, { spin });
gptStepAb((on) => (kernels.gemm = on ? pool.gemm : single), ["1 thread:", `${threads} threads:`], rounds);
kernels.gemm = single;
console.log(JSON.stringify(pool.counts()));
console.log(uptime());
pool.terminate();
if (process.env.VERDICTS) for (const v of pool.verdicts()) console.log(`${v.key.padEnd(16)} alone ${v.alone.toFixed(3)} split ${v.split.toFixed(3)} ${v.splitWins ? "SPLIT" : "alone"}`);
