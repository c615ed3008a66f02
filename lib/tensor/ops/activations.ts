/** Activation functions with fused forward and backward kernels. */
import { bool, float32, uint8, wrapsAround } from "../dtype";
import { RuntimeError } from "../errors";
import type { Tensor } from "../tensor";
import { gelu32 } from "./gelu";
import { unaryOp } from "./unary";

export const relu = (x: Tensor): Tensor => {
  if (x.dtype === bool) throw new RuntimeError("Boolean inputs not supported for relu");
  return unaryOp(x, "relu", "ReluBackward0", "y", 0, 0, x.dtype);
};
export const sigmoid = (x: Tensor): Tensor => unaryOp(x, "sigmoid", "SigmoidBackward0", "y");
export const tanh = (x: Tensor): Tensor => unaryOp(x, "tanh", "TanhBackward0", "y");
export const leaky_relu = (x: Tensor, negative_slope = 0.01): Tensor =>
  unaryOp(x, "leaky_relu", "LeakyReluBackward0", "x", negative_slope);
export const elu = (x: Tensor, alpha = 1): Tensor => unaryOp(x, "elu", "EluBackward0", "x", alpha);
export const selu = (x: Tensor): Tensor => unaryOp(x, "selu", "EluBackward0", "x");
export const silu = (x: Tensor): Tensor => unaryOp(x, "silu", "SiluBackward0", "x");
export const softplus = (x: Tensor, beta = 1, threshold = 20): Tensor =>
  unaryOp(x, "softplus", "SoftplusBackward0", "x", beta, threshold);
export const hardtanh = (x: Tensor, min_val = -1, max_val = 1): Tensor => {
  if (wrapsAround(x.dtype)) {
    // torch keeps uint8 (relu6 of an image stays uint8; int8 / int16 / int32 too) and refuses the default limits (-1, 1) on uint8.
    if (x.dtype === uint8 && min_val < 0) throw new RuntimeError("cannot do hardtanh on an unsigned type with negative limits");
    return unaryOp(x, "hardtanh", null, "none", min_val, max_val, x.dtype);
  }
  return unaryOp(x, "hardtanh", "HardtanhBackward0", "x", min_val, max_val);
};
export const relu6 = (x: Tensor): Tensor => hardtanh(x, 0, 6);

/** Exact GELU (erf form) by default; `{ approximate: "tanh" }` for the tanh approximation. */
export function gelu(x: Tensor, opts?: { approximate?: "none" | "tanh" }): Tensor {
  const tanhForm = opts?.approximate === "tanh";
  if (!tanhForm && x.dtype === float32) return gelu32(x);
  return unaryOp(x, tanhForm ? "gelu_tanh" : "gelu", "GeluBackward0", "x");
}
