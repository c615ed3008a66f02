/**
 * The `torch` namespace object: creation functions, functional forms of every op, dtypes,
 * grad-mode helpers, the seeded generator and printing options.
 */
import { runBackward } from "./autograd/engine";
import { enable_grad, is_grad_enabled, no_grad, set_grad_enabled } from "./autograd/grad_mode";
import { Node } from "./autograd/node";
import { bool, float32, float64, int64, type DType } from "./dtype";
import { RuntimeError } from "./errors";
import { formatTensor, get_printoptions, set_printoptions } from "./format";
import { registerKernel, registerUnaryKernel, kernels } from "./kernels/registry";
import * as A from "./ops/arithmetic";
import * as Act from "./ops/activations";
import * as Cmp from "./ops/compare";
import * as C from "./ops/creation";
import * as Ix from "./ops/indexing";
import * as J from "./ops/join";
import * as Mm from "./ops/matmul";
import * as Sm from "./ops/softmax";
import * as U from "./ops/unary";
import * as W from "./ops/where";
import { default_generator, Generator, manual_seed } from "./random";
import { Tensor, type DimArg, type MinMaxResult, type ReduceOptions, type TensorLike, type VarOptions } from "./tensor";

/** torch.autograd.grad(outputs, inputs, grad_outputs?, { retain_graph }). Returns d outputs / d inputs. */
function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  grad_outputs?: Tensor | readonly Tensor[] | null,
  opts: { retain_graph?: boolean; allow_unused?: boolean } = {},
): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const ins = inputs instanceof Tensor ? [inputs] : inputs;
  const gos = grad_outputs ? (grad_outputs instanceof Tensor ? [grad_outputs] : grad_outputs) : null;
  const roots = outs.map((o, i) => {
    if (gos && gos[i]) return gos[i].detach();
    if (o.numel() !== 1) throw new RuntimeError(`grad can be implicitly created only for scalar outputs (got shape [${o.shape.join(", ")}])`);
    return C.ones_like(o);
  });
  for (const t of ins) if (!t.requires_grad) throw new RuntimeError("One of the differentiated Tensors does not require grad");
  const res = runBackward(outs, roots, { retain_graph: opts.retain_graph, capture: ins });
  res.forEach((r, i) => {
    if (!r && !opts.allow_unused) {
      throw new RuntimeError(`One of the differentiated Tensors (input ${i}) appears to not have been used in the graph. Set allow_unused: true if this is the desired behavior.`);
    }
  });
  return res;
}

function backward(tensors: Tensor | readonly Tensor[], grad_tensors?: Tensor | readonly Tensor[] | null, opts: { retain_graph?: boolean } = {}): void {
  const ts = tensors instanceof Tensor ? [tensors] : tensors;
  const gs = grad_tensors ? (grad_tensors instanceof Tensor ? [grad_tensors] : grad_tensors) : null;
  runBackward(ts, ts.map((t, i) => (gs && gs[i] ? gs[i].detach() : C.ones_like(t))), opts);
}

