/** F.linear: y = x W^T + b, through addmm for 2-D input so grad_fn prints AddmmBackward0 as in PyTorch. */
import { parseArgs, type PyArgs } from "../../args";
import { addmm } from "../../ops/matmul";
import type { Tensor } from "../../tensor";
import { checkTensor } from "./_util";

export function linear(input: Tensor, weight: Tensor, ...args: PyArgs<[bias?: Tensor | null], { bias?: Tensor | null }>): Tensor {
  checkTensor(input, "linear");
  checkTensor(weight, "linear", "weight");
  const bias = parseArgs<{ bias?: Tensor | null }>("linear", ["bias"], args).bias;
  if (input.dim() === 2 && bias) return addmm(bias, input, weight.t());
  const out = input.matmul(weight.t());
  return bias ? out.add(bias) : out;
}
