/**
 * The core of the `torch` namespace: creation functions, functional forms of every op, dtypes,
 * grad-mode helpers, the seeded generator and printing options. The entry (index.ts) adds
 * nn, optim, utils, save and load to make the one `torch` object learners use; this file
 * cannot, since those modules are built on it.
 */
import { runBackward } from "./autograd/engine";
import { Function, FunctionCtx } from "./autograd/custom_function";
import { autogradNamespace } from "./autograd/namespace";
import { autocast, autocastState, cpuAmp, cudaAmp } from "./amp";
import {
  are_deterministic_algorithms_enabled, backends, cuda, device, get_deterministic_debug_mode, is_deterministic_algorithms_warn_only_enabled,
  set_deterministic_debug_mode, use_deterministic_algorithms,
} from "./device";
import { detect_anomaly, enable_grad, is_anomaly_enabled, is_grad_enabled, no_grad, set_detect_anomaly, set_grad_enabled } from "./autograd/grad_mode";
import { Node } from "./autograd/node";
import { functional } from "./autograd/functional";
import { composite } from "./autograd/function";
import { dtype } from "./dtype_class";
import { gradcheck, gradgradcheck } from "./autograd/gradcheck";
import { bool, float32, float64, int16, int32, int64, int8, uint8, type DType } from "./dtype";
import { RuntimeError, TypeError_, ValueError } from "./errors";
import { formatTensor, get_printoptions, set_printoptions } from "./format";
import { registerKernel, registerUnaryKernel, kernels } from "./kernels/registry";
import * as arithmetic from "./ops/arithmetic";
import * as activations from "./ops/activations";
import * as compare from "./ops/compare";
import * as creation from "./ops/creation";
import * as bufferOps from "./ops/frombuffer";
import * as einsumOps from "./ops/einsum";
import * as indexing from "./ops/indexing";
import * as join from "./ops/join";
import type { ArgDimKeywords, DimKeywords, KeepdimArg } from "./ops/minmax";
import type { ScatterReduceArgs } from "./ops/scatter_reduce";
import { segment_reduce } from "./ops/segment_reduce";
import * as matmul from "./ops/matmul";
import { withOutAll } from "./ops/out_arg";
import { leadingByName, LINALG_FIXED_ARITY, withFixedArityAll } from "./ops/fixed_arity";
import { legacyConstructors } from "./ops/legacy_constructors";
import * as norms from "./ops/norm";
import * as linalgOps from "./ops/linalg";
import { linalgComposites } from "./ops/linalg_composites";
import * as shapeExtra from "./ops/shape_extra";
import * as statsExtra from "./ops/stats_extra";
import * as softmax from "./ops/softmax";
import * as triangular from "./ops/triangular";
import * as unary from "./ops/unary";
import * as where from "./ops/where";
import { elementwiseAliasFunctions, elementwiseMathFunctions, round } from "./api/elementwise_math";
import { creationFunctions, dtypeInfoFunctions } from "./api/dtype_creation";
import { inplacePartnerFunctions } from "./api/inplace";
import { indexingFunctions } from "./api/indexing";
import { bitwiseFunctions } from "./api/bitwise";
import { specialFunctions } from "./api/special_functions";
import { special } from "./special";
import { binomial } from "./distributions/binomial";
import { isComplexTensor } from "./complex_dtype";
import { isSparseCoo } from "./sparse/brand";
import { complexFunctions, defineComplexDtypes } from "./complex";
import { complex, polar, view_as_complex, view_as_real } from "./complex_tensor";
import { distributions } from "./distributions";
import { default_generator, Generator } from "./random";
import { get_rng_state, initial_seed, manual_seed, randomNamespace, seed, set_rng_state } from "./random_namespace";
import { getNumThreads, setNumThreads } from "./kernels/parallel";
import { runtimeInfo } from "./runtime_info";
import { testing } from "./testing";
import { checkKeywords, isOptions, parseArgs, type NumpyAliased, type PyArgs, type PyArgsExact } from "./args";
import type { DType as DTypeT } from "./dtype";
import { Tensor, type ChunkOptions, type NestedArray, type CloseOptions, type DimArg, type DimOptions, type IndexAddOptions, type IndexSpec, type MinMaxResult, type MultinomialOptions, type ReduceOptions, type ScatterOptions, type TensorLike, type UniqueOptions, type VarOptions } from "./tensor";
import { warnOnce } from "./warnings";

/** torch.split's keywords (the method's split_size is torch.split's split_size_or_sections). */
export interface TorchSplitOptions {
  split_size_or_sections: number | readonly number[];
  dim?: number;
}

/** torch.split's arguments for x.split: split_size_or_sections by keyword becomes the method's split_size. */
function torchSplitArgs(size: unknown, args: readonly unknown[]): unknown[] {
  const last = args.length > 0 ? args[args.length - 1] : size;
  if (!isOptions(last) || !("split_size_or_sections" in last)) return [size, ...args];
  const { split_size_or_sections, ...rest } = last;
  if (args.length > 0 && size !== undefined) throw new TypeError_("split() got multiple values for argument 'split_size_or_sections'");
  return [...args.slice(0, -1), { split_size: split_size_or_sections, ...rest }];
}

/** The rest parameters of a method after its first (or third) fixed ones. */
type AfterFirst<F> = F extends (first: never, ...rest: infer R) => unknown ? R : never;

