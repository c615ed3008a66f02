/**
 * A/B of deciding multi-slice matmul products whole (threads.ts wholeProducts) on a two-thread
 * pool, in one process: the GPT step (losses compared, then rounds alternated), the MLP step and
 * the LeNet-5 step, medians of CPU and wall time per step, then the whole products' verdicts.
 * Wall-time gains need a free second core (under load the chooser runs them alone).
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/threads_whole_products_ab.ts [rounds] [nogpt]
 */
import { kernels } from "../lib/tensor/kernels/registry";
import { readyPool } from "./node-threads";
import { wholeProducts } from "../lib/tensor/kernels/wasm/threads";
import { gptStepAb, alternate, abLine, uptime, gptLossesBothWays } from "./ab";
import { lenetStep } from "./lenet";
import { F, nn, optim, torch } from "../lib/tensor/index";
/** bench/threads.ts's MLP step (784-128-10, batch 64, SGD). */
function mlpStep(): () => void {
  torch.manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  const x = torch.rand(64, 784);
  const y = torch.randint(0, 10, [64]);
  return () => { opt.zero_grad(); F.cross_entropy(model(x), y).backward(); opt.step(); };
}
const rounds = Number(process.argv[2] ?? 20);
const single = kernels.gemm!;
const pool = readyPool(2, single);
kernels.gemm = pool.gemm;
const sw = (on: boolean) => { wholeProducts.enabled = on; };
const names: [string, string] = ["old:", "whole:"];
if (process.argv[3] !== "nogpt") { gptLossesBothWays(sw, names); gptStepAb(sw, names, rounds); }
const m = mlpStep(); for (let i = 0; i < 20; i++) m();
console.log("MLP", abLine(names, alternate(rounds, 10, sw, m)));
const l = lenetStep().step; for (let i = 0; i < 5; i++) l();
console.log("LeNet", abLine(names, alternate(rounds, 3, sw, l)));
console.log(uptime());
for (const v of pool.verdicts()) if (v.key.startsWith("w")) console.log(`${v.key.padEnd(16)} alone ${v.alone.toFixed(3)} split ${v.split.toFixed(3)} ${v.splitWins ? "SPLIT" : "alone"}`);
pool.terminate();
