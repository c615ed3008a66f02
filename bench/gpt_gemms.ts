/**
 * The GPT step's GEMMs (bench/gpt.ts), one by one, through the engine's entry points with the
 * step's shapes and strides (staging, packing and unloading included): kernels.matmul for the
 * backward products, matmulBias for the Linear forwards, matmulBatched for attention's per-head
 * products. Prints CPU-time medians per product and per step (a product's count per step times
 * its median), GFLOP/s, and the sum, so the GEMM share of the step and each shape's distance from
 * the kernel's peak can be read off.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_gemms.ts [rounds]
 */
import { execSync } from "node:child_process";
import { kernels } from "../lib/tensor/kernels/registry";
import { matmulBias } from "../lib/tensor/kernels/matmul_bias";
import { matmulBatched } from "../lib/tensor/kernels/batched_matmul";
import { registerBench } from "./harness";

const N = 16, L = 64, E = 64, H = 4, hd = E / H, M = N * L, V = 65, F = 4 * E, layers = 2;

const rand = (n: number): Float32Array => {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
  return a;
};

interface Product {
  name: string;
  /** Times per step. */
  count: number;
  flop: number;
  run: () => void;
}

/** x[m, k] @ w^T + bias, w [n, k] row-major (Linear's forward through addmm). */
function linearFwd(name: string, count: number, m: number, n: number, k: number): Product {
  const x = rand(m * k), w = rand(n * k), b = rand(n), c = new Float32Array(m * n);
  return { name, count, flop: 2 * m * n * k, run: () => void matmulBias(m, n, k, x, 0, k, 1, w, 0, 1, k, b, 0, 1, c, 0) };
}

/** dX[m, k] = dY[m, n] @ w[n, k]. */
function linearDx(name: string, count: number, m: number, n: number, k: number): Product {
  const g = rand(m * n), w = rand(n * k), c = new Float32Array(m * k);
  return { name, count, flop: 2 * m * n * k, run: () => kernels.matmul(m, k, n, g, 0, n, 1, w, 0, k, 1, c, 0) };
}

/** dW[n, k] = dY^T[n, m] @ x[m, k] (rightGrad for a transposed weight). */
function linearDw(name: string, count: number, m: number, n: number, k: number): Product {
  const g = rand(m * n), x = rand(m * k), c = new Float32Array(n * k);
  return { name, count, flop: 2 * m * n * k, run: () => kernels.matmul(n, k, m, g, 0, 1, n, x, 0, k, 1, c, 0) };
}

/** Heads of a [N, L, E] activation viewed as [N, H, L, hd]: slice offsets. */
const headOffs = Array.from({ length: N * H }, (_, i) => Math.floor(i / H) * L * E + (i % H) * hd);
const denseOffs = (rows: number, cols: number) => Array.from({ length: N * H }, (_, i) => i * rows * cols);

/** Attention's per-head products (attention_core.ts), with the causal cut's skips when `causal`. */
function attention(causal: boolean): Product[] {
  const q = rand(M * E), k = rand(M * E), v = rand(M * E), g = rand(M * E);
  const P = rand(N * H * L * L), dS = rand(N * H * L * L);
  const out = new Float32Array(M * E), scores = new Float32Array(N * H * L * L);
  const outL = { offs: headOffs, row: E };
  const pOffs = denseOffs(L, L);
  const nb = N * H, f = 2 * nb * L * L * hd;
  const [cut, past, before] = causal ? (["outputPastDiagonal", "aPastDiagonal", "aBeforeDiagonal"] as const) : [null, null, null];
  const tag = causal ? " causal" : "";
  return [
    { name: `attn QK^T  64x[64x16 @ 16x64]${tag}`, count: layers, flop: f, run: () => matmulBatched(nb, L, L, hd, q, headOffs, E, 1, k, headOffs, 1, E, scores, 0, null, cut) },
    { name: `attn PV    64x[64x64 @ 64x16]${tag}`, count: layers, flop: f, run: () => matmulBatched(nb, L, hd, L, P, pOffs, L, 1, v, headOffs, E, 1, out, 0, outL, past) },
    { name: `attn dV    64x[P^T @ dO]${tag}`, count: layers, flop: f, run: () => matmulBatched(nb, L, hd, L, P, pOffs, 1, L, g, headOffs, E, 1, out, 0, outL, before) },
    { name: `attn dP    64x[dO @ V^T]${tag}`, count: layers, flop: f, run: () => matmulBatched(nb, L, L, hd, g, headOffs, E, 1, v, headOffs, 1, E, scores, 0, null, cut) },
    { name: `attn dQ    64x[dS @ K]${tag}`, count: layers, flop: f, run: () => matmulBatched(nb, L, hd, L, dS, pOffs, L, 1, k, headOffs, E, 1, out, 0, outL, past) },
    { name: `attn dK    64x[dS^T @ Q]${tag}`, count: layers, flop: f, run: () => matmulBatched(nb, L, hd, L, dS, pOffs, 1, L, q, headOffs, E, 1, out, 0, outL, before) },
  ];
}

