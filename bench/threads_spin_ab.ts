/**
 * How long a pool thread polls for its next job before sleeping (threads.ts SPIN_MICROS), two
 * settings alternated run by run in one process (a fresh two-thread pool for each run): bench/threads.ts's
 * matmul 256 row (torch.mm, one thread and the pool alternated call by call, medians: half its
 * pool calls come after two one-thread calls, ~1.5 ms) and the GPT step on the pool alone (median
 * wall and process CPU ms per step), with the load.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_spin_ab.ts [runs] [spin µs] [spin µs]
 */
import { execSync } from "node:child_process";
import { torch } from "../lib/tensor/index";
import { kernels } from "../lib/tensor/kernels/registry";
import { readyPool } from "./node-threads";
import { gptStep } from "./gpt";

const runs = Number(process.argv[2] ?? 4);
const spins = [Number(process.argv[3] ?? 1000), Number(process.argv[4] ?? 2500)];
const med = (s: number[]) => [...s].sort((x, y) => x - y)[s.length >> 1];
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const single = kernels.gemm!;
torch.manual_seed(1);
const a = torch.randn(256, 256), b = torch.randn(256, 256);
const step = gptStep();
for (let i = 0; i < 3; i++) step();
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < runs; r++) {
  for (const spin of r % 2 ? [...spins].reverse() : spins) {
    const pool = readyPool(2, single, { spin });
    const one: number[] = [], many: number[] = [];
    for (let i = 0; i < 1200; i++) {
      for (const on of i % 2 ? [false, true] : [true, false]) {
        kernels.gemm = on ? pool.gemm : single;
        const t0 = performance.now();
        torch.mm(a, b);
        if (i >= 20) (on ? many : one).push((performance.now() - t0) * 1000);
      }
    }
    kernels.gemm = pool.gemm;
    const wall: number[] = [], cpu: number[] = [];
    for (let i = 0; i < 12; i++) {
      const c0 = cpuMs(), t0 = performance.now();
      step();
      if (i >= 2) { wall.push(performance.now() - t0); cpu.push(cpuMs() - c0); }
    }
    kernels.gemm = single;
    pool.terminate();
    console.log(`spin ${spin} µs: matmul 256 one thread ${med(one).toFixed(0)} µs, 2 threads ${med(many).toFixed(0)} µs (x${(med(one) / med(many)).toFixed(2)}); GPT step on 2 threads wall ${med(wall).toFixed(2)} ms, CPU ${med(cpu).toFixed(2)} ms`);
  }
}
console.log(execSync("uptime").toString().trim());
