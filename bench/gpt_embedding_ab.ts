/**
 * A/B of F.embedding's row copies and backward scatter-add as WebAssembly
 * (kernels/wasm/embedding_simd.ts) against the JS loops (the same bits), in one process: the
 * token lookup alone (1024 indices into [65, 64], forward + backward) and the GPT step
 * (bench/gpt.ts); rounds alternate (embeddingRows_.enabled); medians of CPU (and wall) time,
 * losses of both compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_embedding_ab.ts [rounds]
 */
import { F, torch } from "../lib/tensor/index";
import { embeddingRows_ } from "../lib/tensor/nn/functional/embedding";
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { GPT } from "./gpt";

const rounds = Number(process.argv[2] ?? 40);
const switchTo = (on: boolean) => {
  embeddingRows_.enabled = on;
};

torch.manual_seed(0);
const weight = torch.randn(GPT.vocab, GPT.width).requires_grad_(true);
const idx = torch.randint(0, GPT.vocab, [GPT.batch, GPT.context]);
const gy = torch.randn(GPT.batch, GPT.context, GPT.width);
const lookupAlone = () => {
  F.embedding(idx, weight).backward(gy);
  weight.grad = null;
};
for (let i = 0; i < 20; i++) lookupAlone();
console.log(uptime());
console.log(abCpuLine("embedding [16, 64] into [65, 64] forward + backward", ["JS loops", "wasm"], alternate(rounds, 20, switchTo, lookupAlone)));
gptLossesBothWays(switchTo, ["JS loops", "wasm"]);
gptStepAb(switchTo, ["JS loops", "wasm"], rounds);
console.log(uptime());
switchTo(true);
