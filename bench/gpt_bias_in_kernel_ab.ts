/**
 * A/B of the bias row added by the GEMM kernel (gemm_bias, kernels/wasm/gemm_kernel.ts) against
 * copying it into every row of C for gemm_acc first (the same bits), in the GPT step (bench/gpt.ts)
 * and on one Linear forward of the step's shape (1024 x 64 @ 64 x 256 + b, as linear1), in one
 * process: rounds alternate between the two (biasInKernel.enabled); medians of CPU time (and wall
 * time for the step), losses of both compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_bias_in_kernel_ab.ts [rounds]
 */
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { matmulBias } from "../lib/tensor/kernels/matmul_bias";
import { biasInKernel } from "../lib/tensor/kernels/wasm/gemm_batch";

const switchTo = (on: boolean) => (biasInKernel.enabled = on);

/** linear1's forward product alone (row-sliced with the bias), alternated. */
function productAlone(rounds: number): void {
  const m = 1024, n = 256, k = 64;
  const x = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)), w = Float32Array.from({ length: n * k }, (_, i) => Math.cos(i));
  const b = Float32Array.from({ length: n }, (_, i) => i / n), c = new Float32Array(m * n);
  const once = () => void matmulBias(m, n, k, x, 0, k, 1, w, 0, 1, k, b, 0, 1, c, 0);
  console.log(abCpuLine("1024x64 @ 64x256 + b alone", ["bias preloaded", "in the kernel"], alternate(rounds, 20, switchTo, once)));
}

gptLossesBothWays(switchTo, ["preloaded", "in kernel"]);
const rounds = Number(process.argv[2] ?? 40);
gptStepAb(switchTo, ["preloaded", "in kernel"], rounds);
productAlone(rounds);
console.log(uptime());
switchTo(true);
