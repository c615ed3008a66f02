/**
 * The single-thread GEMM driver (gemm.ts): a change against the code it replaced, alternated in one
 * process (bench/ab.ts), and where the time of a square matmul goes.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_driver_ab.ts [rounds] [wholeTileBlocks | stageBSlices | stageASlices]
 *     wholeTileBlocks: blocks of rows in whole register tiles vs MC-row blocks; stageBSlices: B
 *     copied into module memory k slice by k slice right before packing vs all of B first;
 *     stageASlices: the same for a transposed A (x.t() @ y, as weight gradients are). Square
 *     and tall float32 products through kernels.matmul (the path torch.mm takes), with whether both
 *     sides give the same bits.
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_driver_ab.ts [rounds] breakdown
 *     n = 256, 512, 1024, each part timed alone (CPU-time medians of at least 8 calls, the parts
 *     interleaved round by round, so each starts with the caches the part before left): torch.mm; kernels.matmul on the same arrays (no output tensor); the kernel on
 *     pre-packed panels (the driver with no-op packers: its blocking, no packing or copies); packing
 *     every k slice of A and B (matmul_pack's tpack4 / copy8, as for row-major operands); copying A
 *     and B into module memory and C out (typed-array sets); a fresh n x n output written once
 *     (what torch.mm's output allocation costs: the new buffer's pages are faulted in).
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_driver_ab.ts [rounds] phases
 *     n = 256, 512, 1024: kernels.matmul's steps timed inside one real call sequence (copies in,
 *     packing A, packing B, kernel, copy out), so the kernel's time includes the cache misses the
 *     packing before it leaves (the breakdown's pre-packed kernel has none); with the same product
 *     through kernels.matmul alternated round by round.
 *   node --experimental-wasm-relaxed-simd --import tsx bench/matmul_driver_ab.ts [rounds] blocking
 *     n = 512, 1024: the driver's loop written out here in other orders, alternated with today's
 *     (copy in, per k slice pack all of A and B, then blocks of rows): A packed block by block right
 *     before its kernel call (the A block hot in L2); that plus B's k slice copied in right before
 *     it is packed; A by block plus column slabs of 64 B panels (GotoBLAS's NC: the packed B slab
 *     512 KiB); and today's order with KC = 512 (other bits: C summed in 512-step slices).
 */
import { torch } from "../lib/tensor/index";
import { kernels } from "../lib/tensor/kernels/registry";
import { KC, MR, NR, createLocalGemm, gemmFloats, instantiateLocal, rowBlockPanels, wholeTileBlocks } from "../lib/tensor/kernels/wasm/gemm";
import { stageASlices, stageBSlices } from "../lib/tensor/kernels/wasm/matmul_simd";
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
    // stageASlices applies to a transposed A (columns contiguous): A stored as A^T [k, m].
    const [as0, as1] = name === "stageASlices" ? [1, m] : [k, 1];
    const t = alternate(rounds, per, (on) => { flag.enabled = on; side = on ? 1 : 0; }, () => kernels.matmul(m, n, k, a, 0, as0, as1, b, 0, n, 1, c[side], 0));
    flag.enabled = true;
    const same = c[0].every((x, i) => Object.is(x, c[1][i]));
    const gflops = (ms: number[]) => ((2 * m * n * k) / (median(ms) * 1e6)).toFixed(1);
    console.log(`${name} ${m}x${k}${as0 === 1 ? " (A transposed)" : ""} @ ${k}x${n}: ${abLine(["off", "on"], t, 3)}; CPU GFLOP/s ${gflops(t.cpu[0])} -> ${gflops(t.cpu[1])}; same bits: ${same}`);
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

/** kernels.matmul's steps timed inside the driver's own call sequence (see the header). */
function phases(): void {
  const local = createLocalGemm()!;
  const memory = local.memory!;
  const pack = matmulPackFor(memory)!;
  const names = ["copy A and B in", "pack A", "pack B", "kernel", "copy C out"];
  for (const n of [256, 512, 1024]) {
    const a = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
    const b = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
    const c = new Float32Array(n * n);
    const stageA = Math.ceil(gemmFloats(n, n, n) / 4) * 4, stageB = stageA + n * n;
    const need = (stageB + n * n) * 4;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    const per = Math.max(2, Math.round(1e8 / (2 * n ** 3)));
    const parts: number[][] = names.map(() => []);
    const whole: number[] = [], viaMatmul: number[] = [];
    const now = () => performance.now();
    for (let r = 0; r < rounds; r++) {
      const sum = names.map(() => 0);
      const t0 = now();
      for (let i = 0; i < per; i++) {
        const s0 = now();
        const heap = new Float32Array(memory.buffer);
        heap.set(a, stageA);
        heap.set(b, stageB);
        const s1 = now();
        sum[0] += s1 - s0;
        local.gemm(n, n, n,
          (_h, dst, p0, kc) => { const t = now(); pack.tpack4(dst * 4, (stageA + p0) * 4, n * 4, 4, n / MR, kc); sum[1] += now() - t; },
          (_h, dst, p0, kc) => { const t = now(); pack.copy8(dst * 4, (stageB + p0 * n) * 4, 4, n * 4, n / NR, kc); sum[2] += now() - t; },
          (h, at) => { const t = now(); c.set(h.subarray(at, at + n * n)); sum[4] += now() - t; });
        sum[3] += now() - s1;
      }
      whole.push((now() - t0) / per);
      sum[3] -= sum[1] + sum[2] + sum[4];
      sum.forEach((x, i) => parts[i].push(x / per));
      const t1 = now();
      for (let i = 0; i < per; i++) kernels.matmul(n, n, n, a, 0, n, 1, b, 0, n, 1, c, 0);
      viaMatmul.push((now() - t1) / per);
    }
    const gf = (ms: number) => ((2 * n ** 3) / (ms * 1e6)).toFixed(1);
    console.log(`n = ${n} (wall medians of ${rounds} rounds x ${per} calls): the sequence ${median(whole).toFixed(3)} ms (${gf(median(whole))} GFLOP/s), kernels.matmul ${median(viaMatmul).toFixed(3)} ms (${gf(median(viaMatmul))} GFLOP/s)`);
    names.forEach((name, i) => console.log(`  ${name.padEnd(16)} ${median(parts[i]).toFixed(3)} ms ${((100 * median(parts[i])) / median(whole)).toFixed(1).padStart(5)} %` + (name === "kernel" ? `  ${gf(median(parts[i]))} GFLOP/s` : "")));
  }
}

