/**
 * A/B of the feed-forward block in the GEMM module's memory (nn/functional/feed_forward_in_module.ts)
 * in the GPT step (bench/gpt.ts), in one process: rounds of steps alternate between the module
 * path and the fused path (feedForwardInModule_.enabled); medians of CPU and wall time per step,
 * losses of both compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_feed_forward_in_module_ab.ts [rounds]
 */
import { GPT } from "./gpt";
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { nn, torch } from "../lib/tensor/index";
import { feedForwardInModule_ } from "../lib/tensor/nn/functional/feed_forward_in_module";

const switchTo = (on: boolean) => (feedForwardInModule_.enabled = on);
const names: [string, string] = ["modules", "fused"];

/** One layer's block alone (forward and backward through a [16, 64, 64] input, as in the GPT step), alternated. */
function blockAlone(rounds: number): void {
  const layer = new nn.TransformerEncoderLayer(GPT.width, GPT.heads, { dim_feedforward: 4 * GPT.width, dropout: 0, activation: "gelu", batch_first: true, norm_first: true });
  const x = torch.randn(GPT.batch, GPT.context, GPT.width, { requires_grad: true });
  const g = torch.randn(GPT.batch, GPT.context, GPT.width);
  const ff = layer as unknown as { ff_block(x: unknown, last: unknown): ReturnType<typeof torch.randn> };
  const once = () => {
    ff.ff_block(x, layer.dropout2).backward(g);
    x.grad = null;
  };
  console.log(abCpuLine("feed-forward block forward + backward alone", ["modules", "in module"], alternate(rounds, 10, switchTo, once)));
}

gptLossesBothWays(switchTo, names, 4);
const rounds = Number(process.argv[2] ?? 40);
gptStepAb(switchTo, names, rounds);
console.log(`${feedForwardInModule_.forwards} blocks ran in module memory`);
blockAlone(rounds);
console.log(uptime());
switchTo(true);
