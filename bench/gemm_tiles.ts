/**
 * The GEMM micro-kernel's register tiles A/B (gemm_kernel.ts): the bare kernel (packed panels
 * already in module memory, so no packing or copying) with 4-row tiles against the shipped
 * TILE_ROWS, alternating in one process, each timed in CPU time (process.cpuUsage: the shared
 * machine's other processes do not count), with the FMA ceiling measured the same way. Prints the
 * medians and the median of the per-round ratios, which a drifting machine disturbs least.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gemm_tiles.ts [rounds]
 */
import { execSync } from "node:child_process";
import { buildModule, I32, V128, op } from "../lib/tensor/kernels/wasm/assembler";
import { MR, NR, TILE_ROWS, gemmFunctions } from "../lib/tensor/kernels/wasm/gemm_kernel";

type Kernel = (a: number, b: number, c: number, mb: number, nb: number, kc: number, ldc: number) => void;

function kernelOf(tileRows: number, fma: boolean): { set: Kernel; acc: Kernel } {
  const e = new WebAssembly.Instance(new WebAssembly.Module(buildModule(gemmFunctions(fma, tileRows), 1)), {}).exports;
  const memory = e.memory as WebAssembly.Memory;
  memory.grow(400);
  const h = new Float32Array(memory.buffer);
  for (let i = 0; i < h.length; i++) h[i] = (i % 17) / 17 - 0.5;
  return { set: e.gemm_set as Kernel, acc: e.gemm_acc as Kernel };
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

/** GFLOP/s of 12 independent f32x4 FMA chains (as bench/fma_ceiling.ts, but in CPU time). */
function ceiling(): number {
  const g = op.localGet, s = op.localSet, N = 12;
  const body: number[] = [];
  for (let i = 0; i < N + 2; i++) body.push(...op.f32Const(1 + i * 1e-7), ...op.f32x4Splat, ...s(1 + i));
  const stepOps: number[] = [];
  for (let i = 0; i < N; i++) stepOps.push(...g(N + 1), ...g(N + 2), ...g(1 + i), ...op.f32x4RelaxedMadd, ...s(1 + i));
  body.push(...op.loop([...stepOps, ...g(0), ...op.i32Const(1), ...op.i32Sub, ...op.localTee(0), ...op.brIf(0)]));
  for (let i = 0; i < N; i++) body.push(...op.i32Const(16 * i), ...g(1 + i), ...op.v128Store(0));
  const bytes = buildModule([{ name: "spin", params: [I32], results: [], locals: new Array<number>(N + 2).fill(V128), body }]);
  if (!WebAssembly.validate(bytes)) return NaN;
  const spin = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports.spin as (n: number) => void;
  spin(1e5);
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = process.cpuUsage();
    spin(5e6);
    best = Math.max(best, (5e6 * N * 8) / (cpuMs(t0) * 1e6));
  }
  return best;
}

const rounds = Number(process.argv[2] ?? 31);
const fma = WebAssembly.validate(buildModule(gemmFunctions(true), 1));
// (Without relaxed FMA the engine ships 4-row tiles; the comparison is still printed.)
const variants = [MR, TILE_ROWS].map((rows) => ({ rows, ...kernelOf(rows, fma) }));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
console.log(`${execSync("uptime").toString().trim()}; ${fma ? "relaxed FMA" : "mul + add"}; ceiling ${ceiling().toFixed(1)} GFLOP/s`);
// [row panels, column panels, kc]: a 256-k slice of a big product (one MC block), GPT's K = 64 layers.
for (const [mb, nb, kc] of [[20, 32, 256], [24, 32, 256], [240, 8, 64], [16, 24, 64]]) {
  const flop = 2 * mb * MR * nb * NR * kc;
  const reps = Math.max(1, Math.round(2e8 / flop));
  const A = 0, B = mb * MR * kc * 4, C = B + nb * NR * kc * 4;
  const gflops: number[][] = variants.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [0, 1] : [1, 0];
    for (const v of order) {
      const { set, acc } = variants[v];
      const t0 = process.cpuUsage();
      for (let r = 0; r < reps; r++) (r & 1 ? acc : set)(A, B, C, mb, nb, kc, nb * NR * 4);
      gflops[v].push((flop * reps) / (cpuMs(t0) * 1e6));
    }
  }
  const ratio = median(gflops[1].map((x, i) => x / gflops[0][i]));
  console.log(
    `${mb} x ${nb} panels, kc ${kc}: ${variants.map((v, i) => `${v.rows}-row ${median(gflops[i]).toFixed(1)}`).join(", ")} GFLOP/s; ` +
    `${TILE_ROWS}-row / 4-row x${ratio.toFixed(3)}`,
  );
}
console.log(`${execSync("uptime").toString().trim()}; ceiling ${ceiling().toFixed(1)} GFLOP/s`);
