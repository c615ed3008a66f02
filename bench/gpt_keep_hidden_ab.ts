/**
 * A/B of the GELU block keeping its hidden activation and GELU's derivative in a lent driver's
 * memory from forward to backward (feedForwardInModule_.keep; gemm_session.ts lendGemm) against
 * copying them out after the forward and in again for the backward (2 x 1 MB each way per layer
 * here), in the GPT step (bench/gpt.ts), in one process: the 40 losses of both compared, rounds
 * alternated, medians of CPU and wall time per step, load before and after; then the same on a
 * thread pool of `threads` (where the block keeps its copies: the flag should change nothing).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_keep_hidden_ab.ts [rounds] [threads]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { createThreadPool } from "../lib/tensor/kernels/wasm/threads";
import { lentGemmCount } from "../lib/tensor/kernels/wasm/gemm_session";
import { feedForwardInModule_ } from "../lib/tensor/nn/functional/feed_forward_in_module";
import { nodeThreadSpawner } from "./node-threads";
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { encoderLayerAlone } from "./gpt_layer";

const rounds = Number(process.argv[2] ?? 40), threads = Number(process.argv[3] ?? 2);
const keep = (on: boolean) => (feedForwardInModule_.keep = on);
const names: [string, string] = ["copied", "kept"];
gptLossesBothWays(keep, names, 40);
const kept0 = feedForwardInModule_.kept;
console.log("1 thread:");
gptStepAb(keep, names, rounds);
console.log(`${feedForwardInModule_.kept - kept0} block forwards kept their hidden activation; ${lentGemmCount()} drivers lent now`);
console.log(abCpuLine("encoder layer forward + backward alone", names, alternate(rounds, 10, keep, encoderLayerAlone(true))));
if (threads > 1) {
  const single = kernels.gemm!;
  const pool = createThreadPool(nodeThreadSpawner, threads, undefined, undefined, true, single);
  while (!pool.ready()) {
    const t = Date.now();
    while (Date.now() - t < 5);
  }
  kernels.gemm = pool.gemm;
  console.log(`${threads} threads (the block keeps its copies on a pool):`);
  gptLossesBothWays(keep, names, 40);
  gptStepAb(keep, names, Math.max(4, rounds >> 1));
  kernels.gemm = single;
  pool.terminate();
}
keep(true);
console.log(uptime());
