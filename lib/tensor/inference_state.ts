/**
 * torch.inference_mode's bookkeeping shared by autograd/inference_mode.ts (which counts the nesting) and the
 * Tensor constructor (which marks every tensor given fresh storage while the mode is on, so
 * x.is_inference() / torch.is_inference(x) answer as PyTorch's; views made in inference mode
 * share their base's version counter and stay normal tensors, as PyTorch's views of normal
 * tensors do).
 */
export const inferenceState = { depth: 0, tensors: new WeakSet<object>() };
