/**
 * PyTorch 1.13 (native CPU, one thread) on this machine, as the issue records them: a fixed
 * reference, not measured by this run (Debian's python3-torch here lacks a tuned BLAS, so live
 * figures from it would not be PyTorch's real speed).
 */
import { GPT_ROW } from "./gpt";
import { LENET_ROW } from "./lenet";
import { MLP_ROW } from "./mlp";

const TORCH_ONE_THREAD_MS: [label: string, ms: number][] = [
  [`train: ${MLP_ROW}`, 0.37],
  [`train: ${LENET_ROW}`, 3.7],
  [`train: ${GPT_ROW}`, 14.3],
];

export function printTorchReference(ours: ReadonlyMap<string, number>): void {
  const rows = TORCH_ONE_THREAD_MS.filter(([label]) => ours.has(label));
  if (rows.length === 0) return;
  console.log("\nReference: PyTorch 1.13, one thread, native (figures recorded in the issue, not measured now)");
  for (const [label, ms] of rows) {
    const o = ours.get(label)!;
    console.log(`${label.padEnd(100)}  ours ${o.toFixed(2).padStart(8)} ms  torch ${ms.toFixed(2).padStart(6)} ms  ours/torch ${(o / ms).toFixed(1)}x`);
  }
}
