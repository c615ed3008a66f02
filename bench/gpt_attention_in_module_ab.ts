/**
 * A/B of fused attention's in-module chains (nn/functional/attention_in_module.ts) in the GPT step
 * (bench/gpt.ts), in one process: rounds of steps alternate between the per-call path and the
 * session path (attentionInModule.enabled); medians of CPU and wall time per step, losses of both
 * compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_attention_in_module_ab.ts [rounds]
 */
import { gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { attentionAloneAb } from "./gpt_attention_alone";
import { attentionInModule } from "../lib/tensor/nn/functional/attention_in_module";

const switchTo = (on: boolean) => (attentionInModule.enabled = on);
const names: [string, string] = ["per-call", "in module"];


gptLossesBothWays(switchTo, names, 4);
const rounds = Number(process.argv[2] ?? 40);
gptStepAb(switchTo, names, rounds);
console.log(`${attentionInModule.runs} chains ran in module memory`);
attentionAloneAb(switchTo, names, rounds);
console.log(uptime());
switchTo(true);
