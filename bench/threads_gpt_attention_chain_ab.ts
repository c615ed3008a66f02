/**
 * The GPT step (bench/gpt.ts) on the WebAssembly thread pool with fused attention's chains
 * decided by their first job's shape (chainChoice off: the old way) and as whole chains (on:
 * gemm_session.ts ChainChooser, timed open to end), alternated round by round in one process;
 * medians of CPU and wall time per step with the load before and after, then how often each
 * attention chain ran split or alone in each variant and the chooser's chain verdicts. Needs the
 * second core free for wall-time gains.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_gpt_attention_chain_ab.ts [rounds] [threads]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { chainChoice, chainChoosers } from "../lib/tensor/kernels/wasm/gemm_session";
import { createThreadPool } from "../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "./node-threads";
import { gptStepAb, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 30), threads = Number(process.argv[3] ?? 2);
const single = kernels.gemm!;
const pool = createThreadPool(nodeThreadSpawner, threads, undefined, undefined, true, single);
while (!pool.ready()) {
  const t = Date.now();
  while (Date.now() - t < 5);
}
// Tallies of how the attention sessions ran: off, by forBatch of their first shapes (Q K^T b64,64,64,16; dV b64,64,16,64 in the GPT bench); on, by forChain.
const tally: Record<string, { split: number; alone: number }> = {};
const count = (what: string, split: boolean) => {
  const t = (tally[what] ??= { split: 0, alone: 0 });
  if (split) t.split++;
  else t.alone++;
};
const forBatch = pool.gemm.forBatch!;
pool.gemm.forBatch = (c, m, n, k) => {
  const g = forBatch(c, m, n, k);
  if (!chainChoice.enabled && (n === 64 && k === 16 || n === 16 && k === 64) && m === 64) count(`first job b${c},${m},${n},${k}`, g === pool.gemm);
  return g;
};
const chains = chainChoosers.get(pool.gemm)!;
chainChoosers.set(pool.gemm, {
  forChain(key, shapes) {
    const r = chains.forChain(key, shapes);
    count(`chain ${key.split("|")[0]}`, r.gemm !== single);
    return r;
  },
});
kernels.gemm = pool.gemm;
gptStepAb((on) => (chainChoice.enabled = on), ["first job decides:", "whole chain decides:"], rounds);
chainChoice.enabled = false;
kernels.gemm = single;
for (const [what, t] of Object.entries(tally)) console.log(`${what.padEnd(36)} split ${t.split} alone ${t.alone}`);
for (const v of pool.verdicts()) if (v.key.startsWith("c") || v.key.startsWith("b64,")) console.log(`${v.key.split("|")[0].padEnd(36)} alone ${v.alone.toFixed(3)} split ${v.split.toFixed(3)} ${v.splitWins ? "SPLIT" : "alone"}`);
console.log(JSON.stringify(pool.counts()));
console.log(uptime());
pool.terminate();
