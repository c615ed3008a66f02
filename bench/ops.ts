/** Kernel-level throughput: matmul GFLOP/s and elementwise M elements/s. */
import { torch } from "../lib/tensor/index";
import { registerBench, timeMs } from "./harness";
import { tfjs } from "./peer_tfjs";
import { jaxMatmul } from "./jax_models";
import { fmaCeilingGflops } from "./fma_ceiling";

function gflops(n: number, ms: number): number {
  return (2 * n * n * n) / (ms * 1e6);
}

for (const n of [64, 256, 512, 1024]) {
  const opts = { minMs: n >= 512 ? 2000 : 1000, warmup: n >= 512 ? 2 : 10, minIters: 5 };
  registerBench({
    group: "matmul",
    name: `${n}x${n} @ ${n}x${n}`,
    unit: "GFLOP/s",
    target: n >= 256 ? { value: 50, higherIsBetter: true } : undefined,
    ours: async () => {
      torch.manual_seed(1);
      const a = torch.randn(n, n);
      const b = torch.randn(n, n);
      return gflops(n, await timeMs(() => torch.mm(a, b), opts));
    },
    peer: async () => {
      const tf = await tfjs();
      const a = tf.randomNormal([n, n]);
      const b = tf.randomNormal([n, n]);
      const ms = await timeMs(() => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      }, opts);
      a.dispose();
      b.dispose();
      return gflops(n, ms);
    },
  });
}

// The SIMD ceiling in the same run: what the matmul rows can at most reach on this machine today.
registerBench({ group: "matmul", name: "SIMD FMA ceiling (12 f32x4 accumulators, no memory)", unit: "GFLOP/s", ours: fmaCeilingGflops });

/** Our n x n matmul throughput (the same measurement as the rows above). */
export async function oursMatmulGflops(n: number): Promise<number> {
  torch.manual_seed(1);
  const a = torch.randn(n, n);
  const b = torch.randn(n, n);
  return gflops(n, await timeMs(() => torch.mm(a, b), { minMs: n >= 512 ? 2000 : 1000, warmup: n >= 512 ? 2 : 10, minIters: 5 }));
}

for (const n of [256, 1024]) {
  registerBench({
    group: "jax",
    name: `matmul ${n}x${n} @ ${n}x${n}`,
    unit: "GFLOP/s",
    ours: () => oursMatmulGflops(n),
    peer: async () => gflops(n, await timeMs(await jaxMatmul(n), { minMs: 1000, warmup: 2, minIters: 5 })),
  });
}

const N = 1 << 20;
for (const op of ["relu", "sigmoid", "exp"] as const) {
  registerBench({
    group: "elementwise",
    name: `${op} over 1M floats`,
    unit: "M elem/s",
    ours: async () => {
      const x = torch.randn(N);
      return N / 1e6 / ((await timeMs(() => x[op](), { minIters: 20 })) / 1000);
    },
    peer: async () => {
      const tf = await tfjs();
      const x = tf.randomNormal([N]);
      const ms = await timeMs(() => {
        const y = tf[op](x);
        y.dataSync();
        y.dispose();
      }, { minIters: 20 });
      x.dispose();
      return N / 1e6 / (ms / 1000);
    },
  });
}
