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
import { GPT } from "./gpt";
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { torch } from "../lib/tensor/index";
import { fusedAttention } from "../lib/tensor/nn/functional/attention_core";
import { attentionInModule } from "../lib/tensor/nn/functional/attention_in_module";

const switchTo = (on: boolean) => (attentionInModule.chunkStaging = on);
const names: [string, string] = ["staged whole", "staged by chunk"];

/** One GPT layer's attention alone (heads split from one [N, L, 3D] projection, causal), forward and backward. */
function attentionAlone(rounds: number): void {
  const { batch: N, context: L, width: D, heads: H } = GPT;
  torch.manual_seed(1);
  const x = torch.randn(N, L, 3 * D, { requires_grad: true });
  const g = torch.randn(N, L, D);
  const once = () => {
    const [q, k, v] = x.split([D, D, D], -1).map((t) => t.reshape([N, L, H, -1]).transpose(1, 2));
    fusedAttention(q, k, v, null, true, 0.25).transpose(1, 2).reshape([N, L, D]).backward(g);
    x.grad = null;
  };
  console.log(abCpuLine("attention forward + backward alone", names, alternate(rounds, 10, switchTo, once)));
}

const rounds = Number(process.argv[2] ?? 40);
gptLossesBothWays(switchTo, names, Number(process.argv[3] ?? 40));
const before = attentionInModule.stagedByChunk;
gptStepAb(switchTo, names, rounds);
console.log(`${attentionInModule.stagedByChunk - before} chains staged by chunk`);
attentionAlone(rounds);
console.log(uptime());
switchTo(true);
