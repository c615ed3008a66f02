/**
 * A/B of norm1 joining self-attention's packed q/k/v projection in the GEMM module's memory
 * (linear(layer_norm(x)) as one op, nn/functional/norm_linear_in_module.ts) in the GPT step
 * (bench/gpt.ts), in one process: rounds of steps alternate between the two
 * (normLinearInModule_.enabled; everything else the same); medians of CPU and wall time per step,
 * losses of both compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_norm_projection_ab.ts [rounds]
 */
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { encoderLayerAlone } from "./gpt_layer";
import { normLinearInModule_ } from "../lib/tensor/nn/functional/norm_linear_in_module";

const switchTo = (on: boolean) => (normLinearInModule_.enabled = on);
const names: [string, string] = ["separate", "joined"];

gptLossesBothWays(switchTo, names);
const rounds = Number(process.argv[2] ?? 40);
const before = normLinearInModule_.forwards;
gptStepAb(switchTo, names, rounds);
console.log(`${normLinearInModule_.forwards - before} norm1 + projection ops ran in module memory`);
console.log(abCpuLine("encoder layer forward + backward alone", ["separate norm1 + projection", "joined"], alternate(rounds, 10, switchTo, encoderLayerAlone(true))));
console.log(uptime());
switchTo(true);
