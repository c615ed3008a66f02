/**
 * A/B of this round's GPT-step cuts together, in one process: norm1 joining the packed q/k/v
 * projection (normLinearInModule_), the bias added by the GEMM kernel (biasInKernel) and causally
 * skipped products packing B once per slice (batchBOnce), all off against all on (each keeps its
 * old path for this); rounds alternate; medians of CPU and wall time per step, losses of both
 * compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_step_cuts_ab.ts [rounds]
 */
import { gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { batchBOnce, biasInKernel } from "../lib/tensor/kernels/wasm/gemm_batch";
import { normLinearInModule_ } from "../lib/tensor/nn/functional/norm_linear_in_module";

const switchTo = (on: boolean) => {
  normLinearInModule_.enabled = on;
  biasInKernel.enabled = on;
  batchBOnce.enabled = on;
};

gptLossesBothWays(switchTo, ["before", "after"]);
gptStepAb(switchTo, ["before", "after"], Number(process.argv[2] ?? 40));
console.log(uptime());
switchTo(true);
