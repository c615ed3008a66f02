/**
 * In-place random fills that complete PyTorch's set (uniform_, normal_, bernoulli_, random_ and
 * exponential_ live in inplace.ts / inplace_extra.ts): geometric_, log_normal_, cauchy_, and
 * bernoulli_ with a tensor of probabilities. Each follows PyTorch 1.13's CPU kernel without MKL
 * (ATen's DistributionTemplates / TransformationHelper): one draw per element in order, from the
 * double-precision distributions, then cast to the tensor's dtype, so after torch.manual_seed(s)
 * the values are PyTorch's bit for bit:
 *   geometric_(p):           u = 53-bit uniform, ceil(log(u) / log1p(-p))
 *   log_normal_(mean, std):  exp(mean + std * z), z the scalar Box-Muller normal (second value cached)
 *   cauchy_(median, sigma):  median + sigma * tan(π (u - 1/2))
 *   bernoulli_(p tensor):    u < p, u 53-bit when p is float64, else 24-bit
 */
import { is_grad_enabled } from "../autograd/grad_mode";
import { bool, refuseBool, float64, isIntegral, wrapValue } from "../dtype";
import { RuntimeError } from "../errors";
import { default_generator, type Generator } from "../random";
import { Tensor } from "../tensor";
import { apply_ } from "./inplace";
import { cppTypeName } from "./bitwise";
import { contiguousData } from "./util";

/** Writes draw(i) into every element of self (in row-major order), as one in-place op. */
function fillEach<T extends Tensor>(self: T, op: string, draw: (i: number) => number): T {
  if (is_grad_enabled() && self.requires_grad) {
    if (self.is_leaf) throw new RuntimeError("a leaf Variable that requires grad is being used in an in-place operation."); // torch 1.13's text, no op name
    throw new RuntimeError(`${op}: cannot fill a tensor that is part of a graph; use torch.no_grad(() => ...)`);
  }
  const round = isIntegral(self.dtype) ? (v: number) => wrapValue(self.dtype, v) : self.dtype === bool ? (v: number) => (v ? 1 : 0) : (v: number) => v;
  return apply_(self, op, (x) => {
    const out = x.clone();
    const d = out._data;
    for (let i = 0; i < d.length; i++) d[i] = round(draw(i));
    return out;
  });
}

function floatOnly(self: Tensor, kernel: string): void {
  if (!self.dtype.is_floating_point) throw new RuntimeError(`"${kernel}" not implemented for '${cppTypeName(self.dtype)}'`);
}

/** Number of Bernoulli(p) trials up to the first success: 1, 2, 3, ... (any dtype but bool). */
export function geometric_<T extends Tensor>(self: T, p: number, gen: Generator = default_generator): T {
  if (!(p > 0 && p < 1)) throw new RuntimeError(`geometric_ expects p to be in (0, 1), but got p=${p}`);
  refuseBool(self.dtype, "geometric_cpu");
  const denom = Math.log1p(-p);
  return fillEach(self, "geometric_", () => Math.ceil(Math.log(gen.uniform53()) / denom));
}

export function log_normal_<T extends Tensor>(self: T, mean = 1, std = 2, gen: Generator = default_generator): T {
  floatOnly(self, "log_normal_cpu");
  if (!(std > 0)) throw new RuntimeError(`log_normal_ expects std > 0.0, but found std=${std}`);
  return fillEach(self, "log_normal_", () => Math.exp(gen.normal() * std + mean));
}

export function cauchy_<T extends Tensor>(self: T, median = 0, sigma = 1, gen: Generator = default_generator): T {
  floatOnly(self, "cauchy_cpu");
  if (!(sigma > 0)) throw new RuntimeError(`cauchy_ expects sigma > 0.0, but found sigma=${sigma}`);
  return fillEach(self, "cauchy_", () => median + sigma * Math.tan(Math.PI * (gen.uniform53() - 0.5)));
}

/** bernoulli_(p) with p a tensor broadcastable to self: element i is 1 with probability p_i. */
export function bernoulliTensor_<T extends Tensor>(self: T, p: Tensor, gen: Generator = default_generator): T {
  if (!p.dtype.is_floating_point) throw new RuntimeError(`"bernoulli_tensor_cpu_p_" not implemented for '${cppTypeName(p.dtype)}'`);
  const pd = contiguousData(p.expand(self.shape));
  for (let i = 0; i < pd.length; i++) {
    if (!(pd[i] >= 0 && pd[i] <= 1)) throw new RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
  }
  const wide = p.dtype === float64;
  return fillEach(self, "bernoulli_", (i) => ((wide ? gen.uniform53() : gen.uniform24()) < pd[i] ? 1 : 0));
}
