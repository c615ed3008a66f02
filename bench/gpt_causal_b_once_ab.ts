/**
 * A/B of causally skipped batch products packing each slice's B once (gemm_batch.ts, batchBOnce)
 * against each row group packing the part of B it reads (the same bits), in the GPT step
 * (bench/gpt.ts) and on attention's six per-head causal products alone (bench/gpt_gemms.ts's
 * shapes), in one process: rounds alternate between the two; medians of CPU time (and wall time
 * for the step), losses of both compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_causal_b_once_ab.ts [rounds]
 */
import { execSync } from "node:child_process";
import { gptStep } from "./gpt";
import { gptProducts } from "./gpt_gemms";
import { batchBOnce } from "../lib/tensor/kernels/wasm/gemm_batch";

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** Attention's six causal per-head products (one layer's), alternated. */
function productsAlone(rounds: number): void {
  const attention = gptProducts(true).filter((p) => p.name.startsWith("attn"));
  const once = () => { for (const p of attention) p.run(); };
  const t: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { batchBOnce.enabled = v === 1; const c0 = cpu(); for (let i = 0; i < 5; i++) once(); t[v].push((cpu() - c0) / 5); }
  console.log(`attention's ${attention.length} causal products alone: B per row group CPU ${med(t[0]).toFixed(3)} ms, B once per slice ${med(t[1]).toFixed(3)} ms, per round x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)}`);
}

// Losses of 6 steps from the same seed on each path: the arithmetic is the same, so the same bits.
const losses = [false, true].map((on) => { batchBOnce.enabled = on; const s = gptStep(); return Array.from({ length: 6 }, () => s()); });
console.log(`losses per group ${losses[0].join(" ")}\nlosses once      ${losses[1].join(" ")}\nbit-equal: ${losses[0].every((x, i) => Object.is(x, losses[1][i]))}`);
const step = gptStep();
for (let i = 0; i < 5; i++) step();
const rounds = Number(process.argv[2] ?? 40), per = 3;
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { batchBOnce.enabled = v === 1; const c0 = cpu(), t0 = performance.now(); for (let i = 0; i < per; i++) step(); t[v].push((cpu() - c0) / per); w[v].push((performance.now() - t0) / per); }
console.log(`B per group CPU ${med(t[0]).toFixed(2)} wall ${med(w[0]).toFixed(2)} ms; B once CPU ${med(t[1]).toFixed(2)} wall ${med(w[1]).toFixed(2)} ms; per round CPU x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)} wall x${med(w[1].map((x, i) => x / w[0][i])).toFixed(3)}`);
productsAlone(rounds);
console.log(execSync("uptime").toString().trim());
batchBOnce.enabled = true;
