/**
 * A/B of cross_entropy's row passes as WebAssembly (kernels/wasm/cross_entropy_simd.ts) against
 * the JS loops (the same bits), in one process: the loss alone over the GPT step's logits (1024
 * rows of 65 classes, forward + backward) and the GPT step (bench/gpt.ts); rounds alternate
 * (crossEntropyRows_.enabled); medians of CPU (and wall) time, losses of both compared, load
 * before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_cross_entropy_ab.ts [rounds]
 */
import { F, torch } from "../lib/tensor/index";
import { crossEntropyRows_ } from "../lib/tensor/nn/functional/loss";
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { GPT } from "./gpt";

const rounds = Number(process.argv[2] ?? 40);
const switchTo = (on: boolean) => {
  crossEntropyRows_.enabled = on;
};

torch.manual_seed(0);
const logits = torch.randn(GPT.batch * GPT.context, GPT.vocab).mul(2).requires_grad_(true);
const target = torch.randint(0, GPT.vocab, [GPT.batch * GPT.context]);
const lossAlone = () => {
  F.cross_entropy(logits, target).backward();
  logits.grad = null;
};
for (let i = 0; i < 20; i++) lossAlone();
console.log(uptime());
console.log(abCpuLine("cross_entropy [1024, 65] forward + backward", ["JS loops", "wasm"], alternate(rounds, 20, switchTo, lossAlone)));
gptLossesBothWays(switchTo, ["JS loops", "wasm"]);
gptStepAb(switchTo, ["JS loops", "wasm"], rounds);
console.log(uptime());
switchTo(true);
