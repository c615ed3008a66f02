/**
 * torch 1.13's node for an op with no derivative formula (aminmax, channel_shuffle): the output still requires grad
 * and prints grad_fn=<NotImplemented> (name() "torch::autograd::NotImplemented"), and a backward that reaches the
 * node raises torch's "derivative for <op> is not implemented".
 */
import { RuntimeError } from "../errors";
import type { Tensor } from "../tensor";
import { no_grad } from "./grad_mode";
import { record } from "./function";

/** `forward()` computed outside the graph, tied to a NotImplemented node over `inputs`; `op` as torch's message names it. */
export function withoutDerivative(op: string, inputs: readonly Tensor[], forward: () => Tensor): Tensor {
  const out = no_grad(forward);
  return record(out, "NotImplemented", inputs, () => {
    throw new RuntimeError(`derivative for ${op} is not implemented`);
  });
}
