/**
 * A/B of fused attention's in-module chains (nn/functional/attention_in_module.ts) in the GPT step
 * (bench/gpt.ts), in one process: rounds of steps alternate between the per-call path and the
 * session path (attentionInModule.enabled); medians of CPU and wall time per step, losses of both
 * compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_attention_in_module_ab.ts [rounds]
 */
import { execSync } from "node:child_process";
import { gptStep, GPT } from "./gpt";
import { torch } from "../lib/tensor/index";
import { fusedAttention } from "../lib/tensor/nn/functional/attention_core";
import { attentionInModule } from "../lib/tensor/nn/functional/attention_in_module";

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];

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
  const t: number[][] = [[], []];
  for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { attentionInModule.enabled = v === 1; const c0 = cpu(); for (let i = 0; i < 10; i++) once(); t[v].push((cpu() - c0) / 10); }
  console.log(`attention forward + backward alone: per-call CPU ${med(t[0]).toFixed(3)} ms, in module ${med(t[1]).toFixed(3)} ms, per round x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)}`);
}

// Losses of 4 steps from the same seed on each path: the arithmetic is the same, so the same bits.
const losses = [false, true].map((on) => { attentionInModule.enabled = on; const s = gptStep(); return Array.from({ length: 4 }, () => s()); });
console.log(`losses per-call ${losses[0].join(" ")}\nlosses session  ${losses[1].join(" ")}\nbit-equal: ${losses[0].every((x, i) => Object.is(x, losses[1][i]))}`);
const step = gptStep();
for (let i = 0; i < 5; i++) step();
const rounds = Number(process.argv[2] ?? 40), per = 3;
const t: number[][] = [[], []], w: number[][] = [[], []];
console.log(execSync("uptime").toString().trim());
for (let r = 0; r < rounds; r++) for (const v of r % 2 ? [0, 1] : [1, 0]) { attentionInModule.enabled = v === 1; const c0 = cpu(), t0 = performance.now(); for (let i = 0; i < per; i++) step(); t[v].push((cpu() - c0) / per); w[v].push((performance.now() - t0) / per); }
console.log(`per-call CPU ${med(t[0]).toFixed(2)} wall ${med(w[0]).toFixed(2)} ms; in module CPU ${med(t[1]).toFixed(2)} wall ${med(w[1]).toFixed(2)} ms; per round CPU x${med(t[1].map((x, i) => x / t[0][i])).toFixed(3)} wall x${med(w[1].map((x, i) => x / w[0][i])).toFixed(3)}`);
console.log(`${attentionInModule.runs} chains ran in module memory`);
attentionAlone(rounds);
console.log(execSync("uptime").toString().trim());
attentionInModule.enabled = true;
