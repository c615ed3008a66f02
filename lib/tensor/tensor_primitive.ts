/**
 * A tensor where JS asks for a number (Symbol.toPrimitive with hint "number"), as Python's
 * float(t) / t.__index__ / bool(t) on a tensor: `+t`, `t * 2`, `t > 0.5`, `Math.max(...t)`,
 * `Math.round(loss)`, a sort comparator `(a, b) => a - b`. A one-element tensor (any shape) is
 * its value (item(); a bool tensor gives 0 or 1); any other size raises torch's ValueError rather
 * than JS's silent NaN (and the false every comparison with NaN gives). Strings are not handled
 * here: the string and "default" hints print the tensor (Tensor.toString).
 */
import { ValueError } from "./errors";
import type { Tensor } from "./tensor";

export function tensorAsNumber(t: Tensor): number {
  if (t.numel() !== 1) {
    throw new ValueError(
      "only one element tensors can be converted to Python scalars " +
        `(a tensor of shape [${t.shape.join(", ")}] was used as a JS number, as in +t, t * 2, t > 0.5 or Math.max(...t); ` +
        "use tensor ops such as t.mul(2), t.gt(0.5), t.max(), or t.item() on a one-element tensor)",
    );
  }
  return Number(t.item());
}
