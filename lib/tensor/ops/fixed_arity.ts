/**
 * torch.* functions that take only their tensor operands (torch.exp(input), torch.atan2(input,
 * other); out= is handled by out_arg.ts before these see the call). A JS function drops extra
 * arguments, so `torch.exp(x, { zzz_unknown: 1 })` used to run as if nothing were wrong; wrapped
 * here, it raises PyTorch's TypeError. The same table, less the input (self), checks the Tensor
 * methods (installTensorArityChecks, with a method-only table for names torch.* lacks): one
 * arguments.length comparison per call on the hot path.
 */
import { isOptions, numpyAliases } from "../args";
import { TypeError_ } from "../errors";
import { checkNonTensorInput, INPUT_CHECKED, InputMode, inputMode } from "../non_tensor_input";
import { Tensor } from "../tensor";

/** Name -> number of positional operands, for torch functions with no keyword but out=. */
export const FIXED_ARITY: Readonly<Record<string, number>> = {
  // elementwise, one operand
  neg: 1, negative: 1, exp: 1, expm1: 1, log: 1, log2: 1, log1p: 1, log10: 1, sqrt: 1, rsqrt: 1, square: 1, reciprocal: 1,
  abs: 1, absolute: 1, sign: 1, sgn: 1, signbit: 1, sin: 1, cos: 1, tan: 1, asin: 1, acos: 1, atan: 1, sinh: 1, cosh: 1,
  asinh: 1, acosh: 1, atanh: 1, erf: 1, erfc: 1, erfinv: 1, floor: 1, ceil: 1, trunc: 1, fix: 1, frac: 1, lgamma: 1,
  digamma: 1, deg2rad: 1, rad2deg: 1, exp2: 1, sinc: 1, i0: 1, positive: 1, bitwise_not: 1, logical_not: 1, frexp: 1,
  isposinf: 1, isneginf: 1, isnan: 1, isinf: 1, isfinite: 1, isreal: 1, real: 1, imag: 1, angle: 1,
  conj: 1, conj_physical: 1, resolve_conj: 1, resolve_neg: 1, relu: 1, sigmoid: 1, tanh: 1,
  arccos: 1, arcsin: 1, arctan: 1, arccosh: 1, arcsinh: 1, arctanh: 1,
  // one operand, shape and linear algebra
  t: 1, ravel: 1, fliplr: 1, flipud: 1, adjoint: 1, trace: 1, msort: 1, det: 1, inverse: 1, logdet: 1, slogdet: 1, matrix_exp: 1,
  // in place, one operand
  abs_: 1, acos_: 1, asin_: 1, atan_: 1, ceil_: 1, cos_: 1, cosh_: 1, deg2rad_: 1, erf_: 1, exp2_: 1, exp_: 1, expm1_: 1,
  fix_: 1, floor_: 1, frac_: 1, i0_: 1, log10_: 1, log1p_: 1, log2_: 1, log_: 1, neg_: 1, negative_: 1, rad2deg_: 1,
  reciprocal_: 1, relu_: 1, rsqrt_: 1, sigmoid_: 1, sin_: 1, sinc_: 1, sinh_: 1, sqrt_: 1, square_: 1, tan_: 1, tanh_: 1,
  trunc_: 1, zero_: 1, selu_: 1, detach_: 1,
  // two operands
  atan2: 2, arctan2: 2, hypot: 2, copysign: 2, logaddexp: 2, logaddexp2: 2, heaviside: 2, fmax: 2, fmin: 2, maximum: 2,
  minimum: 2, nextafter: 2, ldexp: 2, igamma: 2, igammac: 2, logical_and: 2, logical_or: 2, logical_xor: 2, matmul: 2,
  mm: 2, spmm: 2, dot: 2, vdot: 2, outer: 2, ger: 2, mv: 2, inner: 2, kron: 2, bmm: 2,
  bitwise_and: 2, bitwise_or: 2, bitwise_xor: 2, bitwise_left_shift: 2, bitwise_right_shift: 2, gcd: 2, lcm: 2, gcd_: 2, lcm_: 2,
  renorm: 4, scatter_add: 4,
  // indexing and views with a fixed positional signature in torch 1.13
  transpose: 3, swapaxes: 3, swapdims: 3, movedim: 3, moveaxis: 3, select: 3, narrow: 4, index_select: 3, take: 2, masked_select: 2,
  masked_fill: 3, unsqueeze: 2, lu_solve: 3, narrow_copy: 4, index_copy: 4, index_fill: 4,
  // comparisons and arithmetic whose only keyword is out=
  eq: 2, ne: 2, lt: 2, le: 2, gt: 2, ge: 2, greater: 2, greater_equal: 2, less: 2, less_equal: 2, not_equal: 2, equal: 2,
  mul: 2, multiply: 2, fmod: 2, remainder: 2, floor_divide: 2, true_divide: 2, pow: 2, float_power: 2, xlogy: 2, xlogy_: 2,
  // queries and copies with no keyword
  argwhere: 1, corrcoef: 1, detach: 1, get_device: 1, is_complex: 1, is_floating_point: 1, is_signed: 1, numel: 1, is_same_size: 2, fill_: 2,
  // first reached by the audits' FN_HINTS (api_probe_inputs.ts): a one-element query and two views
  is_nonzero: 1, unflatten: 3, select_scatter: 4,
};

/** torch.* forms whose Tensor methods differ (varargs shapes, or no method): not part of the method table. */
export const TORCH_ONLY_FIXED_ARITY: Readonly<Record<string, number>> = {
  // splits, stacks and shapes given as one argument
  hsplit: 2, vsplit: 2, dsplit: 2, column_stack: 1, dstack: 1, hstack: 1, vstack: 1, row_stack: 1, matrix_power: 2,
  reshape: 2, permute: 2, tile: 2, flip: 2,
  // activations under torch.* (their parameters are positional here; F.* has the keyword forms)
  relu6: 1, selu: 1, silu: 1, prelu: 2, elu: 2, leaky_relu: 2, softplus: 3, hardtanh: 3,
  // queries of settings, types and objects (no keyword in torch 1.13)
  get_num_threads: 0, get_printoptions: 0, is_grad_enabled: 0, is_inference_mode_enabled: 0, are_deterministic_algorithms_enabled: 0, get_default_dtype: 0,
  is_tensor: 1, is_storage: 1, typename: 1, result_type: 2, promote_types: 2, can_cast: 2,
  // the torch.* forms of methods TENSOR_ONLY_FIXED_ARITY checks, polygamma(n, input) and from_numpy(ndarray)
  masked_scatter: 3, broadcast_to: 2, polygamma: 2, from_numpy: 1,
  // complex tensors' makers (../complex_tensor.ts)
  complex: 2, polar: 2,
};

