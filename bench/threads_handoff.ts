/**
 * The pool's hand-off cost on one GPT-sized product (default 1024x64 @ 64x64, row-sliced into a
 * gemm_batch job): products alternate between the single-thread GEMM and a pool that splits every
 * product (adaptive off), with `gap` µs of busy JS work between products (as the GPT step's layer
 * norms and softmaxes separate its GEMMs, letting the pool thread fall asleep). Prints medians of
 * wall µs per product and process CPU µs per product+gap cycle minus the gap's, with the load.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_handoff.ts [m n k] [rounds] [spin µs]
 */
import { execSync } from "node:child_process";
import { kernels } from "../lib/tensor/kernels/registry";
import { createThreadPool } from "../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "./node-threads";

const [m, n, k] = [Number(process.argv[2] ?? 1024), Number(process.argv[3] ?? 64), Number(process.argv[4] ?? 64)];
const rounds = Number(process.argv[5] ?? 400);
// µs a pool thread polls for its next job before sleeping (threads.ts SPIN_MICROS by default).
const spin = process.argv[6] === undefined ? undefined : Number(process.argv[6]);
const single = kernels.gemm!;
const pool = createThreadPool(nodeThreadSpawner, 2, undefined, spin, false, single);
while (!pool.ready()) { const t = Date.now(); while (Date.now() - t < 5); }
const a = new Float32Array(m * k).map((_, i) => Math.sin(i)), b = new Float32Array(k * n).map((_, i) => Math.cos(i)), c = new Float32Array(m * n);
const product = () => kernels.matmul(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0);
const busy = (us: number) => { const t = performance.now() + us / 1000; while (performance.now() < t); };
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const med = (s: number[]) => [...s].sort((x, y) => x - y)[s.length >> 1];
console.log(execSync("uptime").toString().trim());
for (const gap of [0, 100, 1000]) {
  const wall: number[][] = [[], []], cpuUs: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 ? [0, 1] : [1, 0]) {
      kernels.gemm = v ? pool.gemm : single;
      busy(gap);
      const c0 = cpu(), t0 = performance.now();
      product();
      const t1 = performance.now();
      busy(gap); // the pool thread's spinning after the product lands in this gap
      const c1 = cpu(), t2 = performance.now();
      if (r < 10) continue;
      wall[v].push((t1 - t0) * 1000);
      cpuUs[v].push(c1 - c0 - (t2 - t1) * 1000);
    }
  }
  console.log(`${m}x${k} @ ${k}x${n}, spin ${spin ?? "default"}, gap ${gap} µs: 1 thread wall ${med(wall[0]).toFixed(0)} µs CPU ${med(cpuUs[0]).toFixed(0)} µs; split wall ${med(wall[1]).toFixed(0)} µs CPU ${med(cpuUs[1]).toFixed(0)} µs (x${(med(wall[0]) / med(wall[1])).toFixed(2)} speed-up, CPU x${(med(cpuUs[1]) / med(cpuUs[0])).toFixed(2)})`);
}
console.log(execSync("uptime").toString().trim());
kernels.gemm = single;
pool.terminate();
