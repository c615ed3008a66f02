/**
 * The thread pool's prewake (threads.ts): torch.mm of n x n on two threads beside one, measured as
 * the bench's threads table measures it (bench/threads.ts interleavedMs: a fresh adaptive pool per
 * run, products alternated call by call with the single-thread engine), runs alternating prewake
 * off / on. Prints each run's speed-up (single-thread median / pool median).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_prewake_ab.ts [n] [runs]
 *
 * And the mechanism alone: a pool that splits every product (adaptive off), each product after
 * `gap` µs of busy work (longer than the pool thread's poll, so it has gone to sleep), prewake
 * alternated off / on product by product; medians of the product's wall time:
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_prewake_ab.ts asleep [n] [rounds] [gap µs]
 */
import { torch } from "../lib/tensor/index";
import { kernels } from "../lib/tensor/kernels/registry";
import { prewake } from "../lib/tensor/kernels/wasm/threads";
import { readyPool } from "./node-threads";
import { interleavedMs } from "./threads";
import { median, uptime } from "./ab";

const asleep = process.argv[2] === "asleep";
const args = process.argv.slice(asleep ? 3 : 2);
const n = Number(args[0] ?? 256), phases = Number(args[1] ?? (asleep ? 200 : 6)), calls = Number(args[2] ?? 3000);
const single = kernels.gemm!;
torch.manual_seed(1);
const a = torch.randn(n, n), b = torch.randn(n, n);

/** Products of a non-adaptive pool after a busy gap of `gapUs` (the thread asleep), prewake alternated. */
function asleepAb(rounds: number, gapUs: number): void {
  const pool = readyPool(2, single, { adaptive: false });
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
void (async () => {
  const speedUp: [string[], string[]] = [[], []];
  console.log(uptime());
  for (let run = 0; run < phases; run++) {
    for (const on of run % 2 ? [false, true] : [true, false]) {
      prewake.enabled = on;
      const { one, many } = await interleavedMs(() => torch.mm(a, b), { warmup: 10, minMs: 1500, minIters: 5 });
      speedUp[on ? 1 : 0].push((one / many).toFixed(2));
    }
  }
  prewake.enabled = true;
  console.log(`matmul ${n}, two threads vs one, speed-up per run: prewake off ${speedUp[0].join(" ")}; on ${speedUp[1].join(" ")}`);
  console.log(uptime());
})();
