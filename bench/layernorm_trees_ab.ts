/**
 * layer_norm's SIMD kernels (kernels/wasm/layernorm_simd.ts) of two copies of the engine side by
 * side in one process (as bench/gpt_trees_ab.ts, for kernel changes with no switch): outputs'
 * bits compared (y, mean, rstd, dx, weight and bias sums), then forward and backward each timed
 * alternately (order swapped every round) on the GPT step's [1024, 64] rows, CPU medians and the
 * per-round ratio second / first (the kernels' own staging copies included).
 *
 *   mkdir /tmp/old && git archive <commit> lib bench | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   node --experimental-wasm-relaxed-simd --import tsx bench/layernorm_trees_ab.ts /tmp/old . [rounds]
 */
import { resolve } from "node:path";
import { cpuMs, median, uptime } from "./ab";

type Ln = NonNullable<ReturnType<typeof import("../lib/tensor/kernels/wasm/layernorm_simd").createLayerNormSimd>>;

async function main(): Promise<void> {
  const [a, b] = process.argv.slice(2, 4);
  if (!a || !b) throw new Error("usage: bench/layernorm_trees_ab.ts <first engine's directory> <second's> [rounds]");
  const rounds = Number(process.argv[4] ?? 40);
  const lns: Ln[] = [];
  for (const dir of [a, b]) lns.push(((await import(resolve(dir, "lib/tensor/kernels/wasm/layernorm_simd.ts"))) as typeof import("../lib/tensor/kernels/wasm/layernorm_simd")).createLayerNormSimd()!);
  let x = 99;
  const rand = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const arr = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() - 0.5) * scale);
  let equal = true;
  for (const [rows, M] of [[1024, 64], [7, 12], [1, 4], [64, 68]]) {
    const xs = arr(rows * M, 8), g = arr(rows * M, 2), gamma = arr(M, 2), beta = arr(M, 1);
    const outs = lns.map((ln) => {
      const y = new Float32Array(rows * M), mean = new Float32Array(rows), rstd = new Float32Array(rows), dx = new Float32Array(rows * M), sw = new Float32Array(M), sb = new Float32Array(M);
      ln.forward(rows, M, xs, gamma, beta, 1e-5, y, mean, rstd);
      ln.backward(rows, M, g, xs, gamma, mean, rstd, dx, sw, sb);
      return [y, mean, rstd, dx, sw, sb].flatMap((t) => Array.from(new Uint32Array(t.buffer)));
    });
    equal &&= outs[0].every((w, i) => w === outs[1][i]);
  }
  console.log(`bit-equal: ${equal}`);
  console.log(uptime());
  const rows = 1024, M = 64;
  const xs = arr(rows * M, 8), g = arr(rows * M, 2), gamma = arr(M, 2), beta = arr(M, 1);
  const y = new Float32Array(rows * M), mean = new Float32Array(rows), rstd = new Float32Array(rows), dx = new Float32Array(rows * M), sw = new Float32Array(M), sb = new Float32Array(M);
  const passes: [string, (ln: Ln) => void][] = [
    ["forward", (ln) => ln.forward(rows, M, xs, gamma, beta, 1e-5, y, mean, rstd)],
    ["backward", (ln) => ln.backward(rows, M, g, xs, gamma, mean, rstd, dx, sw, sb)],
  ];
  for (const [name, pass] of passes) {
    const t: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [0, 1] : [1, 0]) {
        const c0 = cpuMs();
        for (let k = 0; k < 20; k++) pass(lns[i]);
        t[i].push((cpuMs() - c0) / 20);
      }
    }
    const ratio = median(t[1].map((v, i) => v / t[0][i]));
    console.log(`layer norm ${name} [${rows}, ${M}]: ${a} CPU ${median(t[0]).toFixed(4)} ms, ${b} ${median(t[1]).toFixed(4)} ms, per round x${ratio.toFixed(3)}`);
  }
  console.log(uptime());
}

void main();
