/**
 * One GPT layer's causal attention alone (bench/gpt.ts's shapes; heads split from one [N, L, 3D]
 * projection, as MultiheadAttention's packed path hands them over), forward and backward, timed
 * with two variants alternating: for the A/B scripts of fused attention.
 */
import { GPT } from "./gpt";
import { abCpuLine, alternate } from "./ab";
import { torch } from "../lib/tensor/index";
import { fusedAttention } from "../lib/tensor/nn/functional/attention_core";

export function attentionAloneAb(switchTo: (on: boolean) => void, names: [string, string], rounds: number): void {
  const { batch: N, context: L, width: D, heads: H } = GPT;
  torch.manual_seed(1);
  const x = torch.randn(N, L, 3 * D, { requires_grad: true });
  const g = torch.randn(N, L, D);
  const once = () => {
    const [q, k, v] = x.split([D, D, D], -1).map((t) => t.reshape([N, L, H, -1]).transpose(1, 2));
    fusedAttention(q, k, v, null, true, 0.25).transpose(1, 2).reshape([N, L, D]).backward(g);
    x.grad = null;
  };
  console.log(abCpuLine("attention forward + backward alone", names, alternate(rounds, 10, switchTo, once)));
}
