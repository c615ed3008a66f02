/**
 * A/B of splitting the GPT step's row passes (attention softmax forward and backward, GELU forward
 * and backward, layer norm forward: kernels/wasm/row_kernels.ts) across the WebAssembly thread
 * pool, in one process: rounds alternate the pool with its row passes on the calling thread only
 * (the old way) and split (adaptive, as enableThreads makes the pool); then the same for one thread
 * (whose path the split must not slow). Prints the losses both ways (bit-equal: the split must not
 * change a bit) and the medians of CPU and wall time per step with the load.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_row_split_ab.ts [rounds] [threads]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { rowSplitting } from "../lib/tensor/kernels/wasm/row_kernels";
import { readyPool } from "./node-threads";
import { gptLossesBothWays, gptStepAb, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 20), threads = Number(process.argv[3] ?? 2);
const single = kernels.gemm!;
const pool = readyPool(threads, single);
const split = (on: boolean) => (rowSplitting.enabled = on);
kernels.gemm = pool.gemm;
gptLossesBothWays(split, ["rows on the caller:", "rows split:"]);
console.log(`${threads} threads:`);
gptStepAb(split, ["rows on the caller:", "rows split:"], rounds);
console.log(JSON.stringify(pool.counts()));
kernels.gemm = single;
console.log("1 thread (the flag changes nothing there):");
gptStepAb(split, ["flag off:", "flag on:"], Math.max(4, rounds >> 1));
rowSplitting.enabled = true;
console.log(uptime());
pool.terminate();
if (process.env.VERDICTS) for (const v of pool.verdicts()) console.log(`${v.key.padEnd(16)} alone ${v.alone.toFixed(3)} split ${v.split.toFixed(3)} ${v.splitWins ? "SPLIT" : "alone"}`);
