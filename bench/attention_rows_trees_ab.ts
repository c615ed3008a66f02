/**
 * Fused attention's row passes (kernels/wasm/attention_simd.ts) of two copies of the engine side
 * by side in one process (as bench/gpt_trees_ab.ts, for kernel changes with no switch): their
 * outputs' bits compared on GPT-shaped rows, then each pass timed alternately (order swapped every
 * round) on 8192 causal rows of 64 (a GPT step's two layers), CPU medians and the per-round ratio
 * second / first. The times include copying the rows into the kernels' memory (2 MB), as the
 * per-call path does; the in-module path runs the same kernels on the GEMM memory.
 *
 *   mkdir /tmp/old && git archive <commit> lib bench | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   node --experimental-wasm-relaxed-simd --import tsx bench/attention_rows_trees_ab.ts /tmp/old . [rounds]
 */
import { resolve } from "node:path";
import { cpuMs, median, uptime } from "./ab";

type Rows = typeof import("../lib/tensor/kernels/wasm/attention_simd");
type Simd = import("../lib/tensor/kernels/wasm/attention_simd").AttentionSimd;

async function main(): Promise<void> {
  const [a, b] = process.argv.slice(2, 4);
  if (!a || !b) throw new Error("usage: bench/attention_rows_trees_ab.ts <first engine's directory> <second's> [rounds]");
  const rounds = Number(process.argv[4] ?? 30);
  const simds: Simd[] = [];
  for (const dir of [a, b]) simds.push(((await import(resolve(dir, "lib/tensor/kernels/wasm/attention_simd.ts"))) as Rows).createAttentionSimd()!);
  const rows = 8192, S = 64, L = 64, n = rows * S;
  let x = 12345;
  const rand = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const scores = Float32Array.from({ length: n }, () => (rand() + rand() + rand() - 1.5) * 6);
  const grads = Float32Array.from({ length: n }, () => rand() * 2 - 1);
  // Bits: forward then backward from the same inputs on both.
  const outs = simds.map((simd) => {
    const p = scores.slice(), ds = grads.slice();
    simd.softmaxForward(p, rows, S, L, true, 0.25);
    simd.softmaxBackward(ds, p, rows, S, L, true, 0.25);
    return [p, ds].map((t) => new Uint32Array(t.buffer));
  });
  const same = (i: number) => outs[0][i].every((w, j) => w === outs[1][i][j]);
  console.log(`bit-equal: forward ${same(0)}, backward ${same(1)}`);
  console.log(uptime());
  const p = scores.slice();
  simds[0].softmaxForward(p, rows, S, L, true, 0.25);
  const work = new Float32Array(n);
  const passes: [string, (simd: Simd) => void][] = [
    ["forward", (simd) => { work.set(scores); simd.softmaxForward(work, rows, S, L, true, 0.25); }],
    ["backward", (simd) => { work.set(grads); simd.softmaxBackward(work, p, rows, S, L, true, 0.25); }],
  ];
  for (const [name, pass] of passes) {
    const t: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [0, 1] : [1, 0]) {
        const c0 = cpuMs();
        for (let k = 0; k < 10; k++) pass(simds[i]);
        t[i].push((cpuMs() - c0) / 10);
      }
    }
    const ratio = median(t[1].map((v, i) => v / t[0][i]));
    console.log(`${name}, 8192 causal rows of 64: ${a} CPU ${median(t[0]).toFixed(3)} ms, ${b} ${median(t[1]).toFixed(3)} ms, per round x${ratio.toFixed(3)}`);
  }
  console.log(uptime());
}

void main();
