/**
 * How the pool decides the GPT step's gemm sessions (bench/gpt.ts on a thread pool): every
 * Gemm.forBatch call counted by shape key, split (the pool's driver) or alone (the single-thread
 * driver), plus the chooser's final verdicts. Fused attention's forward session asks with its
 * first job's shape (Q K^T: b64,64,64,16 in the GPT bench), the backward with dV's (b64,64,16,64)
 * (gemm_session.ts chainChoice off, the default); with CHAIN=1 the pool decides each chain as a
 * whole (ChainChooser.forChain, counted as "chain ...").
 *
 *   [CHAIN=1] node --experimental-wasm-relaxed-simd --import tsx bench/threads_gpt_attention_verdicts.ts [steps] [threads]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { chainChoice, chainChoosers } from "../lib/tensor/kernels/wasm/gemm_session";
import { createThreadPool } from "../lib/tensor/kernels/wasm/threads";
import { gptStep } from "./gpt";
import { nodeThreadSpawner } from "./node-threads";
import { uptime } from "./ab";

const steps = Number(process.argv[2] ?? 60), threads = Number(process.argv[3] ?? 2);
const single = kernels.gemm!;
const pool = createThreadPool(nodeThreadSpawner, threads, undefined, undefined, true, single);
while (!pool.ready()) {
  const t = Date.now();
  while (Date.now() - t < 5);
}
const tally = new Map<string, { split: number; alone: number }>();
const forBatch = pool.gemm.forBatch!;
pool.gemm.forBatch = (count, m, n, k) => {
  const g = forBatch(count, m, n, k);
  const key = `b${count},${m},${n},${k}`;
  const t = tally.get(key) ?? { split: 0, alone: 0 };
  if (g === pool.gemm) t.split++;
  else t.alone++;
  tally.set(key, t);
  return g;
};
chainChoice.enabled = process.env.CHAIN === "1";
const chains = chainChoosers.get(pool.gemm)!;
chainChoosers.set(pool.gemm, {
  forChain(key, shapes) {
    const r = chains.forChain(key, shapes);
    const name = `chain ${key.split("|")[0]}`;
    const t = tally.get(name) ?? { split: 0, alone: 0 };
    if (r.gemm === single) t.alone++;
    else t.split++;
    tally.set(name, t);
    return r;
  },
});
kernels.gemm = pool.gemm;
console.log(`${uptime()}; whole chains decided: ${chainChoice.enabled}`);
const step = gptStep();
for (let i = 0; i < 5; i++) step();
tally.clear();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
console.log(`${steps} steps on ${threads} threads: ${((performance.now() - t0) / steps).toFixed(2)} ms/step`);
for (const [key, t] of tally) console.log(`forBatch ${key.padEnd(20)} split ${t.split} alone ${t.alone}`);
console.log(JSON.stringify(pool.counts()));
chainChoice.enabled = false;
for (const v of pool.verdicts()) if (v.key.startsWith("c") || v.key.startsWith("b64,")) console.log(`${v.key.padEnd(16)} alone ${v.alone.toFixed(3)} split ${v.split.toFixed(3)} ${v.splitWins ? "SPLIT" : "alone"}`);
console.log(uptime());
kernels.gemm = single;
pool.terminate();
