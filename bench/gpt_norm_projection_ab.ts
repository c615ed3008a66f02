/**
 * A/B of norm1 joining self-attention's packed q/k/v projection in the GEMM module's memory
 * (linear(layer_norm(x)) as one op, nn/functional/norm_linear_in_module.ts) in the GPT step
 * (bench/gpt.ts), in one process: rounds of steps alternate between the two
 * (normLinearInModule_.enabled; everything else the same); medians of CPU and wall time per step,
 * losses of both compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_norm_projection_ab.ts [rounds]
 */
import { execSync } from "node:child_process";
import { gptStep, GPT } from "./gpt";
import { nn, torch } from "../lib/tensor/index";
import { normLinearInModule_ } from "../lib/tensor/nn/functional/norm_linear_in_module";

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

/** One layer alone (forward and backward through a [16, 64, 64] input, as in the GPT step), alternated. */
function layerAlone(rounds: number): void {
  const layer = new nn.TransformerEncoderLayer(GPT.width, GPT.heads, { dim_feedforward: 4 * GPT.width, dropout: 0, activation: "gelu", batch_first: true, norm_first: true });
  const x = torch.randn(GPT.batch, GPT.context, GPT.width, { requires_grad: true });
  const g = torch.randn(GPT.batch, GPT.context, GPT.width);
  const once = () => { layer(x, { is_causal: true, src_mask: torch.ones(GPT.context, GPT.context, { dtype: torch.bool }).triu(1) }).backward(g); x.grad = null; layer.zero_grad(); };
  const t: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { normLinearInModule_.enabled = v === 1; const c0 = cpu(); for (let i = 0; i < 10; i++) once(); t[v].push((cpu() - c0) / 10); }
  console.log(`encoder layer forward + backward alone: separate norm1 + projection CPU ${med(t[0]).toFixed(3)} ms, joined ${med(t[1]).toFixed(3)} ms, per round x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)}`);
}

// Losses of 6 steps from the same seed on each path: the arithmetic is the same, so the same bits.
const losses = [false, true].map((on) => { normLinearInModule_.enabled = on; const s = gptStep(); return Array.from({ length: 6 }, () => s()); });
console.log(`losses separate ${losses[0].join(" ")}\nlosses joined   ${losses[1].join(" ")}\nbit-equal: ${losses[0].every((x, i) => Object.is(x, losses[1][i]))}`);
const step = gptStep();
for (let i = 0; i < 5; i++) step();
const rounds = Number(process.argv[2] ?? 40), per = 3;
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
const before = normLinearInModule_.forwards;
for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { normLinearInModule_.enabled = v === 1; const c0 = cpu(), t0 = performance.now(); for (let i = 0; i < per; i++) step(); t[v].push((cpu() - c0) / per); w[v].push((performance.now() - t0) / per); }
console.log(`separate CPU ${med(t[0]).toFixed(2)} wall ${med(w[0]).toFixed(2)} ms; joined CPU ${med(t[1]).toFixed(2)} wall ${med(w[1]).toFixed(2)} ms; per round CPU x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)} wall x${med(w[1].map((x, i) => x / w[0][i])).toFixed(3)}`);
console.log(`${normLinearInModule_.forwards - before} norm1 + projection ops ran in module memory`);
layerAlone(rounds);
console.log(execSync("uptime").toString().trim());
normLinearInModule_.enabled = true;
