/** Conv2d forward throughput (GFLOP/s, 2 * output elements * Cin * kh * kw per call), no autograd. */
import { F, torch } from "../lib/tensor/index";
import { registerBench, timeMs } from "./harness";
import type { Tensor4D } from "@tensorflow/tfjs-core";
import { tfjs } from "./peer_tfjs";
import { jaxConv } from "./jax_models";

export const CONV_SHAPES: { name: string; x: [number, number, number, number]; w: [number, number, number, number] }[] = [
  { name: "conv2d forward, LeNet conv2: 64x8x12x12, 16x8x5x5", x: [64, 8, 12, 12], w: [16, 8, 5, 5] },
  { name: "conv2d forward, 16x32x32x32, 64x32x3x3", x: [16, 32, 32, 32], w: [64, 32, 3, 3] },
];

function flops(x: number[], w: number[]): number {
  const oh = x[2] - w[2] + 1;
  const ow = x[3] - w[3] + 1;
  return 2 * x[0] * w[0] * oh * ow * w[1] * w[2] * w[3];
}

const opts = { warmup: 3, minMs: 1000, minIters: 5 };

/** Our conv2d forward throughput for one shape. */
export async function oursConvGflops(x: number[], w: number[]): Promise<number> {
  torch.manual_seed(2);
  const xt = torch.randn(x);
  const wt = torch.randn(w);
  const ms = await timeMs(() => torch.no_grad(() => F.conv2d(xt, wt)), opts);
  return flops(x, w) / (ms * 1e6);
}

for (const s of CONV_SHAPES) {
  registerBench({
    group: "conv",
    name: s.name,
    unit: "GFLOP/s",
    ours: () => oursConvGflops(s.x, s.w),
    peer: async () => {
      const tf = await tfjs();
      // tfjs convolves NHWC inputs with HWIO filters.
      const xt = tf.randomNormal([s.x[0], s.x[2], s.x[3], s.x[1]]) as Tensor4D;
      const wt = tf.randomNormal([s.w[2], s.w[3], s.w[1], s.w[0]]) as Tensor4D;
      const ms = await timeMs(() => {
        const y = tf.conv2d(xt, wt, 1, "valid");
        y.dataSync();
        y.dispose();
      }, opts);
      xt.dispose();
      wt.dispose();
      return flops(s.x, s.w) / (ms * 1e6);
    },
  });
  registerBench({
    group: "jax",
    name: s.name,
    unit: "GFLOP/s",
    ours: () => oursConvGflops(s.x, s.w),
    peer: async () => flops(s.x, s.w) / ((await timeMs(await jaxConv(s.x, s.w), opts)) * 1e6),
  });
}