/** The step's products; attention's with the causal skips (as bench/gpt.ts's model runs them) unless `causal` is false. */
export function gptProducts(causal = true): Product[] {
  return [
    // q, k and v in one product (MultiheadAttention's packed self-attention projection).
    linearFwd("qkv fwd    1024x64 @ 64x192 (+b)", layers, M, 3 * E, E),
    linearFwd("out fwd    1024x64 @ 64x64 (+b)", layers, M, E, E),
    linearFwd("ff1 fwd    1024x64 @ 64x256 (+b)", layers, M, F, E),
    linearFwd("ff2 fwd    1024x256 @ 256x64 (+b)", layers, M, E, F),
    linearFwd("head fwd   1024x64 @ 64x65 (+b)", 1, M, V, E),
    ...attention(causal),
    linearDx("qkv dX     1024x192 @ 192x64", layers, M, 3 * E, E),
    linearDx("out dX     1024x64 @ 64x64", layers, M, E, E),
    linearDx("ff1 dX     1024x256 @ 256x64", layers, M, F, E),
    linearDx("ff2 dX     1024x64 @ 64x256", layers, M, E, F),
    linearDx("head dX    1024x65 @ 65x64", 1, M, V, E),
    linearDw("qkv dW     192x1024^T @ 1024x64", layers, M, 3 * E, E),
    linearDw("out dW     64x1024^T @ 1024x64", layers, M, E, E),
    linearDw("ff1 dW     256x1024^T @ 1024x64", layers, M, F, E),
    linearDw("ff2 dW     64x1024^T @ 1024x256", layers, M, E, F),
    linearDw("head dW    65x1024^T @ 1024x64", 1, M, V, E),
  ];
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** Median CPU ms of each product over `rounds` rounds (each round: every product a few times). */
export function timeProducts(products: Product[], rounds: number): number[] {
  const samples = products.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    products.forEach((p, i) => {
      const reps = Math.max(1, Math.round(4e6 / p.flop));
      const t0 = process.cpuUsage();
      for (let j = 0; j < reps; j++) p.run();
      samples[i].push(cpuMs(t0) / reps);
    });
  }
  return samples.map(median);
}

/** The step's GEMMs in dense-equivalent GFLOP/s (730 MFLOP over the sum of their CPU-time medians). */
export function gptGemmsGflops(rounds = 15): number {
  const products = gptProducts();
  timeProducts(products, 2);
  const ms = timeProducts(products, rounds);
  let total = 0, flop = 0;
  products.forEach((p, i) => { total += ms[i] * p.count; flop += p.flop * p.count; });
  return flop / total / 1e6;
}

registerBench({ group: "matmul", name: "GPT step's 39 GEMMs (bench/gpt_gemms.ts; causal skips counted dense)", unit: "GFLOP/s", ours: () => gptGemmsGflops() });

if (process.argv[1]?.endsWith("gpt_gemms.ts")) {
  const rounds = Number(process.argv[2] ?? 25);
  // The step's products, then attention's without the causal skips for comparison (not summed).
  const products = gptProducts();
  const full = attention(false);
  timeProducts(products, 3); // warm-up
  console.log(execSync("uptime").toString().trim());
  const ms = timeProducts(products, rounds);
  let total = 0, flop = 0;
  products.forEach((p, i) => {
    total += ms[i] * p.count;
    flop += p.flop * p.count;
    console.log(`${p.name.padEnd(38)} x${String(p.count).padEnd(2)} ${ms[i].toFixed(3)} ms  ${(p.flop / ms[i] / 1e6).toFixed(1).padStart(5)} GFLOP/s  step ${(ms[i] * p.count).toFixed(2)} ms`);
  });
  console.log(`all GEMMs of a step: ${total.toFixed(2)} ms CPU, ${(flop / 1e6).toFixed(0)} MFLOP, ${(flop / total / 1e6).toFixed(1)} GFLOP/s (dense-equivalent)`);
  timeProducts(full, rounds).forEach((t, i) => console.log(`${full[i].name.padEnd(38)} x${String(full[i].count).padEnd(2)} ${t.toFixed(3)} ms (no causal skip)`));
  console.log(execSync("uptime").toString().trim());
}