/** The driver's loop in other orders (see the header), alternated with today's in one process. */
function blocking(): void {
  const inst = instantiateLocal()!;
  const { memory, set, acc } = inst;
  const pack = matmulPackFor(memory)!;
  const block = rowBlockPanels(inst.tileRows);
  for (const n of [512, 1024]) {
    const a = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
    const b = Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
    const mb = n / MR, nb = n / NR, kcMax = 2 * KC;
    // Floats: A panels (n x kcMax) | B panels (kcMax x n) | C | staged A | staged B.
    const A = 0, B = n * kcMax, C = B + n * kcMax, SA = C + n * n, SB = SA + n * n, END = SB + n * n;
    if (END * 4 > memory.buffer.byteLength) memory.grow(Math.ceil((END * 4 - memory.buffer.byteLength) / 65536));
    const heap = () => new Float32Array(memory.buffer);
    const packA = (ib: number, panels: number, p0: number, kc: number) => pack.tpack4(A * 4, (SA + ib * MR * n + p0) * 4, n * 4, 4, panels, kc);
    const packB = (src: number, jb: number, panels: number, kc: number) => pack.copy8(B * 4, (src + jb * NR) * 4, 4, n * 4, panels, kc);
    const kernel = (p0: number, ib: number, jb: number, rows: number, cols: number, kc: number, aAt = A) =>
      (p0 > 0 ? acc : set)(aAt * 4, B * 4, (C + ib * MR * n + jb * NR) * 4, rows, cols, kc, n * 4);
    const today = (kcStep: number) => (c: Float32Array) => {
      const h = heap();
      h.set(a, SA);
      h.set(b, SB);
      for (let p0 = 0; p0 < n; p0 += kcStep) {
        const kc = Math.min(kcStep, n - p0);
        packA(0, mb, p0, kc);
        packB(SB + p0 * n, 0, nb, kc);
        for (let ib = 0; ib < mb; ib += block) kernel(p0, ib, 0, Math.min(block, mb - ib), nb, kc, A + ib * kc * MR);
      }
      c.set(h.subarray(C, C + n * n));
    };
    const aByBlock = (stageBSlice: boolean, slabPanels: number) => (c: Float32Array) => {
      const h = heap();
      h.set(a, SA);
      if (!stageBSlice) h.set(b, SB);
      for (let jc = 0; jc < nb; jc += slabPanels) {
        const cols = Math.min(slabPanels, nb - jc);
        for (let p0 = 0; p0 < n; p0 += KC) {
          const kc = Math.min(KC, n - p0);
          if (stageBSlice) h.set(b.subarray(p0 * n, (p0 + kc) * n), SB);
          packB(stageBSlice ? SB : SB + p0 * n, jc, cols, kc);
          for (let ib = 0; ib < mb; ib += block) {
            const rows = Math.min(block, mb - ib);
            packA(ib, rows, p0, kc);
            kernel(p0, ib, jc, rows, cols, kc);
          }
        }
      }
      c.set(h.subarray(C, C + n * n));
    };
    const ways: [string, (c: Float32Array) => void][] = [
      ["today", today(KC)],
      ["A by block", aByBlock(false, nb)],
      ["A by block, B slice staged", aByBlock(true, nb)],
      ["A by block, NC = 64 panels", aByBlock(false, 64)],
      ["today with KC = 512", today(2 * KC)],
    ];
    const out = ways.map(() => new Float32Array(n * n));
    const per = Math.max(2, Math.round(1e8 / (2 * n ** 3)));
    const cpu: number[][] = ways.map(() => []);
    for (let r = 0; r < rounds; r++) {
      const order = ways.map((_, i) => i);
      if (r % 2) order.reverse();
      for (const w of order) {
        const c0 = cpuMs();
        for (let i = 0; i < per; i++) ways[w][1](out[w]);
        cpu[w].push((cpuMs() - c0) / per);
      }
    }
    console.log(`n = ${n} (CPU medians of ${rounds} rounds x ${per} calls; x = median per-round ratio to today's):`);
    ways.forEach(([name], w) => {
      const ms = median(cpu[w]);
      const ratio = median(cpu[w].map((x, i) => x / cpu[0][i]));
      const same = out[w].every((x, i) => Object.is(x, out[0][i]));
      console.log(`  ${name.padEnd(28)} ${ms.toFixed(3)} ms  ${((2 * n ** 3) / (ms * 1e6)).toFixed(1)} GFLOP/s  x${ratio.toFixed(3)}  same bits: ${same}`);
    });
  }
}

console.log(uptime());
if (only === "breakdown") breakdown();
else if (only === "phases") phases();
else if (only === "blocking") blocking();
else for (const [name, flag] of Object.entries({ wholeTileBlocks, stageBSlices, stageASlices })) if (!only || only === name) flagAb(name, flag);
console.log(uptime());