/** torch.autograd.grad(outputs, inputs, grad_outputs?, { retain_graph }). Returns d outputs / d inputs. */
type GradOutputs = Tensor | readonly Tensor[] | null;
export interface GradOptions { grad_outputs?: GradOutputs; retain_graph?: boolean | null; create_graph?: boolean; only_inputs?: boolean; allow_unused?: boolean; is_grads_batched?: boolean }
type GradPositional = [grad_outputs?: GradOutputs, retain_graph?: boolean | null, create_graph?: boolean, only_inputs?: boolean, allow_unused?: boolean, is_grads_batched?: boolean];
/** torch.autograd.grad(outputs, inputs, grad_outputs=None, ...), outputs and inputs also by keyword (outputs=y, inputs=x). */
function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], ...args: PyArgs<GradPositional, GradOptions>): (Tensor | null)[];
function grad(outputs: Tensor | readonly Tensor[], options: GradOptions & { inputs: Tensor | readonly Tensor[] }): (Tensor | null)[];
function grad(options: GradOptions & { outputs: Tensor | readonly Tensor[]; inputs: Tensor | readonly Tensor[] }): (Tensor | null)[];
function grad(...all: unknown[]): (Tensor | null)[] {
  const [outputs, inputs, ...args] = leadingByName("grad", ["outputs", "inputs"], 2, all) as [Tensor | readonly Tensor[], Tensor | readonly Tensor[], ...unknown[]];
  // torch 1.13's keywords, all checked: an unknown one raises rather than being dropped.
  const opts = parseArgs<GradOptions>("grad", ["grad_outputs", "retain_graph", "create_graph", "only_inputs", "allow_unused", "is_grads_batched"], args);
  const grad_outputs = opts.grad_outputs;
  if (opts.is_grads_batched) return batchedGrad(outputs, inputs, opts);
  if (opts.only_inputs === false) {
    warnOnce("UserWarning: only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate gradient for other parts of the graph, please use torch.autograd.backward.");
  }
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const ins = inputs instanceof Tensor ? [inputs] : inputs;
  const gos = grad_outputs ? (grad_outputs instanceof Tensor ? [grad_outputs] : grad_outputs) : null;
  // torch 1.13's order: _make_grads (implicit ones for scalar outputs that require grad), then the engine's checks of
  // the outputs, then of the inputs, then (after the backward) of the inputs' use.
  const roots = outs.map((o, i) => {
    if (gos && gos[i]) {
      const g = gos[i];
      if (g.shape.join() !== o.shape.join()) {
        throw new RuntimeError(`Mismatch in shape: grad_output[${i}] has a shape of torch.Size([${g.shape.join(", ")}]) and output[${i}] has a shape of torch.Size([${o.shape.join(", ")}]).`);
      }
      return opts.create_graph ? g : g.detach();
    }
    if (o.requires_grad && o.numel() !== 1) throw new RuntimeError("grad can be implicitly created only for scalar outputs");
    return creation.ones_like(o);
  });
  outs.forEach((o, i) => {
    if (!o.requires_grad) throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
  });
  for (const t of ins) if (!t.requires_grad) throw new RuntimeError("One of the differentiated Tensors does not require grad");
  const res = runBackward(outs, roots, { retain_graph: opts.retain_graph ?? undefined, create_graph: opts.create_graph, capture: ins });
  res.forEach((r) => {
    if (!r && !opts.allow_unused) {
      throw new RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.");
    }
  });
  return res;
}

/**
 * grad(..., is_grads_batched=True): the first dimension of every grad_output is a batch of vectors,
 * and each input's result stacks the vector-Jacobian products along it (PyTorch vmaps one backward;
 * here one backward per row, the graph kept until the last row).
 */
function batchedGrad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions): (Tensor | null)[] {
  const outs = outputs instanceof Tensor ? [outputs] : outputs;
  const ins = inputs instanceof Tensor ? [inputs] : inputs;
  const go = opts.grad_outputs;
  if (!go) {
    // PyTorch vmaps over the implicit 0-dim ones of a scalar output, which has no dimension to map.
    for (const o of outs) if (o.numel() !== 1) throw new RuntimeError("grad can be implicitly created only for scalar outputs");
    throw new ValueError("vmap(vjp, in_dims=0, ...)(<inputs>): Got in_dim=0 for some input, but that input is a Tensor of dimensionality 0 so expected in_dim to satisfy 0 <= in_dim < 0.");
  }
  const gos = go instanceof Tensor ? [go] : go;
  gos.forEach((g, i) => {
    const rest = g.shape.slice(1);
    if (g.dim() === 0 || rest.length !== outs[i].dim() || rest.some((d, k) => d !== outs[i].shape[k])) {
      throw new RuntimeError(
        `If \`is_grads_batched=True\`, we interpret the first dimension of each grad_output as the batch dimension. The sizes of the remaining dimensions are expected to match the shape of corresponding output, but a mismatch was detected: grad_output[${i}] has a shape of torch.Size([${rest.join(", ")}]) and output[${i}] has a shape of torch.Size([${outs[i].shape.join(", ")}]). If you only want some tensors in \`grad_output\` to be considered batched, consider using vmap.`,
      );
    }
  });
  const batch = gos[0].shape[0];
  const rows = Array.from({ length: batch }, (_, b) =>
    grad(outs, ins, {
      grad_outputs: gos.map((g) => g.select(0, b)),
      retain_graph: b < batch - 1 ? true : opts.retain_graph,
      create_graph: opts.create_graph,
      allow_unused: opts.allow_unused,
    }),
  );
  return ins.map((_, i) => (rows.length === 0 || rows[0][i] === null ? null : join.stack(rows.map((r) => r[i]!))));
}