/** torch.* functions that take keywords: name -> the keywords accepted (out= is stripped before, ops/out_arg.ts). */
export const TORCH_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  clamp: ["min", "max"], clip: ["min", "max"], clamp_min: ["min"], clamp_max: ["max"], rsub: ["alpha"], gelu: ["approximate"],
  clone: ["memory_format"], cumsum: ["dim", "dtype"], chunk: ["chunks", "dim"], isin: ["assume_unique", "invert"], addmm: ["beta", "alpha"],
  add: ["alpha"], sub: ["alpha"], subtract: ["alpha"], div: ["rounding_mode"], divide: ["rounding_mode"],
  // torch.linalg's (withFixedArityAll meets them there): driver picks a CUDA solver in torch, nothing here
  svdvals: ["driver"],
};

/**
 * Tensor methods with a fixed positional signature and no keyword in torch 1.13 that FIXED_ARITY
 * does not cover (no torch.* form, or only the out-of-place one there): name -> operands after self.
 */
export const TENSOR_ONLY_FIXED_ARITY: Readonly<Record<string, number>> = {
  // in place, no operand
  absolute_: 0, acosh_: 0, arccos_: 0, arccosh_: 0, arcsin_: 0, arcsinh_: 0, arctan_: 0, arctanh_: 0, asinh_: 0, atanh_: 0,
  digamma_: 0, erfc_: 0, erfinv_: 0, lgamma_: 0, logical_not_: 0, sgn_: 0, sign_: 0, t_: 0, share_memory_: 0,
  // queries
  dim: 0, ndimension: 0, nelement: 0, element_size: 0, storage_offset: 0, is_shared: 0, tolist: 0,
  // in place, one operand
  atan2_: 1, arctan2_: 1, copysign_: 1, eq_: 1, ne_: 1, lt_: 1, le_: 1, gt_: 1, ge_: 1, greater_: 1, greater_equal_: 1, less_: 1,
  less_equal_: 1, not_equal_: 1, floor_divide_: 1, fmod_: 1, remainder_: 1, heaviside_: 1, hypot_: 1, igamma_: 1, igammac_: 1,
  ldexp_: 1, logical_and_: 1, logical_or_: 1, logical_xor_: 1, mul_: 1, multiply_: 1, nextafter_: 1, pow_: 1, true_divide_: 1,
  renorm_: 3, scatter_add_: 3,
  // shaped like another tensor
  expand_as: 1, reshape_as: 1, view_as: 1, type_as: 1,
  // indexing in place or without a torch.* form
  masked_fill_: 2, masked_scatter: 2, masked_scatter_: 2, transpose_: 2, swapaxes_: 2, swapdims_: 2, lerp_: 2, unsqueeze_: 1,
  index_copy_: 3, index_fill_: 3, unfold: 3,
  // in place on an integer tensor, a matrix power, autograd hooks and callables (first reached by the audits' FN_HINTS)
  bitwise_and_: 1, bitwise_or_: 1, bitwise_xor_: 1, bitwise_left_shift_: 1, bitwise_right_shift_: 1, bitwise_not_: 0,
  float_power_: 1, matrix_power: 1, item: 0, retain_grad: 0, register_hook: 1, apply_: 1, map_: 2,
  // no keyword here (PyTorch's memory_format is not implemented, so it raises rather than passing unread)
  resize_as_: 1, broadcast_to: 1, hsplit: 1, vsplit: 1, dsplit: 1, pin_memory: 0, relu6: 0, selu: 0, silu: 0,
};

/**
 * Tensor methods that take keywords: name -> the PyTorch 1.13 keywords the method accepts. Most
 * are read; memory_format, non_blocking and is_pinned's device are accepted without effect (one
 * contiguous CPU layout here). Any other key in a trailing options object raises PyTorch's
 * TypeError; positional arguments are left to the method.
 */
export const TENSOR_METHOD_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  clamp: ["min", "max"], clip: ["min", "max"], clamp_: ["min", "max"], clip_: ["min", "max"],
  clamp_min: ["min"], clamp_min_: ["min"], clamp_max: ["max"], clamp_max_: ["max"],
  softmax: ["dim", "dtype"], log_softmax: ["dim", "dtype"], cumsum: ["dim", "dtype"], cumsum_: ["dim", "dtype"], chunk: ["chunks", "dim"], gelu: ["approximate"], nonzero: ["as_tuple"],
  add: ["alpha"], sub: ["alpha"], div: ["rounding_mode"],
  add_: ["alpha"], sub_: ["alpha"], subtract_: ["alpha"], rsub: ["alpha"], addcmul_: ["value"], addcdiv_: ["value"],
  div_: ["rounding_mode"], divide_: ["rounding_mode"],
  index_put: ["accumulate"], index_put_: ["accumulate"], addmm: ["beta", "alpha"], addmm_: ["beta", "alpha"],
  clone: ["memory_format"], contiguous: ["memory_format"], is_contiguous: ["memory_format"], float: ["memory_format"], double: ["memory_format"],
  long: ["memory_format"], int: ["memory_format"], bool: ["memory_format"], byte: ["memory_format"], char: ["memory_format"], short: ["memory_format"], cpu: ["memory_format"], copy_: ["non_blocking"],
  is_pinned: ["device"], polygamma: ["n"], polygamma_: ["n"],
};

