/**
 * The float64 column-sum kernel (colsum in kernels/wasm/elementwise_simd.ts: bias gradients,
 * x.sum(0)) of two copies of the engine side by side in one process (as bench/gpt_trees_ab.ts,
 * for kernel changes with no switch): accumulator bits compared over several shapes (rows added
 * to sums already there, as chunked calls do), then each timed alternately (order swapped every
 * round) on the GPT step's widths, CPU medians and the per-round ratio second / first.
 *
 *   mkdir /tmp/old && git archive <commit> lib bench | tar -x -C /tmp/old && ln -s "$PWD/node_modules" /tmp/old/
 *   node --experimental-wasm-relaxed-simd --import tsx bench/colsum_trees_ab.ts /tmp/old . [rounds]
 */
import { resolve } from "node:path";
import { cpuMs, median, uptime } from "./ab";

type Colsum = { colsum(px: number, pacc: number, rows: number, groups: number, rowBytes: number): void };
type Module = import("../lib/tensor/kernels/wasm/own_memory").OwnMemoryModule<Colsum>;

async function main(): Promise<void> {
  const [a, b] = process.argv.slice(2, 4);
  if (!a || !b) throw new Error("usage: bench/colsum_trees_ab.ts <first engine's directory> <second's> [rounds]");
  const rounds = Number(process.argv[4] ?? 40);
  const mods: Module[] = [];
  for (const dir of [a, b]) {
    const ew = (await import(resolve(dir, "lib/tensor/kernels/wasm/elementwise_simd.ts"))) as typeof import("../lib/tensor/kernels/wasm/elementwise_simd");
    const own = (await import(resolve(dir, "lib/tensor/kernels/wasm/own_memory.ts"))) as typeof import("../lib/tensor/kernels/wasm/own_memory");
    mods.push(own.instantiateOwnMemory<Colsum>(ew.elementwiseModuleBytes)!);
  }
  let x = 7;
  const rand = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  /** colsum over [rows, inner] at float 0 into accumulators (preset to nonzero sums) after it; their bits. */
  const sums = (m: Module, data: Float32Array, rows: number, cols: number, inner: number): Float64Array => {
    const accAt = Math.ceil((data.length + 8) / 4) * 4;
    const heap = m.heap(accAt + 4 * cols);
    heap.set(data);
    const acc = new Float64Array(heap.buffer, accAt * 4, 2 * cols);
    acc.forEach((_, i) => (acc[i] = i * 0.5));
    m.exports.colsum(0, accAt * 4, rows, cols >>> 2, inner * 4);
    return Float64Array.from(new Float64Array(heap.buffer, accAt * 4, 2 * cols));
  };
  let equal = true;
  for (const [rows, cols, inner] of [[1024, 64, 64], [1024, 256, 256], [1024, 192, 192], [7, 36, 40], [300, 4, 8], [33, 60, 64], [0, 16, 16]]) {
    const data = Float32Array.from({ length: rows * inner }, () => (rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20));
    const [s0, s1] = mods.map((m) => sums(m, data, rows, cols, inner));
    equal &&= s0.every((v, i) => Object.is(v, s1[i]));
  }
  console.log(`bit-equal: ${equal}`);
  console.log(uptime());
  for (const cols of [64, 192, 256]) {
    const rows = 1024;
    const data = Float32Array.from({ length: rows * cols }, () => rand() - 0.5);
    const t: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const i of r % 2 ? [0, 1] : [1, 0]) {
        const c0 = cpuMs();
        for (let k = 0; k < 20; k++) sums(mods[i], data, rows, cols, cols);
        t[i].push((cpuMs() - c0) / 20);
      }
    }
    const ratio = median(t[1].map((v, i) => v / t[0][i]));
    console.log(`colsum [${rows}, ${cols}] (with its staging): ${a} CPU ${median(t[0]).toFixed(4)} ms, ${b} ${median(t[1]).toFixed(4)} ms, per round x${ratio.toFixed(3)}`);
  }
  console.log(uptime());
}

void main();