type BackwardOptions = { retain_graph?: boolean; create_graph?: boolean };
/** torch.autograd.backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False), tensors and grad_tensors also by keyword. */
function backward(tensors: Tensor | readonly Tensor[], grad_tensors?: Tensor | readonly Tensor[] | null, opts?: BackwardOptions): void;
function backward(tensors: Tensor | readonly Tensor[], options: BackwardOptions & { grad_tensors?: Tensor | readonly Tensor[] | null }): void;
function backward(options: BackwardOptions & { tensors: Tensor | readonly Tensor[]; grad_tensors?: Tensor | readonly Tensor[] | null }): void;
function backward(...all: unknown[]): void {
  const args = leadingByName("backward", ["tensors", "grad_tensors"], 1, all);
  const tensors = args[0] as Tensor | readonly Tensor[];
  const [grad_tensors, opts = {}] = (isOptions(args[1]) ? [null, args[1]] : [args[1], args[2]]) as [Tensor | readonly Tensor[] | null | undefined, BackwardOptions | undefined];
  checkKeywords("backward", opts, ["retain_graph", "create_graph"]);
  const ts = tensors instanceof Tensor ? [tensors] : tensors;
  const gs = grad_tensors ? (grad_tensors instanceof Tensor ? [grad_tensors] : grad_tensors) : null;
  runBackward(ts, ts.map((t, i) => (gs && gs[i] ? gs[i].detach() : creation.ones_like(t))), opts);
}

/**
 * torch.Tensor: the class, also callable without `new` as Python's legacy constructor is (`torch.Tensor([0, 0])`,
 * `torch.Tensor(2, 3)`, as torch.FloatTensor is). A Proxy whose call constructs; `new`, the statics and `extends` reach
 * the class itself. `z instanceof torch.Tensor` is true for a complex tensor too, as isinstance is in torch (complex
 * tensors are their own class here, complex_tensor.ts); a learner's subclass keeps the ordinary prototype check.
 */
function tensorHasInstance(this: unknown, value: unknown): boolean {
  if (this === CallableTensor) return value instanceof Tensor || isComplexTensor(value);
  return globalThis.Function.prototype[Symbol.hasInstance].call(this, value); // (this file's Function is autograd's)
}
const CallableTensor = new Proxy(Tensor, {
  apply: (target, _self, args: unknown[]) => Reflect.construct(target, args),
  get: (target, key, receiver) => (key === Symbol.hasInstance ? tensorHasInstance : Reflect.get(target, key, receiver)),
  // (size): a torch.Size (x.shape, x.size()) is sizes, as torch.Tensor(self.mu.shape) in blitz's GaussianVariational
}) as typeof Tensor & { (data?: NestedArray | Tensor): Tensor; (size: readonly number[]): Tensor; (...sizes: number[]): Tensor };

/** torch.cumsum(x) and friends without dim: torch 1.13's argument parser lists the function's overloads. */
const CUM_OVERLOADS = ["(Tensor input, int dim, *, torch.dtype dtype, Tensor out)", "(Tensor input, name dim, *, torch.dtype dtype, Tensor out)"];
const CUMEXT_OVERLOADS = ["(Tensor input, int dim, *, tuple of Tensors out)", "(Tensor input, name dim, *, tuple of Tensors out)"];
const LOGSUMEXP_OVERLOADS = ["(Tensor input, tuple of ints dim, bool keepdim, *, Tensor out)", "(Tensor input, tuple of names dim, bool keepdim, *, Tensor out)"];
function missingDim(name: string, overloads: readonly string[]): never {
  throw new TypeError_(`${name}() received an invalid combination of arguments - got (Tensor), but expected one of:\n${overloads.map((o) => ` * ${o}\n`).join("")}`);
}