export const torch = {
  // dtypes (PyTorch aliases included)
  float32, float: float32, float64, double: float64, int64, long: int64, int: int64, bool,
  Tensor,
  Generator,
  default_generator,
  manual_seed,
  seed: (): number => default_generator.initial_seed(),
  initial_seed: (): number => default_generator.initial_seed(),
  get_rng_state: () => default_generator.get_state(),
  set_rng_state: (s: ReturnType<Generator["get_state"]>) => void default_generator.set_state(s),

  // creation
  tensor: C.tensor, as_tensor: C.tensor, from_array: C.from_array, scalar_tensor: C.scalar_tensor,
  zeros: C.zeros, ones: C.ones, empty: C.empty, full: C.full, arange: C.arange, linspace: C.linspace, eye: C.eye,
  rand: C.rand, randn: C.randn, randint: C.randint, randperm: C.randperm,
  zeros_like: C.zeros_like, ones_like: C.ones_like, empty_like: C.empty_like, full_like: C.full_like,
  rand_like: C.rand_like, randn_like: C.randn_like, randint_like: C.randint_like,
  is_tensor: (x: unknown): x is Tensor => x instanceof Tensor,
  numel: (x: Tensor) => x.numel(),

  // grad mode
  no_grad, enable_grad, is_grad_enabled, set_grad_enabled,
  autograd: { grad, backward, Node },

  // arithmetic
  add: A.add, sub: A.sub, subtract: A.sub, rsub: A.rsub, mul: A.mul, multiply: A.mul, div: A.div, divide: A.div,
  true_divide: (a: TensorLike, b: TensorLike) => A.div(a, b),
  floor_divide: (a: TensorLike, b: TensorLike) => A.div(a, b, { rounding_mode: "floor" }),
  remainder: A.remainder, fmod: A.fmod, pow: A.pow, maximum: A.maximum, minimum: A.minimum,
  neg: U.neg, negative: U.neg, exp: U.exp, expm1: U.expm1, log: U.log, log2: U.log2, log1p: U.log1p,
  sqrt: U.sqrt, rsqrt: U.rsqrt, square: U.square, reciprocal: U.reciprocal, abs: U.abs, sign: U.sign,
  sin: U.sin, cos: U.cos, erf: U.erf, floor: U.floor, ceil: U.ceil, round: U.round, trunc: U.trunc,
  clamp: U.clamp, clip: U.clamp,
  addmm: Mm.addmm, matmul: Mm.matmul, mm: Mm.mm, bmm: Mm.bmm, dot: Mm.dot, outer: Mm.outer, mv: (a: Tensor, v: Tensor) => Mm.matmul(a, v),

  // comparisons
  gt: Cmp.gt, ge: Cmp.ge, lt: Cmp.lt, le: Cmp.le, eq: Cmp.eq, ne: Cmp.ne,
  greater: Cmp.gt, less: Cmp.lt, greater_equal: Cmp.ge, less_equal: Cmp.le, not_equal: Cmp.ne,
  logical_not: Cmp.logical_not, logical_and: Cmp.logical_and, logical_or: Cmp.logical_or, logical_xor: Cmp.logical_xor,
  isnan: Cmp.isnan, isinf: Cmp.isinf, isfinite: Cmp.isfinite, equal: Cmp.equal, allclose: Cmp.allclose, isclose: Cmp.isclose,
  any: (x: Tensor, ...args: Parameters<Tensor["any"]>) => x.any(...args),
  all: (x: Tensor, ...args: Parameters<Tensor["all"]>) => x.all(...args),

  // activations
  relu: Act.relu, relu6: Act.relu6, sigmoid: Act.sigmoid, tanh: Act.tanh, leaky_relu: Act.leaky_relu, elu: Act.elu, selu: Act.selu,
  gelu: Act.gelu, silu: Act.silu, softplus: Act.softplus, hardtanh: Act.hardtanh,
  softmax: Sm.softmax, log_softmax: Sm.log_softmax,

  // reductions
  sum: (x: Tensor, dim?: DimArg | ReduceOptions | null, keepdim?: boolean | ReduceOptions) => x.sum(dim, keepdim),
  mean: (x: Tensor, dim?: DimArg | ReduceOptions | null, keepdim?: boolean | ReduceOptions) => x.mean(dim, keepdim),
  prod: (x: Tensor, dim?: number | ReduceOptions | null, keepdim?: boolean | ReduceOptions) => x.prod(dim, keepdim),
  max: ((x: Tensor, dim?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean) =>
    dim === undefined ? x.max() : dim instanceof Tensor ? x.max(dim) : x.max(dim, keepdim)) as {
    (x: Tensor): Tensor;
    (x: Tensor, dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): MinMaxResult;
    (x: Tensor, other: Tensor): Tensor;
  },
  min: ((x: Tensor, dim?: number | Tensor | { dim: number; keepdim?: boolean }, keepdim?: boolean) =>
    dim === undefined ? x.min() : dim instanceof Tensor ? x.min(dim) : x.min(dim, keepdim)) as {
    (x: Tensor): Tensor;
    (x: Tensor, dim: number | { dim: number; keepdim?: boolean }, keepdim?: boolean): MinMaxResult;
    (x: Tensor, other: Tensor): Tensor;
  },
  amax: (x: Tensor, ...args: Parameters<Tensor["amax"]>) => x.amax(...args),
  amin: (x: Tensor, ...args: Parameters<Tensor["amin"]>) => x.amin(...args),
  argmax: (x: Tensor, dim?: number | null | { dim?: number; keepdim?: boolean }, keepdim = false) => x.argmax(dim, keepdim),
  argmin: (x: Tensor, dim?: number | null | { dim?: number; keepdim?: boolean }, keepdim = false) => x.argmin(dim, keepdim),
  var: (x: Tensor, dim?: DimArg | VarOptions | null, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions) => x.var(dim, unbiased, keepdim),
  std: (x: Tensor, dim?: DimArg | VarOptions | null, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions) => x.std(dim, unbiased, keepdim),
  var_mean: (x: Tensor, dim?: DimArg | VarOptions | null, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions): [Tensor, Tensor] => {
    const v = x.var(dim, unbiased, keepdim);
    const opts = (typeof dim === "object" && dim !== null && !Array.isArray(dim) ? dim : {}) as VarOptions;
    const kd = typeof keepdim === "boolean" ? keepdim : (keepdim?.keepdim ?? opts.keepdim ?? false);
    const d = Array.isArray(dim) || typeof dim === "number" ? dim : opts.dim;
    return [v, d === undefined || d === null ? x.mean() : x.mean(d as DimArg, kd)];
  },
  logsumexp: (x: Tensor, dim: DimArg | { dim: DimArg; keepdim?: boolean }, keepdim = false) => x.logsumexp(dim, keepdim),
  norm: (x: Tensor, ...args: Parameters<Tensor["norm"]>) => x.norm(...args),
  cumsum: (x: Tensor, dim: number | { dim: number }) => x.cumsum(dim),

  // shape and indexing
  reshape: (x: Tensor, shape: readonly number[]) => x.reshape(shape),
  flatten: (x: Tensor, ...args: Parameters<Tensor["flatten"]>) => x.flatten(...args),
  squeeze: (x: Tensor, ...args: Parameters<Tensor["squeeze"]>) => x.squeeze(...args),
  unsqueeze: (x: Tensor, dim: number) => x.unsqueeze(dim),
  transpose: (x: Tensor, d0: number, d1: number) => x.transpose(d0, d1),
  permute: (x: Tensor, dims: readonly number[]) => x.permute(dims),
  t: (x: Tensor) => x.t(),
  select: (x: Tensor, dim: number, i: number) => x.select(dim, i),
  narrow: (x: Tensor, dim: number, start: number, length: number) => x.narrow(dim, start, length),
  index_select: (x: Tensor, dim: number, index: Tensor | readonly number[]) => x.index_select(dim, index),
  gather: (x: Tensor, dim: number, index: Tensor) => x.gather(dim, index),
  scatter: (x: Tensor, dim: number, index: Tensor, src: TensorLike) => x.scatter(dim, index, src),
  scatter_add: (x: Tensor, dim: number, index: Tensor, src: Tensor) => x.scatter_add(dim, index, src),
  masked_select: (x: Tensor, mask: Tensor) => x.masked_select(mask),
  masked_fill: W.masked_fill,
  where: W.where,
  cat: J.cat, concat: J.cat, stack: J.stack, hstack: J.hstack, vstack: J.vstack,
  split: (x: Tensor, size: number | readonly number[], ...args: Parameters<Tensor["unbind"]>) => x.split(size, ...args),
  chunk: (x: Tensor, chunks: number, ...args: Parameters<Tensor["unbind"]>) => x.chunk(chunks, ...args),
  unbind: (x: Tensor, ...args: Parameters<Tensor["unbind"]>) => x.unbind(...args),
  clone: (x: Tensor) => x.clone(),
  detach: (x: Tensor) => x.detach(),
  /** torch.slice(start, stop, step): a slice for x.index(...) (the `a:b:c` of Python). */
  slice: Ix.slice,

  // printing
  set_printoptions, get_printoptions, format: (x: Tensor) => formatTensor(x),

  // kernels (for alternative backends)
  kernels, registerKernel, registerUnaryKernel,
};

export type Torch = typeof torch;
export type { DType };
