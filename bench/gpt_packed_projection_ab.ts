/**
 * A/B of MultiheadAttention's packed self-attention projection (one [N L, E] @ [E, 3E] product for
 * q, k and v, and attention_core's fusedPackedAttention taking the projection as its one input) in
 * the GPT step (bench/gpt.ts), in one process: rounds of steps alternate between three
 * projections and the packed one (packedProjection.enabled); medians of CPU and wall time per
 * step, the losses of both, load before and after.
 *
 *   node --experimental-wasm-relaxed-simd --import tsx bench/gpt_packed_projection_ab.ts [rounds]
 */
import { gptLossesBothWays, gptStepAb, uptime } from "./ab";
import { packedProjection } from "../lib/tensor/nn/functional/attention_core";

const switchTo = (on: boolean) => (packedProjection.enabled = on);
const names: [string, string] = ["three products", "packed"];

// The packed product computes each output element as the three did; the relative difference says by how much they differ if not.
const losses = gptLossesBothWays(switchTo, names);
console.log(`max relative difference ${Math.max(...losses[0].map((x, i) => Math.abs(x - losses[1][i]) / Math.abs(x))).toExponential(2)}`);
gptStepAb(switchTo, names, Number(process.argv[2] ?? 40));
console.log(uptime());
switchTo(true);