const torchBase = {
  // dtypes (PyTorch aliases included)
  float32, float: float32, float64, double: float64, int64, long: int64, int32, int: int32, int16, short: int16, int8, uint8, bool,
  dtype,
  Tensor: CallableTensor,
  Generator,
  // torch.random and its re-exports on torch (torch.seed() reseeds non-deterministically)
  default_generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state,
  random: randomNamespace,
  // threads of matmul and convolution (the pool the notebook's kernel worker starts; see kernels/parallel.ts)
  get_num_threads: getNumThreads,
  set_num_threads: setNumThreads,
  // version, matmul precision, interop threads and build flags, as a CPU-only PyTorch 1.13.1 (./runtime_info.ts)
  ...runtimeInfo,
  testing,

  // creation
  tensor: creation.tensor, as_tensor: creation.as_tensor, from_array: creation.from_array, scalar_tensor: creation.scalar_tensor,
  frombuffer: bufferOps.frombuffer, from_numpy: bufferOps.from_numpy,
  zeros: creation.zeros, ones: creation.ones, empty: creation.empty, full: creation.full, arange: creation.arange, linspace: creation.linspace, eye: creation.eye,
  rand: creation.rand, randn: creation.randn, randint: creation.randint, randperm: creation.randperm,
  zeros_like: creation.zeros_like, ones_like: creation.ones_like, empty_like: creation.empty_like, full_like: creation.full_like,
  rand_like: creation.rand_like, randn_like: creation.randn_like, randint_like: creation.randint_like,
  is_tensor: (x: unknown): x is Tensor => x instanceof Tensor || isComplexTensor(x) || isSparseCoo(x), // complex and sparse COO tensors are ones too
  numel: (x: Tensor) => x.numel(),

  // devices: the CPU only (see ./device.ts)
  device, cuda: { ...cuda, amp: cudaAmp }, backends, use_deterministic_algorithms, are_deterministic_algorithms_enabled,
  is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode, get_deterministic_debug_mode,
  // automatic mixed precision as on a CPU-only PyTorch build (./amp.ts)
  autocast, amp: { autocast }, cpu: { amp: cpuAmp }, ...autocastState,

  // grad mode
  no_grad, enable_grad, is_grad_enabled, set_grad_enabled,
  autograd: { grad, backward, Node, Function, FunctionCtx, set_detect_anomaly, detect_anomaly, is_anomaly_enabled, functional, gradcheck, gradgradcheck, ...autogradNamespace },

  // arithmetic
  add: arithmetic.add, sub: arithmetic.sub, subtract: arithmetic.sub, rsub: arithmetic.rsub, mul: arithmetic.mul, multiply: arithmetic.mul, div: arithmetic.div, divide: arithmetic.div,
  true_divide: (a: TensorLike, b: TensorLike) => arithmetic.div(a, b),
  floor_divide: (a: TensorLike, b: TensorLike) => arithmetic.div(a, b, { rounding_mode: "floor" }),
  remainder: arithmetic.remainder, fmod: arithmetic.fmod, pow: arithmetic.pow, maximum: arithmetic.maximum, minimum: arithmetic.minimum,
  neg: unary.neg, negative: unary.neg, exp: unary.exp, expm1: unary.expm1, log: unary.log, log2: unary.log2, log1p: unary.log1p,
  sqrt: unary.sqrt, rsqrt: unary.rsqrt, square: unary.square, reciprocal: unary.reciprocal, abs: unary.abs, sign: unary.sign,
  sin: unary.sin, cos: unary.cos, erf: unary.erf, floor: unary.floor, ceil: unary.ceil, round, trunc: unary.trunc,
  clamp: unary.clamp, clip: unary.clip,
  // more elementwise math, creation and dtype helpers, in-place partners, index writes (api/)
  ...elementwiseMathFunctions,
  ...creationFunctions,
  ...inplacePartnerFunctions,
  ...indexingFunctions,
  ...dtypeInfoFunctions,
  ...elementwiseAliasFunctions,
  // bitwise / integer ops, special functions, binomial, complex refusals (api/, complex.ts)
  ...bitwiseFunctions,
  special,
  binomial,
  ...complexFunctions,
  complex, polar, view_as_complex, view_as_real,
  ...specialFunctions,
  addmm: matmul.addmm, matmul: matmul.matmul, mm: matmul.mm, bmm: matmul.bmm, dot: matmul.dot, outer: matmul.outer, mv: (a: Tensor, v: Tensor) => matmul.matmul(a, v),
  // torch.spmm(sparse, dense); with dense operands (the only layout here) it is mm (pytorch/examples' GCN)
  spmm: (a: Tensor, b: Tensor) => matmul.mm(a, b),

  // comparisons
  gt: compare.gt, ge: compare.ge, lt: compare.lt, le: compare.le, eq: compare.eq, ne: compare.ne,
  greater: compare.gt, less: compare.lt, greater_equal: compare.ge, less_equal: compare.le, not_equal: compare.ne,
  logical_not: compare.logical_not, logical_and: compare.logical_and, logical_or: compare.logical_or, logical_xor: compare.logical_xor,
  isnan: compare.isnan, isinf: compare.isinf, isfinite: compare.isfinite, equal: compare.equal, allclose: compare.allclose,
  isreal: (x: Tensor) => x.isreal(),
  // Its own parameters: Tensor["isclose"] has a keyword-form overload too (tensor_operand_keywords.ts), which AfterFirst would pick.
  isclose: (a: Tensor, b: Tensor, ...args: PyArgs<[rtol?: number, atol?: number, equal_nan?: boolean], CloseOptions>) => a.isclose(b, ...args),
  any: (x: Tensor, ...args: Parameters<Tensor["any"]>) => x.any(...args),
  all: (x: Tensor, ...args: Parameters<Tensor["all"]>) => x.all(...args),

  // activations
  relu: activations.relu, relu6: activations.relu6, sigmoid: activations.sigmoid, tanh: activations.tanh, leaky_relu: activations.leaky_relu, elu: activations.elu, selu: activations.selu,
  gelu: activations.gelu, silu: activations.silu, softplus: activations.softplus, hardtanh: activations.hardtanh,
  softmax: softmax.softmax, log_softmax: softmax.log_softmax,

  // reductions
  sum: (x: Tensor, dim?: DimArg | ReduceOptions | null, keepdim?: boolean | ReduceOptions, opts?: ReduceOptions) => x.sum(dim, keepdim, opts),
  mean: (x: Tensor, dim?: DimArg | ReduceOptions | null, keepdim?: boolean | ReduceOptions, opts?: ReduceOptions) => x.mean(dim, keepdim, opts),
  prod: (x: Tensor, dim?: number | ReduceOptions | null, keepdim?: boolean | ReduceOptions, opts?: ReduceOptions) => x.prod(dim, keepdim, opts),
  max: ((x: Tensor, dim?: number | Tensor | DimKeywords, keepdim?: KeepdimArg) =>
    dim === undefined ? x.max() : dim instanceof Tensor ? x.max(dim) : (checkMinMaxDim("max", dim, keepdim), x.max(dim, keepdim))) as {
    (x: Tensor): Tensor;
    (x: Tensor, dim: number | DimKeywords, keepdim?: KeepdimArg): MinMaxResult;
    (x: Tensor, other: Tensor): Tensor;
  },
  min: ((x: Tensor, dim?: number | Tensor | DimKeywords, keepdim?: KeepdimArg) =>
    dim === undefined ? x.min() : dim instanceof Tensor ? x.min(dim) : (checkMinMaxDim("min", dim, keepdim), x.min(dim, keepdim))) as {
    (x: Tensor): Tensor;
    (x: Tensor, dim: number | DimKeywords, keepdim?: KeepdimArg): MinMaxResult;
    (x: Tensor, other: Tensor): Tensor;
  },
  amax: (x: Tensor, ...args: Parameters<Tensor["amax"]>) => x.amax(...args),
  amin: (x: Tensor, ...args: Parameters<Tensor["amin"]>) => x.amin(...args),
  argmax: (x: Tensor, dim?: number | null | ArgDimKeywords, keepdim: KeepdimArg = false) => x.argmax(dim, keepdim),
  argmin: (x: Tensor, dim?: number | null | ArgDimKeywords, keepdim: KeepdimArg = false) => x.argmin(dim, keepdim),
  var: (x: Tensor, dim?: DimArg | VarOptions | null, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions) => x.var(dim, unbiased, keepdim),
  std: (x: Tensor, dim?: DimArg | VarOptions | null, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions) => x.std(dim, unbiased, keepdim),
  var_mean: (x: Tensor, dim?: DimArg | VarOptions | null, unbiased?: boolean | VarOptions, keepdim?: boolean | VarOptions): [Tensor, Tensor] => {
    const opts = (typeof dim === "object" && dim !== null && !Array.isArray(dim) ? dim : {}) as VarOptions;
    const kd = typeof keepdim === "boolean" ? keepdim : (keepdim?.keepdim ?? opts.keepdim ?? false);
    const d = Array.isArray(dim) || typeof dim === "number" ? dim : opts.dim;
    // Both results hang from one VarMeanBackward0 node in torch; here each from a node of that name.
    const v = composite("VarMeanBackward0", [x], (xx) => xx.var(dim, unbiased, keepdim));
    return [v, composite("VarMeanBackward0", [x], (xx) => (d === undefined || d === null ? xx.mean() : xx.mean(d as DimArg, kd)))];
  },
  logsumexp: (x: Tensor, ...args: Parameters<Tensor["logsumexp"]>) =>
    args.length === 0 || args[0] === undefined ? missingDim("logsumexp", LOGSUMEXP_OVERLOADS) : x.logsumexp(...args),
  norm: (x: Tensor, ...args: Parameters<Tensor["norm"]>) => x.norm(...args),
  cumsum: (x: Tensor, ...args: Parameters<Tensor["cumsum"]>) => (args.length === 0 ? missingDim("cumsum", CUM_OVERLOADS) : x.cumsum(...args)),
  cumprod: (x: Tensor, ...args: Parameters<Tensor["cumprod"]>) => (args.length === 0 ? missingDim("cumprod", CUM_OVERLOADS) : x.cumprod(...args)),
  sort: (x: Tensor, ...args: Parameters<Tensor["sort"]>) => x.sort(...args),
  argsort: (x: Tensor, ...args: Parameters<Tensor["argsort"]>) => x.argsort(...args),
  topk: (x: Tensor, k: Parameters<Tensor["topk"]>[0], ...args: AfterFirst<Tensor["topk"]>) => x.topk(k, ...args),
  // Overloads as Tensor.unique's: one Tensor without return_inverse / return_counts, a Tensor[] with one of them.
  unique: ((x: Tensor, ...args: unknown[]) => (x.unique as (...a: unknown[]) => Tensor | Tensor[])(...args)) as {
    (x: Tensor, sorted?: boolean | (UniqueOptions & { return_inverse?: false; return_counts?: false })): Tensor;
    (x: Tensor, sorted: boolean, return_inverse: false, return_counts?: false, dim?: number | null): Tensor;
    (x: Tensor, sorted: boolean, options: { return_inverse?: false; return_counts?: false; dim?: number | null }): Tensor;
    (x: Tensor, options: UniqueOptions & ({ return_inverse: true } | { return_counts: true })): Tensor[];
    (x: Tensor, ...args: Parameters<Tensor["unique"]>): Tensor | Tensor[];
  },
  bincount: (x: Tensor, ...args: Parameters<Tensor["bincount"]>) => x.bincount(...args),
  nan_to_num: (x: Tensor, ...args: Parameters<Tensor["nan_to_num"]>) => x.nan_to_num(...args),
  /** torch.distributions: Normal and Categorical (sample, rsample, log_prob, entropy, ...). */
  distributions,
  /** torch.linalg: norm(x, ord?, dim?, keepdim?), vector_norm(x, ord=2, dim?, keepdim?), matrix_norm(x, ord="fro", dim=[-2, -1], keepdim?). */
  linalg: {
    norm: (x: Tensor, ...args: PyArgs<[ord?: norms.MatrixOrd | null, dim?: DimArg | null, keepdim?: boolean], { ord?: norms.MatrixOrd | null; dim?: DimArg | null; keepdim?: boolean }>) => {
      const a = parseArgs<{ ord?: norms.MatrixOrd | null; dim?: DimArg | null; keepdim?: boolean }>("linalg.norm", ["ord", "dim", "keepdim"], args);
      return norms.linalgNorm(x, a.ord, a.dim, a.keepdim ?? false);
    },
    vector_norm: (x: Tensor, ...args: PyArgs<[ord?: number, dim?: DimArg | null, keepdim?: boolean], { ord?: number; dim?: DimArg | null; keepdim?: boolean; dtype?: DTypeT }>) => {
      const a = parseArgs<{ ord?: number; dim?: DimArg | null; keepdim?: boolean; dtype?: DTypeT }>("linalg.vector_norm", ["ord", "dim", "keepdim", "dtype"], args);
      return norms.vectorNorm(x, a.ord ?? 2, a.dim, a.keepdim ?? false, "LinalgVectorNormBackward0", a.dtype);
    },
    matrix_norm: (x: Tensor, ...args: PyArgs<[ord?: norms.MatrixOrd, dim?: readonly number[], keepdim?: boolean], { ord?: norms.MatrixOrd; dim?: readonly number[]; keepdim?: boolean }>) => {
      const a = parseArgs<{ ord?: norms.MatrixOrd; dim?: readonly number[]; keepdim?: boolean }>("linalg.matrix_norm", ["ord", "dim", "keepdim"], args);
      return norms.matrixNorm(x, a.ord ?? "fro", a.dim ?? [-2, -1], a.keepdim ?? false);
    },
    // API breadth a2: inv, det, solve, svd, qr, eigh, ... (ops/linalg.ts)
    ...linalgOps.linalgExtra,
    // vander, vecdot, diagonal, tensorinv, tensorsolve, solve_ex, lu_factor_ex (ops/linalg_composites.ts)
    ...linalgComposites,
  },

  // shape and indexing
  reshape: (x: Tensor, shape: readonly number[] | { shape: readonly number[] }) => x.reshape(shape as readonly number[]),
  flatten: (x: Tensor, ...args: Parameters<Tensor["flatten"]>) => x.flatten(...args),
  squeeze: (x: Tensor, ...args: Parameters<Tensor["squeeze"]>) => x.squeeze(...args),
  unsqueeze: (x: Tensor, dim: number) => x.unsqueeze(dim),
  transpose: (x: Tensor, d0: number, d1: number) => x.transpose(d0, d1),
  permute: (x: Tensor, dims: readonly number[] | { dims: readonly number[] }) => x.permute(dims as readonly number[]),
  t: (x: Tensor) => x.t(),
  select: (x: Tensor, dim: number, i: number) => x.select(dim, i),
  narrow: (x: Tensor, dim: number, start: number, length: number) => x.narrow(dim, start, length),
  index_select: (x: Tensor, dim: number, index: Tensor | readonly number[]) => x.index_select(dim, index),
  /** torch.gather(input, dim, index), each also by keyword: torch.gather(x, { dim: 1, index }). */
  gather: (x: Tensor, ...args: [dim: number, index: Tensor] | [dim: number, options: { index: Tensor; sparse_grad?: boolean }] | [options: NumpyAliased<{ dim: number; index: Tensor; sparse_grad?: boolean }>]) =>
    (x.gather as (...a: unknown[]) => Tensor)(...args),
  /** torch.scatter(input, dim, index, src / value, reduce=None); dim, index and src / value by keyword too. */
  scatter: ((x: Tensor, ...args: unknown[]) => (x.scatter as (...a: unknown[]) => Tensor)(...args)) as {
    (x: Tensor, dim: number, index: Tensor, src: TensorLike | ScatterOptions, ...args: PyArgs<[reduce?: "add" | "multiply"], ScatterOptions>): Tensor;
    (x: Tensor, dim: number, options: ScatterOptions & { index: Tensor }): Tensor;
    (x: Tensor, options: ScatterOptions & { dim: number; index: Tensor }): Tensor;
  },
  scatter_add: (x: Tensor, dim: number, index: Tensor, src: Tensor) => x.scatter_add(dim, index, src),
  scatter_reduce: (x: Tensor, dim: number, index: Tensor, src: Tensor, ...args: ScatterReduceArgs) => x.scatter_reduce(dim, index, src, ...args),
  /** torch.segment_reduce(data, reduce, { lengths | offsets, axis, unsafe, initial }) (ops/segment_reduce.ts). */
  segment_reduce,
  index_add: (x: Tensor, dim: number, index: Tensor, source: Tensor, ...args: PyArgs<[alpha?: number], IndexAddOptions>) => x.index_add(dim, index, source, ...args),
  /** torch.index_put(x, specs, values, accumulate?): out-of-place x[specs] = values. */
  index_put: (x: Tensor, specs: readonly IndexSpec[], value: TensorLike, ...args: PyArgs<[accumulate?: boolean], { accumulate?: boolean }>) => x.index_put(specs, value, ...args),
  tril: (x: Tensor, ...args: Parameters<Tensor["tril"]>) => x.tril(...args),
  triu: (x: Tensor, ...args: Parameters<Tensor["triu"]>) => x.triu(...args),
  tril_indices: (row: number, col: number, ...args: PyArgs<[offset?: number], { offset?: number; dtype?: DTypeT }>) => {
    const a = parseArgs<{ offset?: number; dtype?: DTypeT }>("tril_indices", ["offset", "dtype"], args);
    return triangular.tril_indices(row, col, a.offset ?? 0, a.dtype);
  },
  triu_indices: (row: number, col: number, ...args: PyArgs<[offset?: number], { offset?: number; dtype?: DTypeT }>) => {
    const a = parseArgs<{ offset?: number; dtype?: DTypeT }>("triu_indices", ["offset", "dtype"], args);
    return triangular.triu_indices(row, col, a.offset ?? 0, a.dtype);
  },
  tile: (x: Tensor, dims: readonly number[]) => x.tile(dims),
  flip: (x: Tensor, dims: readonly number[] | { dims: readonly number[] }) => x.flip(dims as readonly number[]), // { dims } is made positional by fixed_arity.ts
  fliplr: (x: Tensor) => x.fliplr(),
  flipud: (x: Tensor) => x.flipud(),
  roll: (x: Tensor, ...args: Parameters<Tensor["roll"]>) => x.roll(...args),
  /** torch.einsum("ij,jk->ik", a, b) or einsum(eq, [a, b]); ellipsis, implicit output, diagonals. */
  einsum: einsumOps.einsum,
  // API breadth a2: shape, indexing and diagonal ops (ops/shape_extra.ts)
  diag: shapeExtra.diag, diagonal: shapeExtra.diagonal, diag_embed: shapeExtra.diag_embed, diagflat: shapeExtra.diagflat, trace: shapeExtra.trace,
  movedim: shapeExtra.movedim, moveaxis: shapeExtra.movedim, swapaxes: (x: Tensor, d0: number, d1: number) => x.transpose(d0, d1),
  swapdims: (x: Tensor, d0: number, d1: number) => x.transpose(d0, d1), ravel: shapeExtra.ravel, broadcast_to: shapeExtra.broadcast_to,
  broadcast_tensors: shapeExtra.broadcast_tensors, broadcast_shapes: shapeExtra.broadcast_shapes,
  atleast_1d: shapeExtra.atleast_1d, atleast_2d: shapeExtra.atleast_2d, atleast_3d: shapeExtra.atleast_3d,
  column_stack: shapeExtra.column_stack, dstack: shapeExtra.dstack, rot90: shapeExtra.rot90, tensor_split: shapeExtra.tensor_split,
  take: shapeExtra.take, take_along_dim: shapeExtra.take_along_dim, repeat_interleave: shapeExtra.repeat_interleave,
  meshgrid: shapeExtra.meshgrid, cartesian_prod: shapeExtra.cartesian_prod, combinations: shapeExtra.combinations,
  block_diag: shapeExtra.block_diag, kron: shapeExtra.kron, tensordot: shapeExtra.tensordot, inner: shapeExtra.inner, cross: shapeExtra.cross,
  vander: shapeExtra.vander, slice_scatter: shapeExtra.slice_scatter, as_strided: shapeExtra.as_strided,
  // API breadth a2: reductions and statistics (ops/stats_extra.ts)
  median: statsExtra.median, nanmedian: statsExtra.nanmedian, mode: statsExtra.mode, kthvalue: statsExtra.kthvalue, msort: statsExtra.msort,
  quantile: statsExtra.quantile, nanquantile: statsExtra.nanquantile, nansum: statsExtra.nansum, nanmean: statsExtra.nanmean,
  count_nonzero: statsExtra.count_nonzero, aminmax: statsExtra.aminmax, std_mean: statsExtra.std_mean,
  cummax: (x: Tensor, ...args: AfterFirst<typeof statsExtra.cummax>) => (args.length === 0 ? missingDim("cummax", CUMEXT_OVERLOADS) : statsExtra.cummax(x, ...args)),
  cummin: (x: Tensor, ...args: AfterFirst<typeof statsExtra.cummin>) => (args.length === 0 ? missingDim("cummin", CUMEXT_OVERLOADS) : statsExtra.cummin(x, ...args)),
  logcumsumexp: statsExtra.logcumsumexp, diff: statsExtra.diff,
  histc: statsExtra.histc, histogram: statsExtra.histogram, bucketize: statsExtra.bucketize, searchsorted: statsExtra.searchsorted,
  isin: statsExtra.isin, unique_consecutive: statsExtra.unique_consecutive, trapezoid: statsExtra.trapezoid, trapz: statsExtra.trapezoid,
  cov: statsExtra.cov, corrcoef: statsExtra.corrcoef, cdist: statsExtra.cdist, dist: statsExtra.dist,
  // API breadth a2: linear algebra under their old torch.* names (ops/linalg.ts)
  det: linalgOps.det, inverse: linalgOps.inv, logdet: linalgOps.logdet, slogdet: linalgOps.slogdet, svd: linalgOps.svdOld,
  matrix_power: linalgOps.matrix_power, pinverse: linalgOps.pinv, cholesky: linalgOps.choleskyOld, chain_matmul: (...ms: Tensor[]) => linalgOps.multi_dot(ms),
  triangular_solve: linalgOps.triangular_solve, matrix_exp: linalgOps.matrix_exp,
  qr: linalgOps.qrOld, cholesky_solve: linalgOps.cholesky_solve, cholesky_inverse: linalgOps.cholesky_inverse,
  addmv: linalgOps.addmv, addr: linalgOps.addr, baddbmm: linalgOps.baddbmm, addbmm: linalgOps.addbmm, vdot: linalgOps.vdot,
  ger: (a: Tensor, b: Tensor) => a.outer(b), adjoint: (x: Tensor) => x.mH,
  diagonal_scatter: shapeExtra.diagonal_scatter, select_scatter: shapeExtra.select_scatter,
  hsplit: shapeExtra.hsplit, vsplit: shapeExtra.vsplit, dsplit: shapeExtra.dsplit,
  lu: (A: Tensor) => [...linalgOps.lu_factor(A)], lu_solve: (b: Tensor, LU_data: Tensor, LU_pivots: Tensor) => linalgOps.lu_solve(LU_data, LU_pivots, b),
  /** torch.multinomial(input, num_samples, replacement=False, *, generator=None); num_samples by keyword too. */
  multinomial: (x: Tensor, num_samples: number | (MultinomialOptions & { num_samples: number }), ...args: PyArgs<[replacement?: boolean], MultinomialOptions>) =>
    (x.multinomial as (...a: unknown[]) => Tensor)(num_samples, ...args),
  bernoulli: (x: Tensor, ...args: Parameters<Tensor["bernoulli"]>) => x.bernoulli(...args),
  masked_select: (x: Tensor, mask: Tensor) => x.masked_select(mask),
  masked_fill: where.masked_fill,
  /** where(cond, a, b) picks elementwise; where(cond) alone is nonzero(cond, { as_tuple: true }). */
  where: ((condition: Tensor, ...args: unknown[]) => where.torchWhere((c) => indexing.nonzero(c, true) as Tensor[], condition, ...args)) as {
    (condition: Tensor): Tensor[];
    (condition: Tensor, options: { input: TensorLike; other: TensorLike }): Tensor;
    (condition: Tensor, input: TensorLike, options: { other: TensorLike }): Tensor;
    // last: the form torch.* typings derive the keyword forms from (condition by keyword: ops/fixed_arity.ts TORCH_OPERAND_NAMES)
    (condition: Tensor, input: TensorLike, other: TensorLike, options?: { input?: TensorLike; other?: TensorLike }): Tensor;
  },
  /** nonzero(x) -> [n, dim] long coordinates; nonzero(x, { as_tuple: true }) -> one 1-D tensor per dim (typed apart, so torch.nonzero(m).reshape(-1) type-checks). */
  nonzero: ((x: Tensor, opts: { as_tuple?: boolean } = {}) => x.nonzero(opts)) as {
    (x: Tensor, opts?: { as_tuple?: false }): Tensor;
    (x: Tensor, opts: { as_tuple: true }): Tensor[];
    (x: Tensor, opts: { as_tuple?: boolean }): Tensor | Tensor[];
  },
  argwhere: (x: Tensor) => x.argwhere(),
  cat: join.cat, concat: join.cat, stack: join.stack, hstack: join.hstack, vstack: join.vstack,
  /** torch.split(tensor, split_size_or_sections, dim=0); split_size_or_sections (and dim) by keyword too. */
  split: (x: Tensor, size?: number | readonly number[] | TorchSplitOptions, ...args: PyArgsExact<[dim?: number], DimOptions>) =>
    (x.split as (...a: unknown[]) => Tensor[])(...torchSplitArgs(size, args)),
  /** torch.chunk(input, chunks, dim=0); chunks (and dim) by keyword too. */
  chunk: (x: Tensor, chunks?: number | ChunkOptions, ...args: Parameters<Tensor["unbind"]>) => (x.chunk as (...a: unknown[]) => Tensor[])(chunks, ...args),
  unbind: (x: Tensor, ...args: Parameters<Tensor["unbind"]>) => x.unbind(...args),
  clone: (x: Tensor) => x.clone(),
  detach: (x: Tensor) => x.detach(),
  /** torch.slice(start, stop, step): a slice for x.index(...) (the `a:b:c` of Python). */
  slice: indexing.slice,

  // printing
  set_printoptions, get_printoptions, format: (x: Tensor) => formatTensor(x),

  // legacy typed constructors: torch.LongTensor([1, 2]), torch.FloatTensor(2, 3) (ops/legacy_constructors.ts)
  ...legacyConstructors,

  // kernels (for alternative backends)
  kernels, registerKernel, registerUnaryKernel,
};

