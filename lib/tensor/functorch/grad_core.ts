/** The one autograd call the functorch transforms make (grad.ts): gradients, zeros where unused. */
import { runBackward } from "../autograd/engine";
import { enable_grad } from "../autograd/grad_mode";
import { ones_like, zeros_like } from "../ops/creation";
import { Tensor } from "../tensor";

/**
 * d(outputs)/d(inputs) weighted by gradOutputs (ones for scalars when null), as torch.autograd.grad
 * with allow_unused, an unused input getting zeros as functorch gives. createGraph keeps the result
 * differentiable (for a surrounding transform or graph); retain keeps the graph for another call.
 */
export function gradOf(outputs: Tensor | Tensor[], inputs: Tensor[], gradOutputs: Tensor[] | null, createGraph: boolean, retain = false): Tensor[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const gos = gradOutputs ?? outs.map((o) => ones_like(o));
  const live = outs.map((o, i) => [o, gos[i]] as const).filter(([o]) => o.requires_grad);
  const grads: (Tensor | null)[] =
    live.length === 0
      ? inputs.map(() => null)
      : enable_grad(() =>
          runBackward(
            live.map(([o]) => o),
            live.map(([, g]) => (createGraph ? g : g.detach())),
            { retain_graph: retain || createGraph, create_graph: createGraph, capture: inputs },
          ),
        );
  return grads.map((g, i) => (g === null ? zeros_like(inputs[i]) : createGraph ? g : g.detach()));
}
