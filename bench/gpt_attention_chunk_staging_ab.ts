/**
 * A/B of fused attention's chunked in-module chains staging each chunk's q, k, v, dO and results
 * by themselves in regions reused chunk after chunk (attentionInModule.chunkStaging,
 * nn/functional/attention_in_module.ts) against staging the whole batch's once, in one process:
 * the GPT step (bench/gpt.ts) and one layer's causal attention forward + backward alone, rounds
 * alternating (order swapped every round); losses of both compared (the same jobs: the same
 * bits), load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_attention_chunk_staging_ab.ts [rounds] [loss steps]
 */
import { gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { attentionAloneAb } from "./gpt_attention_alone";
import { attentionInModule } from "../lib/tensor/nn/functional/attention_in_module";

const switchTo = (on: boolean) => (attentionInModule.chunkStaging = on);
const names: [string, string] = ["staged whole", "staged by chunk"];


const rounds = Number(process.argv[2] ?? 40);
gptLossesBothWays(switchTo, names, Number(process.argv[3] ?? 40));
const before = attentionInModule.stagedByChunk;
gptStepAb(switchTo, names, rounds);
console.log(`${attentionInModule.stagedByChunk - before} chains staged by chunk`);
attentionAloneAb(switchTo, names, rounds);
console.log(uptime());
switchTo(true);