/** The torch.* functions that take PyTorch's out= keyword here (see ./ops/out_arg.ts). */
const OUT_FUNCTIONS = [
  "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "remainder", "fmod", "pow", "maximum", "minimum",
  "neg", "negative", "exp", "expm1", "log", "log2", "log1p", "sqrt", "rsqrt", "square", "reciprocal", "abs", "sign", "sin", "cos", "tan", "erf",
  "floor", "ceil", "round", "trunc", "clamp", "clip", "sigmoid", "tanh", "atan2", "lerp", "addcmul", "addcdiv",
  "addmm", "matmul", "mm", "spmm", "bmm", "dot", "outer", "mv", "cat", "concat", "stack", "hstack", "vstack",
  "eq", "ne", "gt", "ge", "lt", "le", "logical_not", "logical_and", "logical_or", "logical_xor", "sum", "mean", "prod", "cumsum",
] as const;

// Operand-only functions refuse extra arguments (fixed_arity.ts); out= is stripped before they see the call.
// ... and a number, string, None or list where the tensor goes raises torch's TypeError (non_tensor_input.ts).
const torchChecked = {
  ...torchBase, ...withFixedArityAll(torchBase, undefined, undefined, "torch"),
  linalg: { ...torchBase.linalg, ...withFixedArityAll(torchBase.linalg, LINALG_FIXED_ARITY, undefined, "torch.linalg") },
};
/** The factories with out= (torch.rand(2, 2, out=c) fills c, drawing in c's dtype). */
const CREATION_OUT_FUNCTIONS = ["zeros", "ones", "empty", "full", "arange", "linspace", "eye", "rand", "randn", "randint", "randperm"] as const;

/** torch.max / torch.min given a non-integer number where the dim goes (torch.min(t, 0.5) for a clamp): torch 1.13's
 * TypeError from the overload resolution, not an index error (JavaScript cannot tell 1.0 from 1: only 0.5-like values). */
function checkMinMaxDim(fn: string, dim: unknown, keepdim: unknown): void {
  if (typeof dim !== "number" || Number.isInteger(dim)) return;
  throw new TypeError_(
    `${fn}() received an invalid combination of arguments - got (Tensor, float${typeof keepdim === "boolean" ? ", bool" : ""}), but expected one of:\n` +
      " * (Tensor input)\n * (Tensor input, Tensor other, *, Tensor out)\n" +
      " * (Tensor input, int dim, bool keepdim, *, tuple of Tensors out)\n * (Tensor input, name dim, bool keepdim, *, tuple of Tensors out)\n",
  );
}

export const torchCore = { ...torchChecked, ...withOutAll(torchChecked, OUT_FUNCTIONS), ...withOutAll(torchChecked, CREATION_OUT_FUNCTIONS, true) };
// torch.complex64 and friends (complex_dtype.ts), non-enumerable as before (complex.ts).
defineComplexDtypes(torchCore);

export type TorchCore = typeof torchCore;
export type { DType };
