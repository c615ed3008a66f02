/** Attaching backward nodes to op outputs. */
import type { Tensor } from "../tensor";
import { is_grad_enabled } from "./grad_mode";
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
  const node = new Node(name, inputs, backward, saved);
  node.out = out;
  out._requires_grad = true;
  out.grad_fn = node;
  return out;
}
