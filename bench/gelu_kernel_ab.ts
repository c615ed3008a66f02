/**
 * GELU's SIMD kernels (kernels/wasm/gelu_simd.ts) with 1, 2, 3 or 4 groups of four floats per
 * iteration, their statements interleaved: per-call time of gelu_fwd (y and the derivative) and
 * gelu_val on a [1024, 256] input (a GPT bench feed-forward's hidden activation) of values around
 * zero, on both builds (fused multiply-adds where Relaxed SIMD validates, mul + add), medians of
 * alternating rounds, and whether every build gives the one-group bits.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gelu_kernel_ab.ts [rounds]
 */
import { buildModule } from "../lib/tensor/kernels/wasm/assembler";
import { geluFunctions, type GeluKernels } from "../lib/tensor/kernels/wasm/gelu_simd";
import { uptime } from "./ab";

const n = 1024 * 256, rounds = Number(process.argv[2] ?? 15), calls = 40;
const GROUPS = [1, 2, 3, 4];

function build(fma: boolean, groups: number, memory: WebAssembly.Memory): GeluKernels | null {
  try {
    const bytes = buildModule(geluFunctions(fma, groups), { initial: 1, maximum: 65536, shared: false });
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as GeluKernels;
  } catch {
    return null; // no Relaxed SIMD: no fused build
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

console.log(uptime());
for (const fma of [true, false]) {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((4 * n * 4) / 65536) + 1 });
  const builds = GROUPS.map((groups) => build(fma, groups, memory));
  if (builds.some((k) => !k)) { console.log(`${fma ? "fused" : "mul + add"}: not available here`); continue; }
  const h = new Float32Array(memory.buffer), u = new Uint32Array(memory.buffer);
  // Sums of three uniforms: bell-shaped like a pre-activation, mostly within +-3.
  for (let i = 0; i < n; i++) h[i] = (Math.random() + Math.random() + Math.random() - 1.5) * 2;
  const X = 0, Y = 4 * n, D = 8 * n, V = 12 * n;
  let reference = new Uint32Array(0);
  const same = builds.map((k, b) => {
    k!.gelu_fwd(X, Y, D, n / 4);
    k!.gelu_val(X, V, n / 4);
    const bits = u.slice(n, 4 * n);
    if (b === 0) reference = bits;
    return bits.every((w, i) => w === reference[i]);
  });
  const fwd = builds.map(() => [] as number[]), val = builds.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...builds.keys()].reverse() : [...builds.keys()];
    for (const b of order) {
      const k = builds[b]!;
      let t0 = performance.now();
      for (let c = 0; c < calls; c++) k.gelu_fwd(X, Y, D, n / 4);
      fwd[b].push(((performance.now() - t0) / calls) * 1000);
      t0 = performance.now();
      for (let c = 0; c < calls; c++) k.gelu_val(X, V, n / 4);
      val[b].push(((performance.now() - t0) / calls) * 1000);
    }
  }
  GROUPS.forEach((groups, b) => {
    const f = median(fwd[b]), v = median(val[b]);
    console.log(`${fma ? "fused" : "mul + add"}, ${groups} group(s): gelu_fwd ${f.toFixed(0)} us (x${(f / median(fwd[0])).toFixed(2)}), gelu_val ${v.toFixed(0)} us (x${(v / median(val[0])).toFixed(2)}); one-group bits: ${same[b]}`);
  });
}
console.log(uptime());
