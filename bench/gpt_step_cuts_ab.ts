/**
 * A/B of this round's GPT-step cuts together, in one process: norm1 joining the packed q/k/v
 * projection (normLinearInModule_), the bias added by the GEMM kernel (biasInKernel) and causally
 * skipped products packing B once per slice (batchBOnce), all off against all on (each keeps its
 * old path for this); rounds alternate; medians of CPU and wall time per step, losses of both
 * compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_step_cuts_ab.ts [rounds]
 */
import { execSync } from "node:child_process";
import { gptStep } from "./gpt";
import { batchBOnce, biasInKernel } from "../lib/tensor/kernels/wasm/gemm_batch";
import { normLinearInModule_ } from "../lib/tensor/nn/functional/norm_linear_in_module";

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const set = (on: boolean) => { normLinearInModule_.enabled = on; biasInKernel.enabled = on; batchBOnce.enabled = on; };

// Losses of 6 steps from the same seed on each path: the arithmetic is the same, so the same bits.
const losses = [false, true].map((on) => { set(on); const s = gptStep(); return Array.from({ length: 6 }, () => s()); });
console.log(`losses before ${losses[0].join(" ")}\nlosses after  ${losses[1].join(" ")}\nbit-equal: ${losses[0].every((x, i) => Object.is(x, losses[1][i]))}`);
const step = gptStep();
for (let i = 0; i < 5; i++) step();
const rounds = Number(process.argv[2] ?? 40), per = 3;
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { set(v === 1); const c0 = cpu(), t0 = performance.now(); for (let i = 0; i < per; i++) step(); t[v].push((cpu() - c0) / per); w[v].push((performance.now() - t0) / per); }
console.log(`before CPU ${med(t[0]).toFixed(2)} wall ${med(w[0]).toFixed(2)} ms; after CPU ${med(t[1]).toFixed(2)} wall ${med(w[1]).toFixed(2)} ms; per round CPU x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)} wall x${med(w[1].map((x, i) => x / w[0][i])).toFixed(3)}`);
console.log(execSync("uptime").toString().trim());
set(true);
