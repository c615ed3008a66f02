/**
 * matmul 256 (torch.mm, 256x256 @ 256x256) on one thread and on the two-thread pool, the pool's
 * variants alternated call by call in one process: the row-sliced path tried before the pool is
 * asked about the product (matmul_simd.ts rowSlicedFirst) or after; the split batch job's slices copied out as they
 * finish (threads.ts streamSlices) or all after the job. Prints the median µs of each and its speed-up over one
 * thread, with the load (uptime, and the cores other programs used during the run).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_stream_ab.ts [n] [rounds]
 */
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { torch } from "../lib/tensor/index";
import { kernels } from "../lib/tensor/kernels/registry";
import { enableThreads, disableThreads } from "../lib/tensor/kernels/parallel";
import { streamSlices } from "../lib/tensor/kernels/wasm/threads";
import { fineSlices, lazyOutput, rowSlicedFirst, stageLater } from "../lib/tensor/kernels/wasm/matmul_simd";
import { nodeThreadSpawner } from "./node-threads";

const n = Number(process.argv[2] ?? 256);
const rounds = Number(process.argv[3] ?? 600);

function busyCores(): number {
  const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return ticks.reduce((a, b) => a + b, 0) - ticks[3] - (ticks[4] ?? 0);
}

const variants: { name: string; stream: boolean; first: boolean; lazy: boolean; fine: boolean; later: boolean }[] = [
  { name: "pool, before (product decision first, copy after the job)", stream: false, first: false, lazy: false, fine: false, later: false },
  { name: "pool, row slices decided first", stream: false, first: true, lazy: false, fine: false, later: false },
  { name: "pool, row slices decided first + streamed copy-out", stream: true, first: true, lazy: false, fine: false, later: false },
  { name: "pool, .. + output allocated meanwhile + finer slices", stream: true, first: true, lazy: true, fine: true, later: false },
  { name: "pool, .. + output allocated meanwhile + finer slices + A's rows staged after the post", stream: true, first: true, lazy: true, fine: true, later: true },
];

const single = kernels.gemm;
enableThreads(nodeThreadSpawner, 2);
const started = Date.now();
while (Date.now() - started < 300); // Node starts the workers on their own threads
const pooled = kernels.gemm;
torch.manual_seed(1);
const a = torch.randn(n, n), b = torch.randn(n, n);
const med = (s: number[]) => [...s].sort((x, y) => x - y)[s.length >> 1];
const times: number[][] = [[], ...variants.map(() => [])];
console.log(execSync("uptime").toString().trim());
const busy0 = busyCores(), cpu0 = process.cpuUsage(), t0 = performance.now();
for (let r = 0; r < rounds; r++) {
  // Each round: one thread and every variant, in a rotating order.
  for (let j = 0; j <= variants.length; j++) {
    const v = (j + r) % (variants.length + 1);
    kernels.gemm = v === 0 ? single : pooled;
    if (v > 0) {
      streamSlices.enabled = variants[v - 1].stream;
      rowSlicedFirst.enabled = variants[v - 1].first;
      lazyOutput.enabled = variants[v - 1].lazy;
      fineSlices.enabled = variants[v - 1].fine;
      stageLater.enabled = variants[v - 1].later;
    }
    const s = performance.now();
    torch.mm(a, b);
    if (r >= 20) times[v].push((performance.now() - s) * 1000);
  }
}
const wall = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0);
const others = ((busyCores() - busy0) / 100 - (cpu.user + cpu.system) / 1e6) / wall;
streamSlices.enabled = rowSlicedFirst.enabled = lazyOutput.enabled = fineSlices.enabled = stageLater.enabled = true;
kernels.gemm = pooled;
disableThreads();
const one = med(times[0]);
console.log(`torch.mm ${n}x${n} @ ${n}x${n}, ${rounds - 20} rounds, median µs: one thread ${one.toFixed(0)}`);
variants.forEach((v, i) => console.log(`  ${med(times[i + 1]).toFixed(0)} µs x${(one / med(times[i + 1])).toFixed(2)}  ${v.name}`));
console.log(`cores used by other programs during the run: ${Math.max(0, others).toFixed(2)} of 2`);
console.log(execSync("uptime").toString().trim());
