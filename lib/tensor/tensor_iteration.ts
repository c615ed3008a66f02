/**
 * Iterating a tensor as PyTorch's Tensor.__iter__ does: `for (const row of t)`, `[...t]`,
 * `Array.from(t)` and `const [a, b] = t` walk dim 0 and yield t.unbind(0)'s views (they share
 * storage and carry autograd: each has grad_fn UnbindBackward0 when t requires grad).
 * A 0-d tensor has no dim 0: TypeError "iteration over a 0-d tensor", raised when iteration
 * starts (Python's iter(t)), not at the first element. An empty dim 0 yields nothing.
 */
import { TypeError_ } from "./errors";
import { unbind } from "./ops/indexing";
import type { Tensor } from "./tensor";

export function iterateDim0(t: Tensor): Iterator<Tensor> {
  if (t.dim() === 0) throw new TypeError_("iteration over a 0-d tensor");
  // torch builds every view up front (iter(self.unbind(0))); so do we, so later in-place
  // changes to t are seen through the views exactly as in torch.
  return unbind(t, 0)[Symbol.iterator]();
}
