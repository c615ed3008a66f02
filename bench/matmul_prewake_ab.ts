/**
 * The thread pool's prewake (threads.ts): torch.mm of n x n on an adaptive two-thread pool (the
 * SplitChooser deciding per shape, as the notebook runs) beside the single-thread engine, call by
 * call, with prewake off and on. Each phase starts a fresh pool (a fresh chooser) and alternates
 * `calls` products between the single-thread GEMM and the pool; phases alternate off / on. Prints
 * per side the median over phases of the pool's speed-up (single-thread median / pool median) and
 * how many products the pool split.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_prewake_ab.ts [n] [phases] [calls]
 *
 * And the mechanism alone: a pool that splits every product (adaptive off), each product after
 * `gap` µs of busy work (longer than the pool thread's poll, so it has gone to sleep), prewake
 * alternated off / on product by product; medians of the product's wall time:
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_prewake_ab.ts asleep [n] [rounds] [gap µs]
 */
import { torch } from "../lib/tensor/index";
import { kernels } from "../lib/tensor/kernels/registry";
import { createThreadPool, prewake } from "../lib/tensor/kernels/wasm/threads";
import { nodeThreadSpawner } from "./node-threads";
import { median, uptime } from "./ab";

const asleep = process.argv[2] === "asleep";
const args = process.argv.slice(asleep ? 3 : 2);
const n = Number(args[0] ?? 256), phases = Number(args[1] ?? (asleep ? 200 : 8)), calls = Number(args[2] ?? (asleep ? 3000 : 800));
const single = kernels.gemm!;
torch.manual_seed(1);
const a = torch.randn(n, n), b = torch.randn(n, n);

/** Products of a non-adaptive pool after a busy gap of `gapUs` (the thread asleep), prewake alternated. */
function asleepAb(rounds: number, gapUs: number): void {
  const pool = createThreadPool(nodeThreadSpawner, 2, undefined, undefined, false, single);
  while (!pool.ready()) { const t = Date.now(); while (Date.now() - t < 2); }
  kernels.gemm = pool.gemm;
  const wall: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const on of r % 2 ? [false, true] : [true, false]) {
      prewake.enabled = on;
      const until = performance.now() + gapUs / 1000;
      while (performance.now() < until);
      const t0 = performance.now();
      torch.mm(a, b);
      if (r >= 10) wall[on ? 1 : 0].push((performance.now() - t0) * 1000);
    }
  }
  kernels.gemm = single;
  prewake.enabled = true;
  pool.terminate();
  const ratio = median(wall[1].map((x, i) => x / wall[0][i]));
  console.log(`matmul ${n} split after ${gapUs} µs busy: prewake off ${median(wall[0]).toFixed(0)} µs, on ${median(wall[1]).toFixed(0)} µs wall (median per-round ratio x${ratio.toFixed(3)})`);
}

if (asleep) {
  console.log(uptime());
  asleepAb(phases, calls);
  console.log(uptime());
  process.exit(0);
}
const speedUp: [number[], number[]] = [[], []], splitShare: [number[], number[]] = [[], []];
console.log(uptime());
for (let phase = 0; phase < phases; phase++) {
  for (const on of phase % 2 ? [false, true] : [true, false]) {
    prewake.enabled = on;
    const pool = createThreadPool(nodeThreadSpawner, 2, undefined, undefined, true, single);
    while (!pool.ready()) { const t = Date.now(); while (Date.now() - t < 2); }
    const one: number[] = [], many: number[] = [];
    const time = (g: typeof single): number => {
      kernels.gemm = g;
      const t0 = performance.now();
      torch.mm(a, b);
      return performance.now() - t0;
    };
    for (let i = 0; i < calls; i++) {
      if (i % 2) { one.push(time(single)); many.push(time(pool.gemm)); } else { many.push(time(pool.gemm)); one.push(time(single)); }
    }
    kernels.gemm = single;
    const { split, alone } = pool.counts();
    pool.terminate();
    speedUp[on ? 1 : 0].push(median(one) / median(many));
    splitShare[on ? 1 : 0].push(split / Math.max(1, split + alone));
  }
}
prewake.enabled = true;
const side = (v: 0 | 1) => `speed-up x${median(speedUp[v]).toFixed(2)} (phases ${speedUp[v].map((x) => x.toFixed(2)).join(" ")}), split ${(100 * median(splitShare[v])).toFixed(0)} % of products`;
console.log(`matmul ${n}: prewake off ${side(0)}\nmatmul ${n}: prewake on  ${side(1)}`);
console.log(uptime());
