/**
 * PyTorch's UserWarning for reading `.grad` of a non-leaf tensor that does not retain its
 * gradient (TensorBase::grad() in 1.13): autograd never fills it, so a learner reading it almost
 * always meant the leaf. Python's default warning filter shows it once per call site; the engine
 * has no call sites to key on, so it warns once per tensor (a loop reading the same tensor warns once).
 */
const warned = new WeakSet<object>();

export const NON_LEAF_GRAD_WARNING =
  "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be " +
  "populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use " +
  ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf " +
  "Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.";

export function warnNonLeafGradAccess(tensor: object): void {
  if (warned.has(tensor)) return;
  warned.add(tensor);
  console.warn(NON_LEAF_GRAD_WARNING);
}
