/**
 * The pool's hand-off cost on one GPT-sized product (default 1024x64 @ 64x64, row-sliced into a
 * gemm_batch job): products alternate between the single-thread GEMM and a pool that splits every
 * product (adaptive off), with `gap` µs of busy JS work between products (as the GPT step's layer
 * norms and softmaxes separate its GEMMs, letting the pool thread fall asleep). Prints medians of
 * wall µs per product and process CPU µs per product+gap cycle minus the gap's, with the load.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_handoff.ts [m n k] [rounds] [spin µs]
 *
 * Where a split product's time goes (the serial part of two threads): the same alternation with no
 * gap, the pool thread stamping when it claims the job and when it hands it back (its source text
 * is instrumented by this bench's spawner, so the engine carries no timing code), printed as medians
 * from the start of kernels.matmul: staging until the thread claims, its busy time, the tail from
 * its hand-back to the call's return, and how many row panels or slices it computed of the total:
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_handoff.ts timeline [m n k] [rounds]
 */
import { execSync } from "node:child_process";
import { kernels } from "../lib/tensor/kernels/registry";
import { nodeThreadSpawner, readyPool } from "./node-threads";
import { timelineSpawner } from "./threads_timeline";

const timeline = process.argv[2] === "timeline";
const args = process.argv.slice(timeline ? 3 : 2);
const [m, n, k] = [Number(args[0] ?? 1024), Number(args[1] ?? 64), Number(args[2] ?? 64)];
const rounds = Number(args[3] ?? 400);
// µs a pool thread polls for its next job before sleeping (threads.ts SPIN_MICROS by default).
const spin = args[4] === undefined ? undefined : Number(args[4]);
const single = kernels.gemm!;
const stamps = timelineSpawner(nodeThreadSpawner);
const pool = readyPool(2, single, { spin, adaptive: false, spawner: timeline ? stamps.spawn : nodeThreadSpawner });
const a = new Float32Array(m * k).map((_, i) => Math.sin(i)), b = new Float32Array(k * n).map((_, i) => Math.cos(i)), c = new Float32Array(m * n);
const product = () => kernels.matmul(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0);
const busy = (us: number) => { const t = performance.now() + us / 1000; while (performance.now() < t); };
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const med = (s: number[]) => [...s].sort((x, y) => x - y)[s.length >> 1];
console.log(execSync("uptime").toString().trim());
if (timeline) {
  // Each round: the product alone, then split, with the pool thread's stamps (µs from the call's start).
  const parts: Record<string, number[]> = { alone: [], split: [], claim: [], busy: [], tail: [], units: [], total: [] };
  for (let r = 0; r < rounds; r++) {
    kernels.gemm = single;
    let t0 = performance.timeOrigin + performance.now();
    product();
    parts.alone.push((performance.timeOrigin + performance.now() - t0) * 1000);
    kernels.gemm = pool.gemm;
    t0 = performance.timeOrigin + performance.now();
    product();
    const t1 = performance.timeOrigin + performance.now();
    const s = stamps.of(1);
    if (r < 10 || !(s.claimed >= t0)) continue; // warm-up, or the thread claimed no job in this call
    parts.split.push((t1 - t0) * 1000);
    parts.claim.push((s.claimed - t0) * 1000);
    parts.busy.push((s.done - s.claimed) * 1000);
    parts.tail.push((t1 - s.done) * 1000);
    parts.units.push(s.units);
    parts.total.push(s.total);
  }
  const q = (name: string) => med(parts[name]).toFixed(0);
  console.log(`${m}x${k} @ ${k}x${n}, ${parts.split.length} rounds: alone ${q("alone")} µs; split ${q("split")} µs (x${(med(parts.alone) / med(parts.split)).toFixed(2)}): ` +
    `pool thread claims at ${q("claim")} µs, busy ${q("busy")} µs, call returns ${q("tail")} µs after its hand-back; it computed ${q("units")} of ${q("total")} units`);
}
for (const gap of timeline ? [] : [0, 100, 1000]) {
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
