/**
 * Differentiable gradient formulas of the elementwise ops whose backward normally runs a fused
 * raw kernel (kernels/unary.ts). They are used only under create_graph, where the gradient
 * must carry a graph: each is the same derivative written with recorded tensor ops, on the
 * op's input x or output y (which keep their own history), so a second backward works.
 * A kernel without an entry here raises "not implemented for higher-order gradients".
 */
import type { UnaryGradKernelName } from "../kernels/registry";
import type { Tensor } from "../tensor";
import { where } from "./where";

type Formula = (g: Tensor, x: Tensor, y: Tensor, p0: number, p1: number) => Tensor;

const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_ALPHA = 1.6732632423543772848170429916717;
const GELU_K = Math.sqrt(2 / Math.PI);

/** 1 where the mask holds, 0 elsewhere, in g's dtype (a constant: masks carry no gradient). */
const ind = (mask: Tensor, like: Tensor): Tensor => mask.to(like.dtype);
/** e^min(x, 0): the exponential of the negative branch, without an inf (and NaN) on the other. */
const expNeg = (x: Tensor): Tensor => x.clamp({ max: 0 }).exp();

export const UNARY_FORMULAS: Partial<Record<UnaryGradKernelName, Formula>> = {
  neg: (g) => g.neg(),
  exp: (g, _x, y) => g.mul(y),
  expm1: (g, _x, y) => g.mul(y.add(1)),
  log: (g, x) => g.div(x),
  log2: (g, x) => g.div(x.mul(Math.LN2)),
  log1p: (g, x) => g.div(x.add(1)),
  sqrt: (g, _x, y) => g.div(y.mul(2)),
  rsqrt: (g, _x, y) => g.mul(y.pow(3)).mul(-0.5),
  square: (g, x) => g.mul(x).mul(2),
  reciprocal: (g, _x, y) => g.mul(y).mul(y).neg(),
  abs: (g, x) => g.mul(x.sign()),
  sin: (g, x) => g.mul(x.cos()),
  cos: (g, x) => g.mul(x.sin()).neg(),
  erf: (g, x) => g.mul(x.mul(x).neg().exp()).mul(2 / Math.sqrt(Math.PI)),
  pow_scalar: (g, x, _y, p) => (p === 0 ? g.mul(0) : g.mul(x.pow(p - 1)).mul(p)),
  clamp: (g, x, _y, lo, hi) => g.mul(ind(x.ge(lo).logical_and(x.le(hi)), g)),
  relu: (g, _x, y) => g.mul(ind(y.gt(0), g)),
  sigmoid: (g, _x, y) => g.mul(y).mul(y.neg().add(1)),
  tanh: (g, _x, y) => g.mul(y.mul(y).neg().add(1)),
  leaky_relu: (g, x, _y, slope) => where(x.gt(0), g, g.mul(slope)),
  elu: (g, x, _y, alpha) => where(x.gt(0), g, g.mul(expNeg(x)).mul(alpha)),
  selu: (g, x) => where(x.gt(0), g.mul(SELU_SCALE), g.mul(expNeg(x)).mul(SELU_SCALE * SELU_ALPHA)),
  gelu: (g, x) => {
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.mul(x).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return g.mul(cdf.add(x.mul(pdf)));
  },
  gelu_tanh: (g, x) => {
    const t = x.add(x.pow(3).mul(0.044715)).mul(GELU_K).tanh();
    const dInner = x.mul(x).mul(3 * 0.044715).add(1).mul(GELU_K);
    return g.mul(t.add(1).mul(0.5).add(x.mul(t.mul(t).neg().add(1)).mul(dInner).mul(0.5)));
  },
  silu: (g, x) => {
    const s = x.sigmoid();
    return g.mul(s).mul(x.mul(s.neg().add(1)).add(1));
  },
  softplus: (g, x, _y, beta, threshold) => {
    const z = x.mul(beta);
    return where(z.gt(threshold), g, g.mul(z.sigmoid()));
  },
  hardtanh: (g, x, _y, lo, hi) => g.mul(ind(x.gt(lo).logical_and(x.lt(hi)), g)),
};
