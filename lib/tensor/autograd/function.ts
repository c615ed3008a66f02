/** Attaching backward nodes to op outputs. */
import type { Tensor } from "../tensor";
import { runBackward } from "./engine";
import { enable_grad, is_grad_enabled } from "./grad_mode";
import { Node, type BackwardFn } from "./node";

/** True when an op on these inputs must record a node (grad mode on and some input needs grad). */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!is_grad_enabled()) return false;
  for (const t of inputs) if (t && t.requires_grad) return true;
  return false;
}

/**
 * Makes `out` a non-leaf of the tape when any input requires grad. `backward` receives the
 * gradient of `out` and returns one gradient per input (null where not needed); `saved`
 * lists every tensor backward reads, so in-place changes to them are detected.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null)[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
): Tensor {
  if (!needsGrad(...inputs)) return out;
  const node = new Node(name, inputs, backward, saved, out);
  out._requires_grad = true;
  out.grad_fn = node;
  return out;
}

/**
 * Records an op built from other ops as ONE node named like PyTorch's fused op (VarBackward0,
 * LogsumexpBackward0, ...): the inner graph runs on detached aliases of the inputs, and the
 * node's backward differentiates through it.
 */
export function composite(name: string, inputs: readonly Tensor[], fn: (...xs: Tensor[]) => Tensor): Tensor {
  if (!needsGrad(...inputs)) return fn(...inputs);
  const leaves = inputs.map((t) => {
    const d = t.detach();
    d._requires_grad = t.requires_grad;
    return d;
  });
  const inner = enable_grad(() => fn(...leaves));
  const out = inner.detach();
  out._base = null;
  const wanted = leaves.filter((l) => l.requires_grad);
  return record(
    out, name, inputs,
    (g) => {
      const grads = runBackward([inner], [g], { capture: wanted, retain_graph: true });
      return leaves.map((l) => (l.requires_grad ? (grads[wanted.indexOf(l)] ?? zerosLike(l)) : null));
    },
    inputs,
  );
}

function zerosLike(t: Tensor): Tensor {
  return t.detach().mul(0);
}
