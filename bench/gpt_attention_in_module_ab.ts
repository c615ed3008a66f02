/**
 * A/B of fused attention's in-module chains (nn/functional/attention_in_module.ts) in the GPT step
 * (bench/gpt.ts), in one process: rounds of steps alternate between the per-call path and the
 * session path (attentionInModule.enabled); medians of CPU and wall time per step, losses of both
 * compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_attention_in_module_ab.ts [rounds]
 */
import { GPT } from "./gpt";
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { torch } from "../lib/tensor/index";
import { fusedAttention } from "../lib/tensor/nn/functional/attention_core";
import { attentionInModule } from "../lib/tensor/nn/functional/attention_in_module";

const switchTo = (on: boolean) => (attentionInModule.enabled = on);
const names: [string, string] = ["per-call", "in module"];

/** The GPT step's attention alone (one layer's causal forward and backward, heads split from one projection), alternated. */
function attentionAlone(rounds: number): void {
  const { batch: N, context: L, width: D, heads: H } = GPT;
  const x = torch.randn(N, L, 3 * D, { requires_grad: true });
  const g = torch.randn(N, L, D);
  const once = () => {
    const [q, k, v] = x.split([D, D, D], -1).map((t) => t.reshape([N, L, H, -1]).transpose(1, 2));
    fusedAttention(q, k, v, null, true, 0.25).transpose(1, 2).reshape([N, L, D]).backward(g);
    x.grad = null;
  };
  console.log(abCpuLine("attention forward + backward alone", names, alternate(rounds, 10, switchTo, once)));
}

gptLossesBothWays(switchTo, names, 4);
const rounds = Number(process.argv[2] ?? 40);
gptStepAb(switchTo, names, rounds);
console.log(`${attentionInModule.runs} chains ran in module memory`);
attentionAlone(rounds);
console.log(uptime());
switchTo(true);