/**
 * The Python names of the operands of fixed-signature functions whose torch 1.13 parameters can be passed by keyword
 * (ATen's positional-or-keyword: x.unsqueeze(dim=1), x.masked_fill(mask, value=0), torch.index_select(x, dim=0,
 * index=i), x.transpose(dim0=0, dim1=1), x.add(other=y, alpha=2)): the torch.* form's names, input first; a method's are
 * these less the input. A trailing options object with these names is turned into the positional arguments on the slow
 * path (see namedOperands); its keywords (TENSOR_METHOD_KEYWORDS, TORCH_KEYWORDS: add's alpha) stay in an options
 * object after them; any other key still raises. The Tensor methods' typings take their keyword forms' names from this
 * table (tensor_operand_keywords.ts), so a cell type-checks exactly the names accepted here.
 */
export const OPERAND_NAMES = {
  unsqueeze: ["input", "dim"], transpose: ["input", "dim0", "dim1"], swapaxes: ["input", "axis0", "axis1"], swapdims: ["input", "dim0", "dim1"],
  movedim: ["input", "source", "destination"], moveaxis: ["input", "source", "destination"], select: ["input", "dim", "index"],
  narrow: ["input", "dim", "start", "length"], narrow_copy: ["input", "dim", "start", "length"], index_select: ["input", "dim", "index"],
  masked_fill: ["input", "mask", "value"], masked_select: ["input", "mask"], take: ["input", "index"], index_copy: ["input", "dim", "index", "source"],
  index_fill: ["input", "dim", "index", "value"], matmul: ["input", "other"], mm: ["input", "mat2"], spmm: ["input", "mat2"], mv: ["input", "vec"], dot: ["input", "tensor"],
  outer: ["input", "vec2"], pow: ["input", "exponent"], mul: ["input", "other"], multiply: ["input", "other"], fmod: ["input", "other"],
  remainder: ["input", "other"], floor_divide: ["input", "other"], true_divide: ["input", "other"], atan2: ["input", "other"],
  maximum: ["input", "other"], minimum: ["input", "other"], eq: ["input", "other"], ne: ["input", "other"], lt: ["input", "other"],
  le: ["input", "other"], gt: ["input", "other"], ge: ["input", "other"], logical_and: ["input", "other"], logical_or: ["input", "other"],
  logical_xor: ["input", "other"], fill_: ["input", "value"],
  // methods only (no input)
  unsqueeze_: ["input", "dim"], transpose_: ["input", "dim0", "dim1"], masked_fill_: ["input", "mask", "value"],
  index_fill_: ["input", "dim", "index", "value"], index_copy_: ["input", "dim", "index", "source"], unfold: ["input", "dimension", "size", "step"],
  expand_as: ["input", "other"], view_as: ["input", "other"], reshape_as: ["input", "other"], type_as: ["input", "other"],
  // with keywords after the operands (alpha, rounding_mode)
  add: ["input", "other"], sub: ["input", "other"], subtract: ["input", "other"], rsub: ["input", "other"], div: ["input", "other"],
  divide: ["input", "other"], add_: ["input", "other"], sub_: ["input", "other"], mul_: ["input", "other"], div_: ["input", "other"],
  subtract_: ["input", "other"], multiply_: ["input", "other"], divide_: ["input", "other"],
  // not in the arity tables: wrapped by installNamedOperands / withNamedOperands, their own keywords passed on
  bmm: ["input", "mat2"], lerp: ["input", "end", "weight"], lerp_: ["input", "end", "weight"], addmm: ["input", "mat1", "mat2"],
  baddbmm: ["input", "batch1", "batch2"], addmv: ["input", "mat", "vec"], addcmul: ["input", "tensor1", "tensor2"],
  addcdiv: ["input", "tensor1", "tensor2"], index_add: ["input", "dim", "index", "source"], index_add_: ["input", "dim", "index", "source"],
  scatter_add: ["input", "dim", "index", "src"], scatter_add_: ["input", "dim", "index", "src"], new_full: ["input", "size", "fill_value"],
  masked_scatter: ["input", "mask", "source"], masked_scatter_: ["input", "mask", "source"], index_put: ["input", "indices", "values"],
  index_put_: ["input", "indices", "values"], kthvalue: ["input", "k"], take_along_dim: ["input", "indices"],
  scatter_reduce: ["input", "dim", "index", "src"], scatter_reduce_: ["input", "dim", "index", "src"],
  // the other elementwise binary functions and comparisons (keyword_forms_audit.test.ts found them taking no keyword)
  arctan2: ["input", "other"], hypot: ["input", "other"], copysign: ["input", "other"], logaddexp: ["input", "other"],
  logaddexp2: ["input", "other"], fmax: ["input", "other"], fmin: ["input", "other"], nextafter: ["input", "other"],
  ldexp: ["input", "other"], igamma: ["input", "other"], igammac: ["input", "other"], xlogy: ["input", "other"],
  heaviside: ["input", "values"], float_power: ["input", "exponent"], greater: ["input", "other"], greater_equal: ["input", "other"],
  less: ["input", "other"], less_equal: ["input", "other"], not_equal: ["input", "other"], equal: ["input", "other"],
  is_same_size: ["input", "other"], kron: ["input", "other"], inner: ["input", "other"], vdot: ["input", "other"], ger: ["input", "vec2"],
  // their in-place forms (methods only)
  atan2_: ["input", "other"], arctan2_: ["input", "other"], copysign_: ["input", "other"], hypot_: ["input", "other"],
  xlogy_: ["input", "other"], nextafter_: ["input", "other"], ldexp_: ["input", "other"], igamma_: ["input", "other"],
  igammac_: ["input", "other"], eq_: ["input", "other"], ne_: ["input", "other"], lt_: ["input", "other"], le_: ["input", "other"],
  gt_: ["input", "other"], ge_: ["input", "other"], greater_: ["input", "other"], greater_equal_: ["input", "other"],
  less_: ["input", "other"], less_equal_: ["input", "other"], not_equal_: ["input", "other"], fmod_: ["input", "other"],
  remainder_: ["input", "other"], true_divide_: ["input", "other"], floor_divide_: ["input", "other"], logical_and_: ["input", "other"],
  logical_or_: ["input", "other"], logical_xor_: ["input", "other"], heaviside_: ["input", "values"], pow_: ["input", "exponent"],
  float_power_: ["input", "exponent"], copy_: ["input", "src"], addcmul_: ["input", "tensor1", "tensor2"], addcdiv_: ["input", "tensor1", "tensor2"],
  // the second tensor by keyword, where a trailing object was read as that tensor and crashed inside (x.isclose({ other: y }))
  isclose: ["input", "other"], allclose: ["input", "other"], cross: ["input", "other"], slice_scatter: ["input", "src"],
  bitwise_and: ["input", "other"], bitwise_or: ["input", "other"], bitwise_xor: ["input", "other"], bitwise_left_shift: ["input", "other"],
  bitwise_right_shift: ["input", "other"], gcd: ["input", "other"], lcm: ["input", "other"], gcd_: ["input", "other"], lcm_: ["input", "other"],
  renorm: ["input", "p", "dim", "maxnorm"], renorm_: ["input", "p", "dim", "maxnorm"], addmm_: ["input", "mat1", "mat2"],
  diagonal_scatter: ["input", "src"], cholesky_solve: ["input", "input2"],
  swapaxes_: ["input", "axis0", "axis1"], swapdims_: ["input", "dim0", "dim1"], broadcast_to: ["input", "size"],
  // first reached by the audits' FN_HINTS (api_probe_inputs.ts), their operands by torch 1.13's names
  put: ["input", "index", "source"], put_: ["input", "index", "source"], index_reduce: ["input", "dim", "index", "source"],
  index_reduce_: ["input", "dim", "index", "source"], select_scatter: ["input", "src", "dim", "index"], unflatten: ["input", "dim", "sizes"],
  addbmm: ["input", "batch1", "batch2"], addbmm_: ["input", "batch1", "batch2"], addr: ["input", "vec1", "vec2"], addr_: ["input", "vec1", "vec2"],
  addmv_: ["input", "mat", "vec"], lu_solve: ["input", "LU_data", "LU_pivots"], matrix_power: ["input", "n"], as_strided: ["input", "size", "stride"],
  bitwise_and_: ["input", "other"], bitwise_or_: ["input", "other"], bitwise_xor_: ["input", "other"], bitwise_left_shift_: ["input", "other"],
  bitwise_right_shift_: ["input", "other"], register_hook: ["input", "hook"], apply_: ["input", "callable"], map_: ["input", "tensor", "callable"],
  // the splits by their int overload's name (x.hsplit(sections=2)); the other overloads' names (indices=[1, 2],
  // tensor_indices_or_sections=t) are OVERLOAD_NAMES'
  hsplit: ["input", "sections"], vsplit: ["input", "sections"], dsplit: ["input", "sections"], tensor_split: ["input", "sections"],
  // the operand after self by keyword (x.triangular_solve(A=a, upper=False), x.resize_as_(the_template=t), x.new_tensor(data=d))
  triangular_solve: ["input", "A"], resize_as_: ["input", "the_template"], fill_diagonal_: ["input", "fill_value"], new_tensor: ["input", "data"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** torch.* functions only (no Tensor method of that name takes these): OPERAND_NAMES' rule for their torch forms. */
export const TORCH_OPERAND_NAMES = {
  // the list of tensors (torch.hstack(tensors=[a, b]))
  hstack: ["tensors"], vstack: ["tensors"], dstack: ["tensors"], column_stack: ["tensors"], row_stack: ["tensors"],
  where: ["condition", "input", "other"], tile: ["input", "dims"], tril_indices: ["row", "col"], triu_indices: ["row", "col"],
  // the shape / dims given as one argument (torch.flip(x, dims=(0,)), torch.reshape(x, shape=(2, 3)))
  flip: ["input", "dims"], reshape: ["input", "shape"], permute: ["input", "dims"],
  // complex tensors' makers (torch.complex(real=a, imag=b), torch.polar(abs=r, angle=t))
  complex: ["real", "imag"], polar: ["abs", "angle"],
  // every argument by keyword (torch.topk(input=logits, k=5), torch.multinomial(input=probs, num_samples=1), torch.triu(input=m, diagonal=1))
  topk: ["input", "k"], multinomial: ["input", "num_samples"], triu: ["input"], tril: ["input"],
  // nn.init's, the tensor first (nn.init.normal_(tensor=w, mean=0.0, std=0.02)); wrapped where withFixedArityAll meets them (nn/init.ts)
  normal_: ["tensor"], uniform_: ["tensor"], constant_: ["tensor", "val"], zeros_: ["tensor"], ones_: ["tensor"], eye_: ["tensor"],
  xavier_uniform_: ["tensor"], xavier_normal_: ["tensor"], kaiming_uniform_: ["tensor"], kaiming_normal_: ["tensor"],
  trunc_normal_: ["tensor"], orthogonal_: ["tensor"], dirac_: ["tensor"], sparse_: ["tensor", "sparsity"],
  // torch.*, torch.special and torch.linalg functions of the arity tables with no Tensor method of these names
  matrix_power: ["input", "n"], prelu: ["input", "weight"], householder_product: ["input", "tau"],
  zeta: ["input", "other"], gammainc: ["input", "other"], gammaincc: ["input", "other"], xlog1py: ["input", "other"],
  chebyshev_polynomial_t: ["x", "n"], chebyshev_polynomial_u: ["x", "n"], chebyshev_polynomial_v: ["x", "n"], chebyshev_polynomial_w: ["x", "n"],
  shifted_chebyshev_polynomial_t: ["x", "n"], shifted_chebyshev_polynomial_u: ["x", "n"], shifted_chebyshev_polynomial_v: ["x", "n"],
  shifted_chebyshev_polynomial_w: ["x", "n"], hermite_polynomial_h: ["x", "n"], hermite_polynomial_he: ["x", "n"],
  laguerre_polynomial_l: ["x", "n"], legendre_polynomial_p: ["x", "n"],
  polygamma: ["n", "input"],
  // the second tensor by keyword, where a trailing object was read as that tensor and crashed inside (torch.cdist(x, x2=y))
  // first reached by the audits' FN_HINTS: linalg on a factorization, torch.*'s forms of F's losses and layers, the RNN cell steps
  solve_triangular: ["A", "B"], embedding: ["weight", "indices"], as_strided_scatter: ["input", "src"],
  cosine_embedding_loss: ["input1", "input2", "target"], ctc_loss: ["log_probs", "targets", "input_lengths", "target_lengths"],
  poisson_nll_loss: ["input", "target", "log_input", "full", "eps", "reduction"], rnn_tanh_cell: ["input", "hx", "w_ih", "w_hh"],
  rnn_relu_cell: ["input", "hx", "w_ih", "w_hh"], lstm_cell: ["input", "hx", "w_ih", "w_hh"], gru_cell: ["input", "hx", "w_ih", "w_hh"],
  tensordot: ["a", "b"], cdist: ["x1", "x2"], bucketize: ["input", "boundaries"], searchsorted: ["sorted_sequence", "input"],
  addr: ["input", "vec1", "vec2"], layer_norm: ["input", "normalized_shape"],
  // torch.linalg's (schema names: linalg_lstsq(self, b), linalg_tensorsolve(self, other))
  solve: ["A", "B"], solve_ex: ["A", "B"], lstsq: ["input", "b"], tensorsolve: ["input", "other"],
  // nn.functional's under torch.*, ATen's names (torch.kl_div(x, target=y), torch.group_norm(x, num_groups=2)), which
  // differ from F.*'s after the operands (api/torch_functional.ts)
  kl_div: ["input", "target"], binary_cross_entropy_with_logits: ["input", "target"], hinge_embedding_loss: ["input", "target"],
  margin_ranking_loss: ["input1", "input2", "target"], triplet_margin_loss: ["anchor", "positive", "negative"],
  group_norm: ["input", "num_groups"], max_pool1d_with_indices: ["input", "kernel_size"], adaptive_max_pool1d: ["input", "output_size"],
  // sampling and dtype queries (torch.binomial(count, prob=p), torch.can_cast(from_type, to=t), torch.promote_types(type1=a, type2=b))
  binomial: ["count", "prob"], can_cast: ["from", "to"], promote_types: ["type1", "type2"], result_type: ["tensor", "other"],
  isin: ["elements", "test_elements"],
  // torch.range(start, end=3, step=0.5), torch.linalg.vecdot(x, y=b, dim=0)
  range: ["start", "end"], vecdot: ["x", "y"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/**
 * torch.* functions whose input (and allclose's / equal's other) may be given by keyword too (torch.max(input=prob,
 * dim=1), torch.sum(input=x, dim=0), torch.tanh(input=x)), at run time only: their overloads make the derived keyword
 * typings of TORCH_OPERAND_NAMES misleading, so the typings keep the positional forms.
 */
const TORCH_INPUT_BY_KEYWORD: Readonly<Record<string, readonly string[]>> = {
  softmax: ["input"], log_softmax: ["input"], max: ["input"], min: ["input"], sort: ["input"], argsort: ["input"], argmax: ["input"],
  argmin: ["input"], sum: ["input"], mean: ["input"], std: ["input"], var: ["input"], prod: ["input"], all: ["input"], any: ["input"],
  nonzero: ["input"], flatten: ["input"], squeeze: ["input"], unbind: ["input"], roll: ["input"], cumsum: ["input"], chunk: ["input"],
  clamp: ["input"], allclose: ["input", "other"], equal: ["input", "other"], tanh: ["input"], sigmoid: ["input"], relu: ["input"],
  exp: ["input"], log: ["input"], sqrt: ["input"], abs: ["input"], sin: ["input"], cos: ["input"],
  // the *_like creators (torch.zeros_like(input=zero_to_ten), torch.full_like(input=x, fill_value=2)); randint_like's
  // optional low before high keeps its own parsing (ops/creation.ts)
  zeros_like: ["input"], ones_like: ["input"], empty_like: ["input"], rand_like: ["input"], randn_like: ["input"],
  full_like: ["input", "fill_value"], randint_like: ["input"],
};

/** What an overload's operand takes: an int (or a 0-d integer tensor), a list of ints, a tensor, a scalar (or a 0-d tensor). */
type OverloadKind = "int" | "ints" | "Tensor" | "Scalar";
const KIND_NAMES: Record<OverloadKind, string> = { int: "int", ints: "tuple of ints", Tensor: "Tensor", Scalar: "Number" };
const SPLIT_OVERLOADS = { sections: ["sections", "int"], indices: ["sections", "ints"] } as const;

/**
 * Operands torch 1.13 names per overload (ATen's hsplit(input, int sections) and hsplit(input, int[] indices),
 * tensor_split's third overload tensor_indices_or_sections, isin(elements, Scalar test_element)): function -> keyword ->
 * [the operand table's name for that position, what the overload takes]. A keyword of the wrong kind (hsplit(x,
 * sections=[1])) raises torch's "received an invalid combination of arguments", as does one position named twice.
 */
const OVERLOAD_NAMES: Readonly<Record<string, Readonly<Record<string, readonly [string, OverloadKind]>>>> = {
  hsplit: SPLIT_OVERLOADS, vsplit: SPLIT_OVERLOADS, dsplit: SPLIT_OVERLOADS,
  tensor_split: { ...SPLIT_OVERLOADS, tensor_indices_or_sections: ["sections", "Tensor"] },
  isin: { elements: ["elements", "Tensor"], element: ["elements", "Scalar"], test_elements: ["test_elements", "Tensor"], test_element: ["test_elements", "Scalar"] },
};

const isTensorLike = (v: unknown): v is { dim(): number; dtype: { is_floating_point: boolean } } =>
  typeof v === "object" && v !== null && typeof (v as { dim?: unknown }).dim === "function" && typeof (v as { dtype?: unknown }).dtype === "object";
const OVERLOAD_KIND: Record<OverloadKind, (v: unknown) => boolean> = {
  int: (v) => Number.isInteger(v) || (isTensorLike(v) && v.dim() === 0 && !v.dtype.is_floating_point),
  ints: (v) => Array.isArray(v) && v.every((e) => Number.isInteger(e)),
  Tensor: isTensorLike,
  Scalar: (v) => typeof v === "number" || typeof v === "boolean" || (isTensorLike(v) && v.dim() === 0),
};

/** Python's type name of a value, as torch's argument parser prints it. */
function pyTypeName(v: unknown): string {
  if (isTensorLike(v)) return "Tensor";
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  return Array.isArray(v) ? "list" : "object";
}

/** opts with OVERLOAD_NAMES' keywords of fn renamed to the operand table's names (opts itself when fn has none). */
function overloadKeywords(fn: string, opts: Record<string, unknown>, args: ArrayLike<unknown>): Record<string, unknown> {
  const table = OVERLOAD_NAMES[fn];
  if (!table || !Object.keys(opts).some((k) => k in table)) return opts;
  const out: Record<string, unknown> = {};
  let bad = false;
  for (const [k, v] of Object.entries(opts)) {
    const o = table[k];
    if (!o) {
      out[k] = v;
      continue;
    }
    if (!OVERLOAD_KIND[o[1]](v) || o[0] in out) bad = true;
    out[o[0]] = v;
  }
  if (bad) {
    const got = [...Array.prototype.slice.call(args, 0, args.length - 1).map(pyTypeName), ...Object.entries(opts).map(([k, v]) => `${k}=${pyTypeName(v)}`)];
    const expected = Object.entries(table).map(([k, [, kind]]) => `\n * (${KIND_NAMES[kind]} ${k})`).join("");
    throw new TypeError_(`${fn}() received an invalid combination of arguments - got (${got.join(", ")}), but expected one of:${expected}`);
  }
  return out;
}

const operandNames: Readonly<Record<string, readonly string[] | undefined>> = OPERAND_NAMES;
const torchOperandNames: Readonly<Record<string, readonly string[] | undefined>> = { ...OPERAND_NAMES, ...TORCH_INPUT_BY_KEYWORD, ...TORCH_OPERAND_NAMES };
/** namedOperands' `keywords` for a function outside the arity tables: any other key goes on, for the function to check. */
const PASS_ON = "pass on";

/**
 * args with a trailing options object of operand names (names: the parameters in order) turned into positional
 * arguments, its keys in `keywords` (add's alpha) kept in an options object after them; null when the options object
 * names no operand (the caller goes on as before). A key outside both raises Python's "unexpected keyword argument", a
 * name given both ways its "got multiple values for argument", a gap before a named one its "missing" error.
 */
function namedOperands(
  name: string, names: readonly string[], args: ArrayLike<unknown>, keywords?: ReadonlySet<string> | readonly string[] | typeof PASS_ON, required = names.length,
): unknown[] | null {
  const known = Array.isArray(keywords) ? [...names, ...(keywords as readonly string[])] : keywords instanceof Set ? [...names, ...keywords] : names;
  // x.unsqueeze(axis=1); x.hsplit(indices=[1, 2]) for sections' position
  const last = overloadKeywords(name, numpyAliases(name, args[args.length - 1] as Record<string, unknown>, known), args);
  const keys = Object.keys(last);
  const isKeyword = (k: string) =>
    keywords === PASS_ON || (keywords !== undefined && (Array.isArray(keywords) ? keywords.includes(k) : (keywords as ReadonlySet<string>).has(k)));
  if (!keys.some((k) => names.includes(k))) return null;
  const unknown = keys.find((k) => !names.includes(k) && !isKeyword(k));
  if (unknown !== undefined) throw new TypeError_(`${name}() got an unexpected keyword argument '${unknown}'`);
  const out = Array.prototype.slice.call(args, 0, args.length - 1) as unknown[];
  let rest: Record<string, unknown> | undefined;
  for (const k of keys) {
    if (!names.includes(k)) {
      (rest ??= {})[k] = last[k];
      continue;
    }
    const i = names.indexOf(k);
    if (i < out.length && out[i] !== undefined) throw new TypeError_(`${name}() got multiple values for argument '${k}'`);
    out[i] = last[k];
  }
  // Every operand of the table is required: a gap, or one missing after the last given, is Python's "missing".
  let gap = out.findIndex((v, i) => v === undefined && i < out.length);
  if (gap === -1 && out.length < required) gap = out.length;
  if (gap !== -1) throw new TypeError_(`${name}() missing 1 required positional argument: '${names[gap]}'`);
  if (rest) out.push(rest);
  return out;
}

/**
 * args with the leading parameters `names` taken from a trailing options object when it names any (the first
 * `required` of them must then be given one way or the other), its other keys left in an options object after them:
 * for functions whose first parameters torch 1.13 also takes by keyword, torch.autograd.grad(outputs=y, inputs=x,
 * create_graph=True). args as given otherwise.
 */
export function leadingByName(name: string, names: readonly string[], required: number, args: readonly unknown[]): readonly unknown[] {
  if (args.length === 0 || !isOptions(args[args.length - 1])) return args;
  return namedOperands(name, names, args, PASS_ON, required) ?? args;
}

/** Every checked Tensor method's operand count after self: FIXED_ARITY's torch forms less the input, then the method-only table. */
export function tensorMethodArities(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, arity] of Object.entries(FIXED_ARITY)) out[name] = arity - 1;
  return { ...out, ...TENSOR_ONLY_FIXED_ARITY };
}

const plural = (n: number) => `${n} positional argument${n === 1 ? "" : "s"}`;

/**
 * Python's TypeError for operands not given (x.narrow(0) ran with start and length undefined and
 * returned a tensor of shape [NaN, 3]): "narrow() missing 2 required positional arguments: 'start'
 * and 'length'".
 */
function missingOperands(name: string, missing: readonly string[]): TypeError_ {
  const quoted = missing.map((m) => `'${m}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
  return new TypeError_(`${name}() missing ${missing.length} required positional argument${missing.length === 1 ? "" : "s"}: ${list}`);
}
const NO_KEYWORDS: ReadonlySet<string> = new Set();

/**
 * The slow path of a checked method (more than `arity` arguments, or an options object last): a
 * key of the options object outside `keywords` raises PyTorch's TypeError, as does a positional
 * past `arity`; trailing undefined (a JS caller's omitted optional) and an empty object pass.
 */
function refuseExtra(name: string, arity: number, keywords: ReadonlySet<string>, args: ArrayLike<unknown>): void {
  const last = args[args.length - 1];
  if (isOptions(last)) {
    // axis / keepdims pass on as dim / keepdim (the method's own parsing renames them)
    const key = Object.keys(numpyAliases(name, last, [...keywords])).find((k) => !keywords.has(k));
    if (key !== undefined) throw new TypeError_(`${name}() got an unexpected keyword argument '${key}'`);
  }
  const end = isOptions(last) ? args.length - 1 : args.length;
  let given = end;
  while (given > arity && args[given - 1] === undefined) given--;
  if (given > arity) {
    throw new TypeError_(arity === 0 ? `Tensor.${name}() takes no arguments (${given} given)` : `${name}() takes ${plural(arity)} but ${given} were given`);
  }
}

/** What installTensorArityChecks replaced, so a benchmark can put the unchecked methods back (bench/tensor_arity_ab.ts). */
export const installedArityChecks: { proto: object; name: string; original: unknown; checked: unknown }[] = [];

/** Replaces proto[name] by a method that checks its arguments (see refuseExtra), then calls the original with them as given. */
function installCheck(proto: object, name: string, arity: number, keywords: ReadonlySet<string>): void {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  if (!d || typeof d.value !== "function") return;
  const fn = d.value as (...a: unknown[]) => unknown;
  // `arguments` rather than rest parameters: no array is built on the hot path, and V8 forwards
  // fn.apply(this, arguments) without copying.
  /* eslint-disable prefer-rest-params */
  const operands = operandNames[name]?.slice(1); // the method's parameter names (no input)
  // A fixed-signature method's named operands are all required (a keyword-taking one's are checked by itself).
  const required = arity !== Infinity && operands ? Math.min(arity, operands.length) : 0;
  const checked = function (this: unknown): unknown {
    const n = arguments.length;
    if (n > arity || n < required || (n > 0 && isOptions(arguments[n - 1]))) {
      const named = operands && n > 0 && isOptions(arguments[n - 1]) ? namedOperands(name, operands, arguments, keywords) : null;
      if (named) return fn.apply(this, named);
      if (n < required && !(n > 0 && isOptions(arguments[n - 1]))) throw missingOperands(name, operands!.slice(n, required));
      refuseExtra(name, arity, keywords, arguments);
    }
    return fn.apply(this, arguments as unknown as unknown[]);
  };
  /* eslint-enable prefer-rest-params */
  Object.defineProperty(checked, "name", { value: name });
  Object.defineProperty(proto, name, { ...d, value: checked });
  installedArityChecks.push({ proto, name, original: fn, checked });
}

/**
 * Checks the Tensor methods of both tables: fixed-signature ones (name -> operand count) refuse
 * any keyword and extra positionals, keyword-taking ones (TENSOR_METHOD_KEYWORDS) any keyword
 * they do not read. Getters and absent names are skipped.
 */
export function installTensorArityChecks(
  proto: object,
  table: Readonly<Record<string, number>> = tensorMethodArities(),
  keywords: Readonly<Record<string, readonly string[]>> = TENSOR_METHOD_KEYWORDS,
): void {
  for (const [name, arity] of Object.entries(table)) installCheck(proto, name, arity, NO_KEYWORDS);
  for (const [name, names] of Object.entries(keywords)) installCheck(proto, name, Infinity, new Set(names));
  for (const [name, names] of Object.entries(OPERAND_NAMES)) {
    if (!(name in table) && !(name in keywords)) installNamedOperands(proto, name, names.slice(1));
  }
}

/**
 * For a method of OPERAND_NAMES outside the arity tables (x.index_add_(dim=0, index=i, source=s, alpha=2)): a trailing
 * options object naming an operand is turned into the positional arguments, its other keys passed on in an options
 * object after them for the method's own parsing; any other call is passed through as given.
 */
function installNamedOperands(proto: object, name: string, operands: readonly string[]): void {
  const d = Object.getOwnPropertyDescriptor(proto, name);
  if (!d || typeof d.value !== "function") return;
  const fn = d.value as (...a: unknown[]) => unknown;
  /* eslint-disable prefer-rest-params */
  const checked = function (this: unknown): unknown {
    const n = arguments.length;
    if (n > 0 && isOptions(arguments[n - 1])) {
      const named = namedOperands(name, operands, arguments, PASS_ON);
      if (named) return fn.apply(this, named);
    }
    return fn.apply(this, arguments as unknown as unknown[]);
  };
  /* eslint-enable prefer-rest-params */
  Object.defineProperty(checked, "name", { value: name });
  Object.defineProperty(proto, name, { ...d, value: checked });
  installedArityChecks.push({ proto, name, original: fn, checked });
}

/** fn with OPERAND_NAMES' (or TORCH_OPERAND_NAMES') keyword forms, for a torch.* function outside the arity tables. */
function withNamedOperands<F extends (...args: never[]) => unknown>(name: string, names: readonly string[], fn: F, prefix?: string): F {
  const call = fn as unknown as (...a: unknown[]) => unknown;
  const input = prefix === undefined ? InputMode.None : inputMode(prefix, name);
  const wrapped = (...args: unknown[]): unknown => {
    if (input !== InputMode.None && !(args[0] instanceof Tensor)) {
      const complex = checkNonTensorInput(prefix!, name, input, args);
      if (complex) return complex.value;
    }
    const named = args.length > 0 && isOptions(args[args.length - 1]) ? namedOperands(name, names, args, PASS_ON) : null;
    return named ? call(...named) : call(...args);
  };
  Object.defineProperty(wrapped, "name", { value: name });
  if (input !== InputMode.None) INPUT_CHECKED.add(wrapped);
  return wrapped as unknown as F;
}

/** fn, raising Python's TypeError for anything after its `arity` operands or an options object with keys (an empty `{}` is allowed). */
export function withFixedArity<F extends (...args: never[]) => unknown>(name: string, arity: number, fn: F, prefix?: string): F {
  const call = fn as unknown as (...a: unknown[]) => unknown;
  const operands = torchOperandNames[name];
  // Its named operands are all required (torch.narrow(x, 0) ran with start and length undefined).
  const required = operands ? Math.min(arity, operands.length) : 0;
  // torch.exp(2.5): torch's TypeError (../non_tensor_input.ts); one instanceof on the fast path
  const input = prefix === undefined || arity === 0 ? InputMode.None : inputMode(prefix, name);
  const wrapped = (...args: unknown[]): unknown => {
    if (input !== InputMode.None && !(args[0] instanceof Tensor)) {
      const complex = checkNonTensorInput(prefix!, name, input, args);
      if (complex) return complex.value;
    }
    const last = args[args.length - 1];
    if (args.length > arity || args.length < required || isOptions(last)) {
      const named = operands && isOptions(last) ? namedOperands(name, operands, args) : null;
      if (named) return call(...named);
      if (args.length < required && !isOptions(last)) throw missingOperands(name, operands!.slice(args.length, required));
      if (isOptions(last)) {
        const key = Object.keys(last)[0];
        if (key !== undefined) throw new TypeError_(`${name}() got an unexpected keyword argument '${key}'`);
      }
      if (args.length <= arity) return call(...args);
      if (args.length > arity + 1 || !isOptions(last)) {
        throw new TypeError_(`${name}() takes ${arity} positional argument${arity > 1 ? "s" : ""} but ${args.length - (isOptions(last) ? 1 : 0)} were given`);
      }
      return call(...args.slice(0, arity));
    }
    return call(...args);
  };
  Object.defineProperty(wrapped, "name", { value: name }); // the wrapped function's Python name, as fn.name was
  if (input !== InputMode.None) INPUT_CHECKED.add(wrapped);
  return wrapped as unknown as F;
}

/** fn, raising Python's TypeError for a key of a trailing options object outside `keywords`. */
export function withKeywords<F extends (...args: never[]) => unknown>(name: string, keywords: readonly string[], fn: F, prefix?: string): F {
  const call = fn as unknown as (...a: unknown[]) => unknown;
  const operands = torchOperandNames[name];
  const input = prefix === undefined ? InputMode.None : inputMode(prefix, name);
  const wrapped = (...args: unknown[]): unknown => {
    if (input !== InputMode.None && !(args[0] instanceof Tensor)) {
      const complex = checkNonTensorInput(prefix!, name, input, args);
      if (complex) return complex.value;
    }
    const last = args[args.length - 1];
    if (isOptions(last)) {
      const named = operands ? namedOperands(name, operands, args, keywords) : null;
      if (named) return call(...named);
      const key = Object.keys(numpyAliases(name, last, keywords)).find((k) => !keywords.includes(k));
      if (key !== undefined) throw new TypeError_(`${name}() got an unexpected keyword argument '${key}'`);
    }
    return call(...args);
  };
  Object.defineProperty(wrapped, "name", { value: name }); // the wrapped function's Python name, as fn.name was
  if (input !== InputMode.None) INPUT_CHECKED.add(wrapped);
  return wrapped as unknown as F;
}

/** torch.special: every function takes only its operands (and out=) in torch 1.13. */
const SPECIAL_UNARY = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "digamma", "psi", "entr", "erf", "erfc", "erfcx", "erfinv",
  "exp2", "expit", "expm1", "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr", "modified_bessel_i0", "modified_bessel_i1", "modified_bessel_k0", "modified_bessel_k1",
  "ndtr", "ndtri", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1", "sinc", "spherical_bessel_j0"];
const SPECIAL_BINARY = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
  "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v", "shifted_chebyshev_polynomial_w",
  "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p", "gammainc", "gammaincc",
  "xlog1py", "xlogy", "zeta", "polygamma"];
export const SPECIAL_FIXED_ARITY: Readonly<Record<string, number>> = Object.fromEntries([
  ...SPECIAL_UNARY.map((n) => [n, 1] as const), ...SPECIAL_BINARY.map((n) => [n, 2] as const),
]);

/** torch.linalg functions without keywords in torch 1.13 (besides out=). */
export const LINALG_FIXED_ARITY: Readonly<Record<string, number>> = { det: 1, inv: 1, matrix_exp: 1, slogdet: 1, matmul: 2, householder_product: 2, matrix_power: 2, multi_dot: 1 };

/**
 * The functions of ns named in `table` (name -> operand count) or in `keywords` (name -> accepted
 * keywords, TORCH_KEYWORDS), wrapped; names absent from ns are skipped. `prefix`: ns's public name
 * ("torch", "torch.linalg", "torch.special"), for the wrappers to check the first argument too
 * (../non_tensor_input.ts); not checked without it.
 */
export function withFixedArityAll<T extends Record<string, unknown>>(
  ns: T,
  table: Readonly<Record<string, number>> = { ...FIXED_ARITY, ...TORCH_ONLY_FIXED_ARITY },
  keywords: Readonly<Record<string, readonly string[]>> = TORCH_KEYWORDS,
  prefix?: string,
): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [name, arity] of Object.entries(table)) {
    if (typeof ns[name] === "function") out[name] = withFixedArity(name, arity, ns[name] as (...a: never[]) => unknown, prefix);
  }
  for (const [name, names] of Object.entries(keywords)) {
    if (typeof ns[name] === "function") out[name] = withKeywords(name, names, ns[name] as (...a: never[]) => unknown, prefix);
  }
  for (const [name, names] of Object.entries(torchOperandNames)) {
    if (names && typeof ns[name] === "function" && !(name in table) && !(name in keywords)) {
      out[name] = withNamedOperands(name, names, ns[name] as (...a: never[]) => unknown, prefix);
    }
  }
  return out as Partial<T>;
}
