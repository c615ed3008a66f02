/**
 * bench/threads.ts's matmul 256 row (torch.mm 256x256 @ 256x256, one thread and the pool alternated
 * call by call, medians: interleavedMs) under two settings of the pool's row slicing
 * (matmul_simd.ts poolSlicing: slices per thread, fewest rows per slice), alternated run by run in
 * one process, with the load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_slices_ab.ts [runs] [perThread,minRows (A)] [perThread,minRows (B)] [n]
 */
import { execSync } from "node:child_process";
import { torch } from "../lib/tensor/index";
import { poolSlicing } from "../lib/tensor/kernels/wasm/matmul_simd";
import { interleavedMs } from "./threads";

const runs = Number(process.argv[2] ?? 4);
const parse = (s: string | undefined, d: [number, number]): [number, number] => (s ? (s.split(",").map(Number) as [number, number]) : d);
const settings = [parse(process.argv[3], [8, 32]), parse(process.argv[4], [8, 16])];
const n = Number(process.argv[5] ?? 256);
const initial: [number, number] = [poolSlicing.perThread, poolSlicing.minRows];
const med = (s: number[]) => [...s].sort((x, y) => x - y)[s.length >> 1];

async function main(): Promise<void> {
  torch.manual_seed(1);
  const a = torch.randn(n, n), b = torch.randn(n, n);
  const opts = { warmup: 10, minMs: 1500, minIters: 5 };
  const ratios: number[][] = [[], []];
  console.log(execSync("uptime").toString().trim());
  for (let r = 0; r < runs; r++) {
    for (const v of r % 2 ? [1, 0] : [0, 1]) {
      [poolSlicing.perThread, poolSlicing.minRows] = settings[v];
      const { one, many } = await interleavedMs(() => torch.mm(a, b), opts);
      ratios[v].push(one / many);
      console.log(`${settings[v].join(",")}: one thread ${(one * 1000).toFixed(0)} µs, 2 threads ${(many * 1000).toFixed(0)} µs, x${(one / many).toFixed(2)}`);
    }
  }
  for (const v of [0, 1]) console.log(`${settings[v].join(",")}: median x${med(ratios[v]).toFixed(2)} (${ratios[v].map((x) => x.toFixed(2)).join(" ")})`);
  [poolSlicing.perThread, poolSlicing.minRows] = initial;
  console.log(execSync("uptime").toString().trim());
}

void main();
