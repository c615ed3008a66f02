/** Attaching backward nodes to op outputs. */
import { RuntimeError } from "../errors";
import type { Tensor } from "../tensor";
import { runBackward, setNotDifferentiableMarker } from "./engine";
import { enable_grad, is_anomaly_enabled, is_grad_enabled } from "./grad_mode";
import { Node, type BackwardFn, type HigherOrder } from "./node";

/** True when an op on these inputs must record a node (grad mode on and some input needs grad). */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!is_grad_enabled()) return false;
  for (const t of inputs) if (t && t.requires_grad) return true;
  return false;
}

/**
 * Makes `out` a non-leaf of the tape when any input requires grad. `backward` receives the
 * gradient of `out` and returns one gradient per input (null where not needed); `saved`
 * lists every tensor backward reads, so in-place changes to them are detected. `higher`
 * says how the gradient itself is differentiated under create_graph (see HigherOrder).
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null)[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
  higher: HigherOrder | null = null,
): Tensor {
  if (!needsGrad(...inputs)) return out;
  const node = new Node(name, inputs, backward, saved, out, higher);
  if (is_anomaly_enabled()) node.trace = (new Error().stack ?? "").split("\n").slice(2).join("\n");
  out._requires_grad = true;
  out.grad_fn = node;
  return out;
}

/** An alias of t whose node passes the gradient through (a stop point for partial derivatives). */
function alias(t: Tensor): Tensor {
  const a = t.detach();
  a._base = null;
  return record(a, "AliasBackward0", [t], (g) => [g], [], true);
}

/**
 * Gradients of fn(...inputs) with respect to each input (partial derivatives, weighted by
 * `grad`), recorded so they can be differentiated again. Differentiable formulas for fused ops
 * call this with a forward written in plain ops: `differentiateThrough((x, t) => x.sub(t).square().mean(), [x, t], g)`.
 */
export function differentiateThrough(fn: (...xs: Tensor[]) => Tensor, inputs: readonly (Tensor | null)[], grad: Tensor): (Tensor | null)[] {
  const wants = inputs.map((t) => t !== null && t.requires_grad);
  const xs = enable_grad(() => inputs.map((t, i) => (wants[i] ? alias(t!) : t)));
  const out = enable_grad(() => fn(...(xs as Tensor[])));
  const targets = xs.filter((x, i): x is Tensor => wants[i] && x !== null);
  if (!out.requires_grad) return inputs.map((t, i) => (wants[i] ? t!.mul(0) : null));
  const grads = runBackward([out], [grad], { capture: targets, create_graph: true, retain_graph: true, stop_at_capture: true });
  return xs.map((x, i) => {
    if (!wants[i]) return null;
    return grads[targets.indexOf(x!)] ?? inputs[i]!.mul(0);
  });
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
    // Under create_graph: the same ops again, on the real inputs, recorded.
    (g) => differentiateThrough(fn, inputs, g),
  );
}

function zerosLike(t: Tensor): Tensor {
  return t.detach().mul(0);
}

/**
 * The node a not-yet-differentiable backward's result hangs from under create_graph: its value
 * is right, and differentiating it raises instead of silently dropping the op's dependence.
 */
setNotDifferentiableMarker((node: Node, grad: Tensor, result: Tensor): Tensor => {
  const inputs = [grad, ...node.inputs.filter((t): t is Tensor => t !== null)];
  const out = result.detach();
  out._base = null;
  return record(out, `${node.name()}Backward`, inputs, () => {
    throw new RuntimeError(
      `the derivative of ${node.name()} is not implemented for higher-order gradients: its gradient was computed ` +
        "with create_graph=True but cannot be differentiated again. Second derivatives are available for elementwise " +
        "math, activations, sum/mean, matmul/mm/addmm, softmax/log_softmax, views, cat/where, conv1d/conv2d/" +
        "conv_transpose, max/avg/adaptive pooling, vector and matrix norms and the mse/l1/cross-entropy/nll/bce losses; rewrite this step with those ops, or use a torch.autograd.Function with your own backward.",
    );
  });
});
