/**
 * A/B of the GPT step (bench/gpt.ts) on one thread and on the WebAssembly thread pool, in one
 * process: rounds alternate between the single-thread GEMM and the pool's (adaptive, as
 * enableThreads makes it), and the medians of CPU and wall time per step are printed with the
 * load before and after (wall-time gains need a free second core; CPU time shows the overhead
 * the pool adds whatever the load).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_threads_ab.ts [rounds] [threads]
 */
import { execSync } from "node:child_process";
import { kernels } from "../lib/tensor/kernels/registry";
import { createThreadPool } from "../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "./node-threads";
import { gptStep } from "./gpt";

const rounds = Number(process.argv[2] ?? 20), threads = Number(process.argv[3] ?? 2), per = 3;
// Optional: µs a pool thread polls for its next job before sleeping (threads.ts SPIN_MICROS by default).
const spin = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const single = kernels.gemm!;
const pool = createThreadPool(nodeThreadSpawner, threads, undefined, spin, true, single);
while (!pool.ready()) { const t = Date.now(); while (Date.now() - t < 5); }
const step = gptStep();
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let i = 0; i < 6; i++) { kernels.gemm = i % 2 ? single : pool.gemm; step(); }
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < rounds; r++) {
  for (const v of r % 2 ? [0, 1] : [1, 0]) {
    kernels.gemm = v ? pool.gemm : single;
    const c0 = cpu(), t0 = performance.now();
    for (let i = 0; i < per; i++) step();
    t[v].push((cpu() - c0) / per);
    w[v].push((performance.now() - t0) / per);
  }
}
kernels.gemm = single;
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`1 thread: CPU ${med(t[0]).toFixed(2)} wall ${med(w[0]).toFixed(2)} ms; ${threads} threads: CPU ${med(t[1]).toFixed(2)} wall ${med(w[1]).toFixed(2)} ms; per round CPU x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)} wall x${med(w[1].map((x, i) => x / w[0][i])).toFixed(3)}`);
console.log(JSON.stringify(pool.counts()));
console.log(execSync("uptime").toString().trim());
pool.terminate();
if (process.env.VERDICTS) for (const v of pool.verdicts()) console.log(`${v.key.padEnd(16)} alone ${v.alone.toFixed(3)} split ${v.split.toFixed(3)} ${v.splitWins ? "SPLIT" : "alone"}`);
