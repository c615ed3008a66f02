/**
 * The single-thread GEMM driver (gemm.ts): a change against the code it replaced, alternated in one
 * process (bench/ab.ts), and where the time of a square matmul goes.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_driver_ab.ts [rounds] [wholeTileBlocks]
 *     wholeTileBlocks: blocks of rows in whole register tiles vs MC-row blocks; square and tall
 *     float32 products through kernels.matmul (the path torch.mm takes), with whether both sides
 *     give the same bits.
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_driver_ab.ts [rounds] breakdown
 *     n = 256, 512, 1024, each part timed alone (CPU-time medians of at least 8 calls, the parts
 *     interleaved round by round, so each starts with the caches the part before left): torch.mm; kernels.matmul on the same arrays (no output tensor); the kernel on
 *     pre-packed panels (the driver with no-op packers: its blocking, no packing or copies); packing
 *     every k slice of A and B (matmul_pack's tpack4 / copy8, as for row-major operands); copying A
 *     and B into module memory and C out (typed-array sets); a fresh n x n output written once
 *     (what torch.mm's output allocation costs: the new buffer's pages are faulted in).
 */
import { torch } from "../lib/tensor/index";
import { kernels } from "../lib/tensor/kernels/registry";
import { KC, MR, NR, createLocalGemm, gemmFloats, wholeTileBlocks } from "../lib/tensor/kernels/wasm/gemm";
import { matmulPackFor } from "../lib/tensor/kernels/wasm/matmul_pack";
import { abLine, alternate, cpuMs, median, uptime } from "./ab";

const rounds = Number(process.argv[2] ?? 20);
const only = process.argv[3];

function flagAb(name: string, flag: { enabled: boolean }): void {
  const shapes: [number, number, number][] = [[512, 512, 512], [1024, 1024, 1024], [768, 768, 768], [1024, 256, 1024], [256, 1024, 1024], [1000, 1000, 1000]];
  for (const [m, n, k] of shapes) {
    const a = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
    const b = Float32Array.from({ length: k * n }, () => Math.random() - 0.5);
    const c = [new Float32Array(m * n), new Float32Array(m * n)];
    let side = 0;
    const per = Math.max(1, Math.round(1e8 / (2 * m * n * k)));
    const t = alternate(rounds, per, (on) => { flag.enabled = on; side = on ? 1 : 0; }, () => kernels.matmul(m, n, k, a, 0, k, 1, b, 0, n, 1, c[side], 0));
    flag.enabled = true;
    const same = c[0].every((x, i) => Object.is(x, c[1][i]));
    const gflops = (ms: number[]) => ((2 * m * n * k) / (median(ms) * 1e6)).toFixed(1);
    console.log(`${name} ${m}x${k} @ ${k}x${n}: ${abLine(["off", "on"], t, 3)}; CPU GFLOP/s ${gflops(t.cpu[0])} -> ${gflops(t.cpu[1])}; same bits: ${same}`);
  }
}

function breakdown(): void {
  const local = createLocalGemm()!;
  const memory = local.memory!;
  const pack = matmulPackFor(memory)!;
  const noop = () => {};
  for (const n of [256, 512, 1024]) {
    torch.manual_seed(1);
    const x = torch.randn(n, n), y = torch.randn(n, n);
    const a = x._data as Float32Array, b = y._data as Float32Array, c = new Float32Array(n * n);
    // The driver's panels and C block at [0, gemmFloats), the staged operands above them.
    local.gemm(n, n, n, noop, noop, noop);
    const stageA = Math.ceil(gemmFloats(n, n, n) / 4) * 4, stageB = stageA + n * n;
    if ((stageB + n * n) * 4 > memory.buffer.byteLength) memory.grow(Math.ceil(((stageB + n * n) * 4 - memory.buffer.byteLength) / 65536));
    const h = () => new Float32Array(memory.buffer);
    h().fill(0.5, 0, stageB + n * n);
    const aLen = n * Math.min(KC, n);
    const parts: [string, () => void][] = [
      ["torch.mm", () => torch.mm(x, y)],
      ["kernels.matmul", () => kernels.matmul(n, n, n, a, 0, n, 1, b, 0, n, 1, c, 0)],
      ["kernel on packed panels", () => local.gemm(n, n, n, noop, noop, noop)],
      ["pack A and B (all slices)", () => {
        for (let p0 = 0; p0 < n; p0 += KC) {
          const kc = Math.min(KC, n - p0);
          pack.tpack4(0, (stageA + p0) * 4, n * 4, 4, n / MR, kc);
          pack.copy8(aLen * 4, (stageB + p0 * n) * 4, 4, n * 4, n / NR, kc);
        }
      }],
      ["copy A, B in and C out", () => {
        const heap = h();
        heap.set(a, stageA);
        heap.set(b, stageB);
        c.set(heap.subarray(0, n * n));
      }],
      ["fresh output written once", () => new Float32Array(n * n).set(c)],
    ];
    // At least 8 calls per part and round: one 20 µs packing call is below the CPU clock's resolution.
    const per = Math.max(8, Math.round(2e7 / (2 * n ** 3)));
    const times: number[][] = parts.map(() => []);
    for (let r = 0; r < rounds; r++) {
      parts.forEach(([, fn], i) => {
        const c0 = cpuMs();
        for (let j = 0; j < per; j++) fn();
        times[i].push((cpuMs() - c0) / per);
      });
    }
    const mm = median(times[0]);
    console.log(`n = ${n}:`);
    parts.forEach(([name], i) => {
      const ms = median(times[i]);
      console.log(`  ${name.padEnd(26)} ${ms.toFixed(3)} ms  ${((100 * ms) / mm).toFixed(1).padStart(5)} % of torch.mm` + (i < 3 ? `  ${((2 * n ** 3) / (ms * 1e6)).toFixed(1)} GFLOP/s` : ""));
    });
  }
}

console.log(uptime());
if (only === "breakdown") breakdown();
else for (const [name, flag] of Object.entries({ wholeTileBlocks })) if (!only || only === name) flagAb(name, flag);
console.log(uptime());
