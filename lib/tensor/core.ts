/**
 * Gradbook tensor engine, core API (what lib/tensor/nn, optim and utils build on).
 *
 *   import { torchCore, Tensor } from "../core";
 *
 * `torchCore` is the `torch` namespace without nn, optim, utils, save and load (they are built on
 * it); the entry (./index.ts) adds them to make the one `torch` object cells and tests use.
 *
 * DATA MODEL
 *   Storage is a typed array: Float64Array for torch.float64, torch.long = torch.int64 (exact to 2^53)
 *   and torch.int32 (exact over its range), Float32Array for every other dtype (torch.float32,
 *   int16 / int8 / uint8 values, torch.bool masks); integer dtypes wrap around as torch's.
 *   A Tensor is (storage, shape, strides, offset, dtype). Views share storage and a version counter.
 *   JS numbers do not say int or float, so torch.tensor([1, 2]) is float32 (PyTorch would pick
 *   long): pass { dtype: torch.long } for class labels. Integral arange() args give long, as in PyTorch.
 *
 * CREATION (shape as varargs or one array, options object last)
 *   torch.tensor(data: nested number/boolean array | number | Float32Array | Float64Array, { dtype?, requires_grad? })
 *   (one-element tensors inside data count as their values: torch.tensor([loss_a, loss_b])). Every creation function takes
 *   device: "cpu" (or torch.device("cpu")); another device is a clear error. Legacy constructors: new torch.Tensor([0]) /
 *   new torch.Tensor(2, 3), torch.FloatTensor / DoubleTensor / LongTensor / BoolTensor(list | ...sizes) (ops/legacy_constructors.ts).
 *   torch.zeros(2, 3) / torch.zeros([2, 3], { dtype, requires_grad }); ones, empty (zero-filled), rand, randn
 *   torch.full(shape, value, opts)   torch.arange(end) | (start, end) | (start, end, step), opts last
 *   torch.linspace(start, end, steps, opts)   torch.eye(n, m?, opts)
 *   torch.randint(high, shape, opts) | torch.randint(low, high, shape, opts)   (long)
 *   torch.randperm(n, { generator? })   (long; PyTorch's shuffle on the seeded generator)
 *   torch.normal(mean, std, size?, { generator }) (tensors or numbers), torch.poisson(rates), torch.logspace(start,
 *   end, steps, base=10); x.new_zeros/new_ones/new_empty(size), new_full(size, v), new_tensor(data) (x's dtype unless given);
 *   torch.get_default_dtype()/set_default_dtype(float32 | float64) (what creation picks); result_type, promote_types, can_cast,
 *   is_floating_point, is_nonzero; torch.inference_mode(fn) (= no_grad). x.type_as(y), element_size(), is_cuda (false);
 *   half/bfloat16/cuda()/data_ptr() raise a clear error (float32, float64, int64, int32 (int()), int16 (short()), int8 (char()),
 *   uint8 (byte()), bool only; no GPU).
 *   torch.finfo(dtype?) / iinfo(dtype) (bits, eps, max, min, tiny, resolution); x.type() -> "torch.FloatTensor", x.type(name |
 *   dtype); torch.set_default_tensor_type(name); is_complex (false); aliases sgn, fix, float_power, logaddexp2; torch.special.*
 *   (expit, logit, erf, erfinv, gammaln, digamma/psi, xlogy, sinc, exp2, expm1, log1p, round, ndtr, logsumexp, softmax, log_softmax).
 *   torch.zeros_like/ones_like/empty_like/rand_like/randn_like(x, opts), full_like(x, value, opts)
 *   torch.from_array(typedArray, shape?, opts)   (wraps without copying)
 *   torch.manual_seed(s); torch.default_generator; new torch.Generator(seed)
 *     Generator: manual_seed(s), random() (uint32), uniform24(), uniform53(), normal(),
 *     fillUniform(buf, from, to, wide), fillNormal(buf, mean, std, wide), get_state()/set_state().
 *     rand/randn/randint/randperm/uniform_/normal_ accept { generator }.
 *     The draws follow PyTorch's CPU recipes (mt19937): manual_seed(0); rand(3) gives PyTorch's numbers.
 *
 * TENSOR PROPERTIES AND METHODS
 *   shape, size(dim?), dim(), ndim, numel(), dtype, device ("cpu"), requires_grad (get/set), grad,
 *   grad_fn (.name() like "AddmmBackward0", .next_functions: PyTorch's [node, index] pairs, a leaf that requires grad as its
 *   AccumulateGrad node, a constant as null), is_leaf, item(), tolist(), clone(), detach(),
 *   requires_grad_(flag=true), retain_grad(), register_hook(fn) -> { remove() }, backward(gradient?, { retain_graph }),
 *   contiguous(), is_contiguous(), storage() (torch's TypedStorage of the buffer views share: size, tolist, printing),
 *   data (detached alias; assignable), float(), double(), long(), bool(),
 *   to(dtype) / to(device, dtype?) / to(other) / to({ device, dtype, copy }) (device: the CPU; a GPU one is a clear error),
 *   view(...shape) / reshape(...shape) (-1 allowed), view(dtype) (only where the stored values read the same:
 *   ops/view_dtype.ts), flatten(start=0, end=-1), unflatten(dim, sizes),
 *   squeeze(dim?), unsqueeze(dim), transpose(a, b), permute(...dims), t(), T, mT, expand(...sizes), expand_as,
 *   repeat(...sizes), tile(...sizes) (short lists padded with 1s), flip(...dims), fliplr(), flipud(),
 *   roll(shifts, dims?), split(size | sizes[], dim)/chunk(n, dim)/unbind, toString() (PyTorch repr).
 *
 * INDEXING  (x[0, 1:3, ::2] is x.index(0, "1:3", "::2"); x.get is an alias)
 *   number (or a 0-d integer tensor, as in torch: dC[ix] += v with ix = Xb[k, j] writes through the view): select
 *   · null or ":": whole dim · "a:b:c" string or torch.slice(a, b, c) (bounds may be one-element integer tensors, Python's
 *   __index__; `i + 8` with a tensor i is a JS string, so write i.item() + 8): slice · "...": ellipsis
 *   · "None": new axis · long Tensor or number[]: indices along that dim · bool Tensor: mask over the dims it covers.
 *   Several index tensors broadcast together (PyTorch's advanced indexing): probs[arange(n), y] is
 *   probs.index(torch.arange(n), y); their dims replace the indexed dims when those are adjacent, else come first.
 *   Basic indexing returns views: x.index(0).fill_(1) writes into x. Assignment: x.index_put_([specs], value,
 *   accumulate?) (same specs; accumulate adds, repeated indices count each time); torch.index_put / x.index_put copy.
 *   select(dim, i), narrow(dim, start, length), index_select(dim, idx), gather(dim, idx),
 *   scatter(dim, idx, src | value, reduce? "add" | "multiply"), scatter_add(dim, idx, src),
 *   index_add(dim, idx, source, { alpha }), masked_select(mask), masked_fill(mask, value), torch.where(cond, a, b),
 *   torch.cat(list, dim=0), torch.stack(list, dim=0), torch.tril_indices / triu_indices(rows, cols, offset=0).
 *
 * MATH (broadcasting; a JS number works wherever a tensor operand does)
 *   out=: torch.add / mul / matmul / cat / sum / exp / ... (torch.ts OUT_FUNCTIONS) take { out: y } in their options and write
 *   the result into y, PyTorch's rules (no autograd, no lossy cast, resize unless a view; ops/out_arg.ts).
 *   add(other, { alpha }), sub(other, { alpha }), mul, div(other, { rounding_mode }), pow, maximum, minimum,
 *   remainder, fmod, neg, exp, expm1, log, log2, log1p, sqrt, rsqrt, square, reciprocal, abs, sign, sin, cos, erf,
 *   floor, ceil, round, trunc, clamp(min?, max?) or clamp({ min, max }).
 *   (ops/elementwise_extra.ts) acos, asin, atan, atan2, sinh, cosh, tan, deg2rad, rad2deg, exp2, log10, frac, hypot,
 *   lgamma, digamma, erfinv, logaddexp, logit(eps?), xlogy, signbit, sinc, heaviside(values), lerp(end, weight), addcmul/addcdiv
 *   (t1, t2, { value }), clamp_min/clamp_max, absolute, round({ decimals }) (arc* aliases too; twice differentiable).
 *   Comparisons gt/ge/lt/le/eq/ne -> bool masks; logical_not/and/or/xor; isnan/isinf/isfinite;
 *   equal(other) -> boolean; allclose(other, { rtol, atol }) -> boolean; any()/all().
 *   Activations (tensor methods and torch.*): relu, relu6, sigmoid, tanh, leaky_relu(x, slope=0.01), elu(x, alpha=1),
 *   selu, gelu(x, { approximate: "none" | "tanh" }), silu, softplus(x, beta=1, threshold=20), hardtanh(x, min=-1, max=1),
 *   softmax(x, dim | { dim }, dtype?), log_softmax(x, dim | { dim }, dtype?).
 *   Reductions: sum/mean(dim? | dims[] | { dim, keepdim, dtype }, keepdim?), prod(dim?, keepdim?, { dtype }),
 *   max()/min() -> 0-d tensor; max(dim, keepdim?) / min(dim, keepdim?) -> { values, indices } (also r[0] / r[1] and
 *   const [v, i] = ..., as PyTorch's named tuples; so do sort, topk, median, mode, kthvalue, cummax); max(otherTensor) = maximum;
 *   amax/amin(dims?, keepdim), argmax/argmin(dim?, keepdim), var/std(dim?, unbiased=true, keepdim=false)
 *   or var(dim, { correction | unbiased, keepdim }), logsumexp(dim, keepdim), norm(p=2 | "fro" | Infinity, dim?, keepdim),
 *   cumsum(dim, { dtype }), cumprod(dim, { dtype }) (exact gradient with zeros). dtype= (these, nansum, softmax and
 *   log_softmax, as torch 1.13 takes it) casts the input first; the gradient flows back through the cast.
 *   Ordering: sort(dim=-1, descending=false) and topk(k, dim=-1, largest=true, sorted=true) -> { values, indices }
 *   (stable, NaN largest), argsort(dim, descending). Counting: unique({ sorted, return_inverse, return_counts, dim })
 *   -> values or [values, inverse?, counts?]; bincount(weights?, minlength=0). isclose(other, rtol, atol, equal_nan);
 *   nan_to_num(nan=0, posinf?, neginf?). tril/triu(diagonal=0) on the last two dims.
 *   torch.linalg.norm(x, ord?, dim?, keepdim), vector_norm(x, ord=2, dim?, keepdim, { dtype }),
 *   matrix_norm(x, ord="fro" | "nuc" | 1 | -1 | 2 | -2 | Infinity | -Infinity, dim=[-2, -1], keepdim) (nuc, 2, -2 by a Jacobi SVD).
 *   torch.einsum("bij,bjk->bik", a, b) (or a list): ellipsis, implicit output, repeated letters = diagonal/trace;
 *   contractions run as batched matmuls.
 *   Shape and indexing (API breadth a2, ops/shape_extra.ts): diag, diagonal / unfold / as_strided (views), diag_embed,
 *   diagflat, trace, movedim / moveaxis, swapaxes / swapdims, ravel, broadcast_to / broadcast_tensors / broadcast_shapes,
 *   atleast_1d/2d/3d, column_stack, dstack, rot90, tensor_split, take, take_along_dim, repeat_interleave,
 *   meshgrid(indexing "ij" | "xy"), cartesian_prod, combinations, block_diag, kron, tensordot, inner, cross,
 *   linalg.cross, vander, slice_scatter; Tensor.H / mH.
 *   Statistics (API breadth a2, ops/stats_extra.ts): median / nanmedian / mode / kthvalue (dim -> (values, indices)),
 *   quantile / nanquantile(q, dim?, keepdim, interpolation), nansum, nanmean, count_nonzero, aminmax -> (min, max), std_mean,
 *   cummax / cummin -> (values, indices), logcumsumexp, diff(n, dim, prepend, append), histc, histogram -> (hist, bin_edges),
 *   bucketize, searchsorted(right | side, sorter), isin, unique_consecutive, msort, trapezoid / trapz, cov, corrcoef, cdist, dist.
 *   torch.linalg (API breadth a2, ops/linalg.ts; float64 inside): inv, det, slogdet -> (sign, logabsdet), solve({ left }),
 *   cholesky({ upper }), qr(mode) -> (Q, R), eigh / eigvalsh(UPLO) (Jacobi), svd(full_matrices) -> (U, S, Vh), svdvals, matrix_rank,
 *   pinv, lstsq -> (solution, residuals, rank, singular_values), matrix_power, multi_dot, matmul, cross, solve_triangular,
 *   inv_ex / cholesky_ex -> (result, info), matrix_exp, cond, lu_factor / lu / lu_solve (no gradient); gradients of inv, det,
 *   slogdet, solve, cholesky, qr (m >= n), eigh and svd (distinct values), pinv (full rank), others raise on backward.
 *   Old names: torch.det / inverse / logdet / slogdet / svd(some, compute_uv) -> (U, S, V) / pinverse / cholesky / matrix_power /
 *   triangular_solve / matrix_exp / chain_matmul / qr(some), cholesky_solve, cholesky_inverse, addmv, addr, baddbmm, addbmm
 *   ({ beta, alpha }), vdot, ger, adjoint; diagonal_scatter, select_scatter, hsplit / vsplit / dsplit.
 *   Sampling (seeded, PyTorch 1.13's CPU draws): torch.multinomial(probs, n, replacement=false, { generator }),
 *   torch.bernoulli(probs | x, p?, { generator }).
 *   Linear algebra: matmul (1-D/2-D/batched with broadcasting), mm, bmm, mv, dot, outer, t(),
 *   torch.addmm(bias, a, b, { beta, alpha }) (grad_fn AddmmBackward0; use it in Linear: torch.addmm(b, x, w.t())).
 *
 * IN PLACE (bump the version counter; error on a leaf that requires grad unless under torch.no_grad)
 *   add_(other, { alpha }), sub_(other, { alpha }), mul_, div_, pow_, addcmul_(t1, t2, { value }),
 *   addcdiv_(t1, t2, { value }), lerp_(end, weight), zero_(), fill_(v), copy_(src), clamp_(min, max),
 *   relu_(), neg_(), sqrt_(), exp_(), masked_fill_(mask, v), uniform_(a=0, b=1, { generator }),
 *   normal_(mean=0, std=1, { generator }), bernoulli_(p, { generator }), index_put_(specs, value, accumulate?),
 *   scatter_(dim, idx, src, reduce?), scatter_add_(dim, idx, src), index_add_(dim, idx, source, { alpha }).
 *   (ops/inplace_extra.ts) name_() of the unary math (log_, abs_, sigmoid_, tanh_, sign_, floor_, ceil_,
 *   trunc_, frac_, sin_, acos_, ...), round_({ decimals }), clip_, clamp_min_/clamp_max_, nan_to_num_, logit_, atan2_/hypot_/
 *   xlogy_, eq_/ne_/lt_/le_/gt_/ge_ (1/0 in self's dtype), remainder_/fmod_/true_divide_/floor_divide_, logical_and_/or_/xor_,
 *   negative_, triu_/tril_, cumsum_, squeeze_/unsqueeze_/t_/transpose_ (geometry
 *   and grad_fn change), random_(from?, to?) / exponential_(lambd) (PyTorch's draws), index_fill(_), index_copy(_),
 *   masked_scatter(_), put(_)(index, source, accumulate), addmm(_), renorm(_)(p, dim, maxnorm), sum_to_size, narrow_copy,
 *   apply_(fn) / map_(other, fn) (JS callbacks; refused when requires_grad, as in PyTorch).
 *   On a view of a tensor in the graph they are recorded like PyTorch's CopySlices: y = x.mul(2);
 *   y.index(0).mul_(3) differentiates (y.grad_fn is CopySlices); on a view of a leaf that requires grad they raise.
 *   Modifying a tensor saved for backward makes backward throw "one of the variables needed for gradient
 *   computation has been modified by an inplace operation ... It was modified by mul_()".
 *
 * AUTOGRAD
 *   torch.no_grad(fn) -> fn's result; torch.enable_grad(fn); torch.is_grad_enabled(); torch.set_grad_enabled(b, fn?).
 *   Devices (./device.ts): torch.device("cpu"), torch.cuda.is_available() (false), torch.backends.mps/cudnn flags,
 *   torch.use_deterministic_algorithms(b) (every kernel here is deterministic already).
 *   torch.autograd.grad(outputs, inputs, grad_outputs?, { retain_graph, create_graph, allow_unused }) -> grads (no .grad writes).
 *   torch.autograd.backward(tensors, grad_tensors?, { retain_graph, create_graph }); x.backward({ create_graph }).
 *   Backward frees saved tensors unless { retain_graph: true }; a second pass then throws PyTorch's message.
 *   create_graph records the backward pass so gradients can be differentiated again (Hessian-vector products,
 *   gradient penalties): elementwise math, activations, sum/mean, matmul, softmax, views, cat/where, composite
 *   ops, convolution, pooling, the losses, gather/scatter/index_select/index_add and advanced indexing (read,
 *   index_put) have differentiable formulas; any other op raises "the derivative of XBackward0 is not
 *   implemented for higher-order gradients" when a second backward reaches it (autograd/node.ts HigherOrder).
 *   torch.autograd.Function: subclass with static forward(ctx, ...args) / backward(ctx, ...grads); Fn.apply(...args);
 *   ctx.save_for_backward / saved_tensors / needs_input_grad / mark_non_differentiable.
 *   torch.autograd.set_detect_anomaly(true) / detect_anomaly(fn): "Function 'XBackward0' returned nan values in its 0th output".
 *   torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp (create_graph, strict); torch.autograd.gradcheck /
 *   gradgradcheck(fn, inputs, { eps, atol, rtol, raise_exception }): PyTorch's full-Jacobian check (autograd/gradcheck.ts).
 *   torch.autograd also: no_grad / enable_grad / set_grad_enabled / inference_mode, grad_mode, anomaly_mode, Variable
 *   (legacy), graph.save_on_cpu; graph.saved_tensors_hooks raises and forward_ad is absent (autograd/namespace.ts).
 *
 * ERRORS are RuntimeError / IndexError / TypeError-named subclasses of TorchError (./errors), with
 *   PyTorch-like messages naming shapes and the op.
 *
 * PRINTING  String(x) / x.toString() / torch.format(x): PyTorch 1.13 repr; torch.set_printoptions({...}).
 *   formatTensor(x, prefix) lets Parameter print as "Parameter containing:\n" + formatTensor(x).
 *   As a JS number (Symbol.toPrimitive, tensor_primitive.ts): +t, t * 2, t > 0.5, Math.max(...t), Math.round(loss)
 *   give a one-element tensor's value (Python's float(t)); any other size raises torch's ValueError "only one
 *   element tensors can be converted to Python scalars". Strings ("loss " + loss, `${loss}`) still print tensor(...).
 *
 * TESTING  lib/grading/gradcheck.ts exports gradcheck(fn, inputs, opts): runs fn on float64 copies and
 *   compares analytic gradients with central finite differences. Use it for nn.functional too.
 *
 * KERNELS  torch.kernels / registerKernel(name, impl): matmul, binary, copy, reduce, sumAll,
 *   unary/unaryGrad tables and optim (the optimizers' fused updates); a backend can swap any of them.
 *   Built in: WebAssembly SIMD kernels for float32 matmul, exp and sigmoid, relu (and its gradient),
 *   contiguous and row-broadcast add/sub/mul/div, column sums and the SGD/Adam/AdamW updates
 *   (generated at load by kernels/wasm/assembler.ts, no fetch), used when the host supports SIMD;
 *   plain TS otherwise and for float64 (registry.ts selectBackend("ts") switches to it).
 *
 * MEMORY  Large gradient buffers are recycled (buffer_pool.ts, bounded): backward gives a consumed
 *   gradient back only when nothing can reach it (no hook ran, not the caller's, not autograd.grad).
 *   After optimizer.zero_grad() the next backward writes into the zeroed .grad instead of adding.
 *
 * NOTES  item() returns a number, and a boolean for a bool tensor (PyTorch's Python bool): mask.any().item() is
 *   true, Number(mask.any().item()) is 1. It is typed number unless the context asks for a boolean, so every
 *   learner's `loss.item() * 2` type-checks and so does `const ok: boolean = mask.all().item()` (or
 *   `mask.all().item<boolean>()`).
 *   tolist() returns booleans for bool tensors; the predicates torch.equal / allclose / is_nonzero,
 *   is_floating_point, is_leaf, is_contiguous, ... return booleans, as PyTorch returns bool.
 *   .grad of a non-leaf tensor (no retain_grad) warns once per tensor, as PyTorch 1.13 warns.
 *   empty() is zero-filled. After an in-place op, views of the same base taken earlier get a rebuilt
 *   grad_fn (AsStridedBackward0 of the base's new node), as in PyTorch.
 */
export { Tensor, isTensor } from "./tensor";
export type {
  BackwardOptions, DimArg, Hook, IndexSpec, MinMaxResult, NestedArray, ReduceOptions, RemovableHandle, Scalar,
  TensorLike, VarOptions,
} from "./tensor";
export { torchCore } from "./torch";
export type { TorchCore } from "./torch";
export type { DType, Storage } from "./dtype";
export { bool, float32, float64, int16, int32, int64, int8 } from "./dtype";
export { Generator, default_generator, manual_seed } from "./random";
export { no_grad, enable_grad, is_grad_enabled, set_grad_enabled } from "./autograd/grad_mode";
export { Node } from "./autograd/node";
export { formatTensor, formatData, set_printoptions } from "./format";
export { TorchError, RuntimeError, IndexError, TypeError_, ValueError } from "./errors";
export type { TensorOptions, RandomOptions } from "./ops/creation";
export { Slice } from "./ops/indexing";
export { kernels, registerKernel, registerUnaryKernel } from "./kernels/registry";
