/**
 * A/B of causally skipped batch products packing each slice's B once (gemm_batch.ts, batchBOnce)
 * against each row group packing the part of B it reads (the same bits), in the GPT step
 * (bench/gpt.ts) and on attention's six per-head causal products alone (bench/gpt_gemms.ts's
 * shapes), in one process: rounds alternate between the two; medians of CPU time (and wall time
 * for the step), losses of both compared, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_causal_b_once_ab.ts [rounds]
 */
import { abCpuLine, alternate, gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { gptProducts } from "./gpt_gemms";
import { batchBOnce } from "../lib/tensor/kernels/wasm/gemm_batch";

const switchTo = (on: boolean) => (batchBOnce.enabled = on);

/** Attention's six causal per-head products (one layer's), alternated. */
function productsAlone(rounds: number): void {
  const attention = gptProducts(true).filter((p) => p.name.startsWith("attn"));
  const once = () => {
    for (const p of attention) p.run();
  };
  console.log(abCpuLine(`attention's ${attention.length} causal products alone`, ["B per row group", "B once per slice"], alternate(rounds, 5, switchTo, once)));
}

gptLossesBothWays(switchTo, ["per group", "once"]);
const rounds = Number(process.argv[2] ?? 40);
gptStepAb(switchTo, ["B per group", "B once"], rounds);
productsAlone(rounds);
console.log(uptime());
switchTo(true);
