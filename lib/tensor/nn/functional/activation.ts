/**
 * Activation functions as PyTorch's torch.nn.functional has them. The elementwise ones are the
 * core's fused kernels; here we add PyTorch's argument forms (`F.leaky_relu(x, 0.2)` or
 * `F.leaky_relu(x, { negative_slope: 0.2 })`) and PReLU, whose slope is a learnable tensor.
 *
 * `inplace` is accepted for compatibility but the result is always a new tensor: the values are
 * the same, and autograd stays safe.
 */
import { record } from "../../autograd/function";
import { RuntimeError } from "../../errors";
import type { Tensor } from "../../tensor";
import { checkTensor, data, empty, floatType, parseArgs } from "./_util";

export function relu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "relu");
  parseArgs("relu", ["inplace"], args);
  return input.relu();
}

export function relu6(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "relu6");
  parseArgs("relu6", ["inplace"], args);
  return input.hardtanh(0, 6);
}

export function sigmoid(input: Tensor): Tensor {
  checkTensor(input, "sigmoid");
  return input.sigmoid();
}

export function tanh(input: Tensor): Tensor {
  checkTensor(input, "tanh");
  return input.tanh();
}

/** F.leaky_relu(input, negative_slope=0.01, inplace=False) */
export function leaky_relu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "leaky_relu");
  const a = parseArgs("leaky_relu", ["negative_slope", "inplace"], args);
  return input.leaky_relu((a.negative_slope as number | undefined) ?? 0.01);
}

/** F.elu(input, alpha=1.0, inplace=False) */
export function elu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "elu");
  const a = parseArgs("elu", ["alpha", "inplace"], args);
  return input.elu((a.alpha as number | undefined) ?? 1);
}

export function selu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "selu");
  parseArgs("selu", ["inplace"], args);
  return input.selu();
}

/** F.gelu(input, approximate='none'); also F.gelu(x, "tanh"). */
export function gelu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "gelu");
  const a = parseArgs("gelu", ["approximate"], args);
  const approximate = (a.approximate as string | undefined) ?? "none";
  if (approximate !== "none" && approximate !== "tanh") {
    throw new RuntimeError(`approximate argument must be either none or tanh, got '${approximate}'`);
  }
  return input.gelu({ approximate });
}

export function silu(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "silu");
  parseArgs("silu", ["inplace"], args);
  return input.silu();
}

/** F.softplus(input, beta=1, threshold=20): log(1 + exp(beta*x)) / beta, linear above threshold. */
export function softplus(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "softplus");
  const a = parseArgs("softplus", ["beta", "threshold"], args);
  return input.softplus((a.beta as number | undefined) ?? 1, (a.threshold as number | undefined) ?? 20);
}

export function hardtanh(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "hardtanh");
  const a = parseArgs("hardtanh", ["min_val", "max_val", "inplace"], args);
  return input.hardtanh((a.min_val as number | undefined) ?? -1, (a.max_val as number | undefined) ?? 1);
}

/** PyTorch's legacy rule when softmax gets no dim: 0 for 0-, 1- and 3-d input, else 1 (with its warning). */
export function implicitSoftmaxDim(ndim: number, fn = "softmax"): number {
  console.warn(`UserWarning: Implicit dimension choice for ${fn} has been deprecated. Change the call to include dim=X as an argument.`);
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** F.softmax(input, dim) or F.softmax(input, { dim }). */
export function softmax(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "softmax");
  const a = parseArgs("softmax", ["dim", "_stacklevel", "dtype"], args);
  let x = input;
  if (a.dtype) x = x.to(a.dtype as Tensor["dtype"]);
  const dim = (a.dim as number | null | undefined) ?? implicitSoftmaxDim(x.dim());
  return x.softmax(dim);
}

export function log_softmax(input: Tensor, ...args: unknown[]): Tensor {
  checkTensor(input, "log_softmax");
  const a = parseArgs("log_softmax", ["dim", "_stacklevel", "dtype"], args);
  let x = input;
  if (a.dtype) x = x.to(a.dtype as Tensor["dtype"]);
  const dim = (a.dim as number | null | undefined) ?? implicitSoftmaxDim(x.dim(), "log_softmax");
  return x.log_softmax(dim);
}

/**
 * F.prelu(input, weight): max(0, x) + weight * min(0, x), with one slope shared by all
 * channels (weight of one element) or one per channel (dim 1 of the input).
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  checkTensor(input, "prelu");
  checkTensor(weight, "prelu", "weight");
  const C = weight.numel();
  const channels = input.dim() >= 2 ? input.shape[1] : 1;
  if (C !== 1 && C !== channels) {
    throw new RuntimeError(
      `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${C} and channel size = ${channels}.`,
    );
  }
  const dt = floatType(input);
  const x = data(input.dtype === dt ? input : input.to(dt));
  const w = data(weight);
  // Elements are laid out as [outer, C, inner]: the channel of flat index i is floor(i / inner) % C.
  const inner = input.dim() >= 2 ? input.shape.slice(2).reduce((p, s) => p * s, 1) : 1;
  const chanOf = (i: number): number => (C === 1 ? 0 : Math.floor(i / inner) % C);
  const out = empty(input.shape, dt);
  const y = out._data;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = v > 0 ? v : w[chanOf(i)] * v;
  }
  return record(
    out,
    "PreluBackward0",
    [input, weight],
    (g) => {
      const gd = data(g);
      const gx = empty(input.shape, dt);
      const gw = empty(weight.shape, weight.dtype);
      const gwAcc = new Float64Array(C);
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        const c = chanOf(i);
        if (v > 0) gx._data[i] = gd[i];
        else {
          gx._data[i] = w[c] * gd[i];
          gwAcc[c] += v * gd[i];
        }
      }
      gw._data.set(gwAcc);
      return [input.requires_grad ? gx : null, weight.requires_grad ? gw : null];
    },
    [input, weight],
  );
}

