/**
 * torch.inference_mode's bookkeeping shared by autograd/inference_mode.ts (which counts the nesting) and the
 * Tensor constructor (which marks every tensor given fresh storage while the mode is on, so
 * x.is_inference() / torch.is_inference(x) answer as PyTorch's; views made in inference mode
 * share their base's version counter and stay normal tensors, as PyTorch's views of normal
 * tensors do).
 */
import { RuntimeError } from "./errors";

export const inferenceState = { depth: 0, tensors: new WeakSet<object>() };

/**
 * PyTorch refuses to write in place into an inference tensor (or a view of one) once inference
 * mode is over: the tensor has no version counter that autograd could trust.
 */
export function checkInplaceOutsideInference(t: { _base?: object | null }): void {
  if (inferenceState.depth > 0) return;
  if (!inferenceState.tensors.has(t) && !(t._base && inferenceState.tensors.has(t._base))) return;
  throw new RuntimeError(
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details.",
  );
}

/** PyTorch refuses requires_grad=True on an inference tensor (or a view of one) once inference mode is over. */
export function checkRequiresGradOutsideInference(t: { _base?: object | null }): void {
  if (inferenceState.depth > 0) return;
  if (!inferenceState.tensors.has(t) && !(t._base && inferenceState.tensors.has(t._base))) return;
  throw new RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.");
}
