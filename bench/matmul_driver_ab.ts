/**
 * The single-thread GEMM driver's blocking (gemm.ts), each change against the code it replaced,
 * alternated in one process (bench/ab.ts): wholeTileBlocks (blocks of rows in whole register
 * tiles) and columnBlocks (a wide product in column blocks of B, so B's block, A's and C's stay in
 * L2). Square float32 products through kernels.matmul, the path torch.mm takes,
 * plus a few GPT-like and tall shapes; prints whether each side gives the same bits.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_driver_ab.ts [rounds] [wholeTileBlocks|columnBlocks]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { columnBlocks, wholeTileBlocks } from "../lib/tensor/kernels/wasm/gemm";
import { abLine, alternate, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 20);
const only = process.argv[3];
const flags = { wholeTileBlocks, columnBlocks };
const shapes: [number, number, number][] = [[512, 512, 512], [1024, 1024, 1024], [768, 768, 768], [1024, 256, 1024], [256, 1024, 1024], [1000, 1000, 1000]];

console.log(uptime());
for (const [name, flag] of Object.entries(flags)) {
  if (only && only !== name) continue;
  for (const [m, n, k] of shapes) {
    const a = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
    const b = Float32Array.from({ length: k * n }, () => Math.random() - 0.5);
    const c = [new Float32Array(m * n), new Float32Array(m * n)];
    const run = (out: Float32Array) => kernels.matmul(m, n, k, a, 0, k, 1, b, 0, n, 1, out, 0);
    let side = 0;
    const per = Math.max(1, Math.round(1e8 / (2 * m * n * k)));
    const t = alternate(rounds, per, (on) => { flag.enabled = on; side = on ? 1 : 0; }, () => run(c[side]));
    flag.enabled = true;
    const same = c[0].every((x, i) => Object.is(x, c[1][i]));
    const gflops = (ms: number[]) => ((2 * m * n * k) / ([...ms].sort((x, y) => x - y)[ms.length >> 1] * 1e6)).toFixed(1);
    console.log(`${name} ${m}x${k} @ ${k}x${n}: ${abLine(["off", "on"], t, 3)}; CPU GFLOP/s ${gflops(t.cpu[0])} -> ${gflops(t.cpu[1])}; same bits: ${same}`);
  }
}
console.log(uptime());
