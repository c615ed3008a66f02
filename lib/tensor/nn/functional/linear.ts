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
  // torch 1.13 folds only a contiguous 3-d batch into addmm (_flatten_3d_linear); any other goes through
  // matmul(...).add_(bias) (AddBackward0), so a batch of another dtype (an LSTM's batch_first input, transposed)
  // fails with matmul's message, not addmm's
  if (input.dim() === 3 && bias && input.is_contiguous()) {
    // Batched input folds into rows for one addmm (PyTorch's grad_fn here is ViewBackward0 too).
    const k = input.shape[input.dim() - 1];
    return addmm(bias, input.reshape([-1, k]), weight.t()).view([...input.shape.slice(0, -1), weight.shape[0]]);
  }
  const out = input.matmul(weight.t());
  return bias ? out.add(bias) : out;
}
