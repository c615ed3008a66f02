/**
 * A/B of the pre-norm residual joining the in-module feed-forward block (x + ff(norm2(x)) as one op,
 * nn/functional/feed_forward_in_module.ts with a PreNorm) in the GPT step (bench/gpt.ts), in one
 * process: rounds of steps alternate between the two (feedForwardInModule_.preNorm; the block
 * itself runs in module memory both ways); medians of CPU and wall time per step, losses of both
 * compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_residual_feed_forward_ab.ts [rounds]
 */
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { encoderLayerAlone } from "./gpt_layer";
import { feedForwardInModule_ } from "../lib/tensor/nn/functional/feed_forward_in_module";

const switchTo = (on: boolean) => (feedForwardInModule_.preNorm = on);
const names: [string, string] = ["separate", "joined"];

gptLossesBothWays(switchTo, names);
const rounds = Number(process.argv[2] ?? 40);
gptStepAb(switchTo, names, rounds);
console.log(`${feedForwardInModule_.normForwards} blocks ran with their norm and residual in module memory`);
console.log(abCpuLine("encoder layer forward + backward alone", ["separate norm2 + add", "joined"], alternate(rounds, 10, switchTo, encoderLayerAlone(false))));
console.log(uptime());
switchTo(true);
