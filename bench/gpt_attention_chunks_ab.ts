/**
 * A/B of fused attention's in-module chains run a few slices at a time on one thread
 * (attentionInModule.chunkScores: chunks of SCORES_PER_CHUNK scores, nn/functional/attention_in_module.ts)
 * against the whole batch at once, in one process: the GPT step (bench/gpt.ts) and one layer's
 * causal attention forward + backward alone, rounds alternating (order swapped every round);
 * losses of both compared (the same jobs per slice: the same bits), load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_attention_chunks_ab.ts [rounds] [loss steps] [scores per chunk]
 */
import { gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { attentionAloneAb } from "./gpt_attention_alone";
import { SCORES_PER_CHUNK, attentionInModule } from "../lib/tensor/nn/functional/attention_in_module";

/** Scores per chunk on the new side (argv[4], default the engine's). */
const chunkScores = Number(process.argv[4] ?? SCORES_PER_CHUNK);
const switchTo = (on: boolean) => (attentionInModule.chunkScores = on ? chunkScores : 0);
const names: [string, string] = ["whole batch", `chunks of ${chunkScores} scores`];


const rounds = Number(process.argv[2] ?? 40);
gptLossesBothWays(switchTo, names, Number(process.argv[3] ?? 40));
gptStepAb(switchTo, names, rounds);
attentionAloneAb(switchTo, names, rounds);
console.log(uptime());
attentionInModule.chunkScores = SCORES_PER_CHUNK;
