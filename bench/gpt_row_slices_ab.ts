/**
 * A/B of matmul_simd.ts's row slices in the GPT step (bench/gpt.ts), in one process: steps
 * alternate between the one-product GEMM path and the row-sliced one (rowSlicing.enabled), on
 * one thread or on a pool of `threads` (adaptive, as enableThreads makes it), and the medians of
 * CPU and wall time per step are printed with the load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_row_slices_ab.ts [rounds] [threads]
 */
import { execSync } from "node:child_process";
import { rowSlicing } from "../lib/tensor/kernels/wasm/matmul_simd";
import { kernels } from "../lib/tensor/kernels/registry";
import { createThreadPool } from "../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "./node-threads";
import { gptStep } from "./gpt";
const threads = Number(process.argv[3] ?? 1);
const single = kernels.gemm!;
const pool = threads > 1 ? createThreadPool(nodeThreadSpawner, threads, undefined, undefined, true, single) : null;
if (pool) { while (!pool.ready()) { const t = Date.now(); while (Date.now() - t < 5); } kernels.gemm = pool.gemm; }
const step = gptStep();
for (let i = 0; i < 5; i++) step();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const rounds = Number(process.argv[2] ?? 40), per = 3;
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { rowSlicing.enabled = v === 1; const c0 = cpu(), t0 = performance.now(); for (let i = 0; i < per; i++) step(); t[v].push((cpu() - c0) / per); w[v].push((performance.now() - t0) / per); }
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`${threads} thread(s): one-product path CPU ${med(t[0]).toFixed(2)} wall ${med(w[0]).toFixed(2)} ms; row slices CPU ${med(t[1]).toFixed(2)} wall ${med(w[1]).toFixed(2)} ms; per round CPU x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)} wall x${med(w[1].map((x, i) => x / w[0][i])).toFixed(3)}`);
if (pool) console.log(JSON.stringify(pool.counts()));
console.log(execSync("uptime").toString().trim());
kernels.gemm = single; pool?.terminate();
