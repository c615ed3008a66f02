/**
 * A/B of the bias row added by the GEMM kernel (gemm_bias, kernels/wasm/gemm_kernel.ts) against
 * copying it into every row of C for gemm_acc first (the same bits), in the GPT step (bench/gpt.ts)
 * and on one Linear forward of the step's shape (1024 x 64 @ 64 x 256 + b, as linear1), in one
 * process: rounds alternate between the two (biasInKernel.enabled); medians of CPU time (and wall
 * time for the step), losses of both compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_bias_in_kernel_ab.ts [rounds]
 */
import { execSync } from "node:child_process";
import { gptStep } from "./gpt";
import { matmulBias } from "../lib/tensor/kernels/matmul_bias";
import { biasInKernel } from "../lib/tensor/kernels/wasm/gemm_batch";

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** linear1's forward product alone (row-sliced with the bias), alternated. */
function productAlone(rounds: number): void {
  const m = 1024, n = 256, k = 64;
  const x = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)), w = Float32Array.from({ length: n * k }, (_, i) => Math.cos(i));
  const b = Float32Array.from({ length: n }, (_, i) => i / n), c = new Float32Array(m * n);
  const once = () => void matmulBias(m, n, k, x, 0, k, 1, w, 0, 1, k, b, 0, 1, c, 0);
  const t: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { biasInKernel.enabled = v === 1; const c0 = cpu(); for (let i = 0; i < 20; i++) once(); t[v].push((cpu() - c0) / 20); }
  console.log(`1024x64 @ 64x256 + b alone: bias preloaded CPU ${med(t[0]).toFixed(3)} ms, in the kernel ${med(t[1]).toFixed(3)} ms, per round x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)}`);
}

// Losses of 6 steps from the same seed on each path: the arithmetic is the same, so the same bits.
const losses = [false, true].map((on) => { biasInKernel.enabled = on; const s = gptStep(); return Array.from({ length: 6 }, () => s()); });
console.log(`losses preloaded ${losses[0].join(" ")}\nlosses in kernel ${losses[1].join(" ")}\nbit-equal: ${losses[0].every((x, i) => Object.is(x, losses[1][i]))}`);
const step = gptStep();
for (let i = 0; i < 5; i++) step();
const rounds = Number(process.argv[2] ?? 40), per = 3;
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { biasInKernel.enabled = v === 1; const c0 = cpu(), t0 = performance.now(); for (let i = 0; i < per; i++) step(); t[v].push((cpu() - c0) / per); w[v].push((performance.now() - t0) / per); }
console.log(`preloaded CPU ${med(t[0]).toFixed(2)} wall ${med(w[0]).toFixed(2)} ms; in kernel CPU ${med(t[1]).toFixed(2)} wall ${med(w[1]).toFixed(2)} ms; per round CPU x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)} wall x${med(w[1].map((x, i) => x / w[0][i])).toFixed(3)}`);
productAlone(rounds);
console.log(execSync("uptime").toString().trim());
biasInKernel.enabled = true;
