/**
 * nn.init.orthogonal_ on CleanRL's Atari layer (a Linear(3136, 512) weight) and on a square 1024 x 1024 one
 * (which stays on the float64 column-by-column path: a square Gaussian is too ill-conditioned for float32
 * projections), median ms of a few runs.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/orthogonal_init.ts [runs]
 */
import { nn, torch } from "../lib/tensor/index";

const runs = Number(process.argv[2] ?? 5);
for (const [rows, cols] of [[512, 3136], [1024, 1024]]) {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const w = torch.empty(rows, cols);
    const t0 = performance.now();
    nn.init.orthogonal_(w, Math.sqrt(2));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`orthogonal_ ${rows} x ${cols}: ${times[Math.floor(runs / 2)].toFixed(0)} ms (median of ${runs})`);
}
