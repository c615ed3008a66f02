/**
 * A/B of MultiheadAttention's packed self-attention projection (one [N L, E] @ [E, 3E] product for
 * q, k and v, and attention_core's fusedPackedAttention taking the projection as its one input) in
 * the GPT step (bench/gpt.ts), in one process: rounds of steps alternate between three
 * projections and the packed one (packedProjection.enabled); medians of CPU and wall time per
 * step, the losses of both, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_packed_projection_ab.ts [rounds]
 */
import { execSync } from "node:child_process";
import { gptStep } from "./gpt";
import { packedProjection } from "../lib/tensor/nn/functional/attention_core";

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const losses = [false, true].map((on) => { packedProjection.enabled = on; const s = gptStep(); return Array.from({ length: 6 }, () => s()); });
console.log(`losses three products ${losses[0].join(" ")}\nlosses packed         ${losses[1].join(" ")}\nmax relative difference ${Math.max(...losses[0].map((x, i) => Math.abs(x - losses[1][i]) / Math.abs(x))).toExponential(2)}`);
const step = gptStep();
for (let i = 0; i < 5; i++) step();
const rounds = Number(process.argv[2] ?? 40), per = 3;
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { packedProjection.enabled = v === 1; const c0 = cpu(), t0 = performance.now(); for (let i = 0; i < per; i++) step(); t[v].push((cpu() - c0) / per); w[v].push((performance.now() - t0) / per); }
console.log(`three products CPU ${med(t[0]).toFixed(2)} wall ${med(w[0]).toFixed(2)} ms; packed CPU ${med(t[1]).toFixed(2)} wall ${med(w[1]).toFixed(2)} ms; per round CPU x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)} wall x${med(w[1].map((x, i) => x / w[0][i])).toFixed(3)}`);
console.log(execSync("uptime").toString().trim());
packedProjection.enabled = true;
