/**
 * torch 1.13's TypeError for a number, a string, None or a list where a function's tensor goes:
 * `torch.softmax(1, 1)`, `torch.sum(3)`, `F.relu(null)`, as learners write them, raised
 * `softmax() received an invalid combination of arguments - got (int, int), but expected one of:` /
 * `sum(): argument 'input' (position 1) must be Tensor, not int` in torch and failed inside the engine
 * with a JavaScript error ("x.dim is not a function"), or returned a result torch refuses.
 *
 * One check for the namespaces learners call (torch.*, torch.linalg / special / fft, F.*): the wrappers
 * that already stand in front of a function (fixed_arity.ts, out_arg.ts) test their first argument with
 * one instanceof (hot ops such as torch.add and torch.matmul get no closure of their own), and
 * installTensorInputChecks wraps the other functions whose first parameter is a tensor. Everything else
 * happens only when the first argument is not a tensor. Checked against torch 1.13 by
 * tests/unit/tensor/core/non_tensor_operands_audit.test.ts.
 */
import { isOptions } from "./args";
import { complexHooks, isComplexTensor } from "./complex_dtype";
import { isDType } from "./dtype";
import { TypeError_ } from "./errors";
import { isSparseCoo, sparseHooks } from "./sparse/brand";
import { Tensor } from "./tensor";

/** What the check lets through as a function's first argument (a tensor always passes). */
export const InputMode = {
  /** Not checked. */
  None: 0,
  /** A tensor only. */
  Tensor: 1,
  /** A tensor or a Python number (a Scalar overload: torch.add(1, x), torch.pow(2, x)). */
  TensorOrNumber: 2,
  /** A list of tensors (torch.cat([a, b])). */
  TensorList: 3,
  /** A tensor, or a list of tensors (torch.atleast_2d([a, b]), torch.meshgrid([a, b])). */
  TensorOrList: 4,
  /** Tensors one by one (torch.block_diag(a, b)). */
  Tensors: 5,
  /** A number (torch.linspace(0, 1, 5)). */
  Number: 6,
  /** An integer (torch.hann_window(8), torch.tril_indices(3, 3)). */
  Int: 7,
  /** A size: integers one by one or in a list (torch.zeros(2, 3), torch.zeros([2, 3])). */
  Size: 8,
  /** A dtype (torch.promote_types(torch.int64, torch.float32)). */
  DType: 9,
} as const;
export type InputMode = (typeof InputMode)[keyof typeof InputMode];

/**
 * Functions whose first parameter is not a tensor alone (or nothing torch checks: settings, files, the engine's own
 * helpers): their mode, None when never checked. Keys are the public names less their namespace (torch.x is "x",
 * torch.linalg.x "linalg.x", torch.special.x "special.x", torch.fft.x "fft.x", F.x "F.x").
 */
const MODES: ReadonlyMap<string, InputMode> = new Map<string, InputMode>([
  ...[
    // factories whose data is free-form, objects, settings, files, the engine's own helpers
    "tensor", "as_tensor", "asarray", "from_array", "from_file", "from_numpy", "frombuffer", "full", "randint", "empty_strided", "empty_quantized",
    "sparse_coo_tensor", "sparse_csr_tensor", "Tensor", "FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
    "HalfTensor", "BFloat16Tensor", "Size", "is_tensor", "is_storage", "typename", "polygamma", "special.polygamma", "einsum", "broadcast_shapes",
    "device", "finfo", "iinfo", "slice", "manual_seed", "seed", "initial_seed", "get_rng_state", "use_deterministic_algorithms", "autocast",
    "no_grad", "enable_grad", "inference_mode", "compiled_with_cxx11_abi", "is_vulkan_available", "classproperty", "save", "load", "compile",
    "vmap", "registerKernel", "registerUnaryKernel", "format", "F.assert_int_or_pair", "F.boolean_dispatch", "F.has_torch_function",
  ].map((n) => [n, InputMode.None] as const),
  ...[
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "remainder", "pow", "float_power", "xlogy",
    "result_type", "bucketize", "isin", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift", "normal",
    "special.zeta", "special.xlogy", "special.xlog1py", "special.chebyshev_polynomial_t", "special.chebyshev_polynomial_u",
    "special.chebyshev_polynomial_v", "special.chebyshev_polynomial_w", "special.shifted_chebyshev_polynomial_t",
    "special.shifted_chebyshev_polynomial_u", "special.shifted_chebyshev_polynomial_v", "special.shifted_chebyshev_polynomial_w",
    "special.hermite_polynomial_h", "special.hermite_polynomial_he", "special.laguerre_polynomial_l", "special.legendre_polynomial_p",
  ].map((n) => [n, InputMode.TensorOrNumber] as const),
  ...["cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack", "row_stack", "linalg.multi_dot"].map((n) => [n, InputMode.TensorList] as const),
  ...["atleast_1d", "atleast_2d", "atleast_3d", "meshgrid"].map((n) => [n, InputMode.TensorOrList] as const),
  ...["block_diag", "broadcast_tensors", "cartesian_prod", "chain_matmul"].map((n) => [n, InputMode.Tensors] as const),
  ...["arange", "linspace", "logspace", "range", "scalar_tensor"].map((n) => [n, InputMode.Number] as const),
  ...["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window", "tril_indices", "triu_indices", "fft.fftfreq", "fft.rfftfreq",
    "randperm", "eye"]
    .map((n) => [n, InputMode.Int] as const),
  ...["zeros", "ones", "empty", "rand", "randn"].map((n) => [n, InputMode.Size] as const),
  ...["promote_types", "can_cast"].map((n) => [n, InputMode.DType] as const),
]);
/** Queries and setters of process-wide state (torch.get_num_threads(), torch.set_printoptions(...), torch.is_grad_enabled()). */
const SETTING = /^(get_(?!device$)|set_)|_enabled$/;

/**
 * Functions whose parser torch 1.13 reports as "received an invalid combination of arguments" for a call of their usual
 * arity (several overloads take that many arguments); the others say "argument 'input' (position 1) must be Tensor".
 */
const OVERLOADED: ReadonlySet<string> = new Set([
  "F.conv1d", "F.conv2d", "F.conv3d", "bitwise_and", "bitwise_left_shift", "bitwise_or",
  "bitwise_right_shift", "bitwise_xor", "bucketize", "clamp", "clamp_", "clamp_max", "clamp_max_", "clamp_min", "clamp_min_", "clip", "clip_",
  "conv1d", "conv2d", "conv3d", "copysign", "ctc_loss", "cummax", "cummin", "cumprod", "cumsum", "dequantize", "divide", "dsplit", "embedding_bag",
  "eq", "fake_quantize_per_tensor_affine", "fill", "fill_", "float_power", "floor_divide", "fmod", "gather", "ge", "greater",
  "greater_equal", "gru", "gt", "histogramdd", "hsplit", "index_add", "index_copy", "index_fill", "index_select", "isin", "le", "lerp", "less",
  "less_equal", "linalg.matrix_rank", "linalg.pinv", "log_softmax", "logcumsumexp", "logsumexp", "lstm", "lt", "masked_fill", "moveaxis", "movedim",
  "multiply", "nanquantile", "narrow", "ne", "not_equal", "pow", "quantile", "quantize_per_tensor", "remainder", "repeat_interleave", "result_type",
  "rnn_relu", "rnn_tanh", "rsub", "scatter", "scatter_add", "searchsorted", "select", "softmax", "special.chebyshev_polynomial_t",
  "special.chebyshev_polynomial_u", "special.chebyshev_polynomial_v", "special.chebyshev_polynomial_w", "special.hermite_polynomial_h",
  "special.hermite_polynomial_he", "special.laguerre_polynomial_l", "special.legendre_polynomial_p", "special.shifted_chebyshev_polynomial_t",
  "special.shifted_chebyshev_polynomial_u", "special.shifted_chebyshev_polynomial_v", "special.shifted_chebyshev_polynomial_w",
  "special.xlog1py", "special.xlogy", "special.zeta", "sspaddmm", "subtract", "tensor_split", "transpose", "true_divide", "unflatten", "view_copy",
  "vsplit", "xlogy", "xlogy_", "atleast_1d", "atleast_2d", "atleast_3d", "arange", "sparse_csr_tensor", "sparse_csc_tensor",
  "sparse_bsr_tensor", "sparse_bsc_tensor", "sparse_compressed_tensor",
]);

/** The first parameter's name where torch 1.13's is not `input`. */
const FIRST_PARAMETER: Readonly<Record<string, string>> = {
  "F.bilinear": "input1", "F.cosine_similarity": "x1", "F.pairwise_distance": "x1", "F.triplet_margin_loss": "anchor", affine_grid_generator: "theta",
  bilinear: "input1", binomial: "count", cdist: "x1", complex: "real", cosine_embedding_loss: "input1", cosine_similarity: "x1", cumulative_trapezoid: "y",
  embedding: "weight", hspmm: "mat1", "linalg.det": "A", "linalg.diagonal": "A", "linalg.inv": "A", "linalg.inv_ex": "A", "linalg.ldl_solve": "LD",
  "linalg.lu": "A", "linalg.lu_factor": "A", "linalg.lu_factor_ex": "A", "linalg.lu_solve": "LU", "linalg.qr": "A", "linalg.slogdet": "A",
  "linalg.solve": "A", "linalg.solve_ex": "A", "linalg.svd": "A", "linalg.svdvals": "A", "linalg.vander": "x", "linalg.vecdot": "x",
  lu_unpack: "LU_data", margin_ranking_loss: "input1", norm_except_dim: "v", normal: "mean", pairwise_distance: "x1", polar: "abs",
  segment_reduce: "data", "special.airy_ai": "x", "special.scaled_modified_bessel_k0": "x", "special.scaled_modified_bessel_k1": "x",
  "special.spherical_bessel_j0": "x", "F.embedding": "indices", trapezoid: "y", trapz: "y", triplet_margin_loss: "anchor", vander: "x", where: "condition",
  linspace: "start", logspace: "start", range: "start", scalar_tensor: "s", hann_window: "window_length", hamming_window: "window_length",
  blackman_window: "window_length", bartlett_window: "window_length", kaiser_window: "window_length", tril_indices: "row", triu_indices: "row",
  "fft.fftfreq": "n", "fft.rfftfreq": "n", zeros: "size", ones: "size", empty: "size", rand: "size", randn: "size", randperm: "n", eye: "n",
  promote_types: "type1", can_cast: "from",
};
/** F.embedding(input, weight) is torch.embedding(weight, input): torch names its input `indices`, at position 2. */
const POSITION: Readonly<Record<string, number>> = { "F.embedding": 2 };
/** What torch's message says the first argument must be, by mode. */
const MUST_BE: Partial<Record<InputMode, string>> = {
  [InputMode.Number]: "Number", [InputMode.Int]: "int", [InputMode.Size]: "tuple of SymInts", [InputMode.DType]: "torch.dtype", [InputMode.TensorList]: "tuple of Tensors",
};

/** How a namespace's functions are keyed above and named in torch's messages (torch.linalg.det is linalg_det()). */
const NAMESPACE_KEYS: Readonly<Record<string, [key: string, pyName: string]>> = {
  torch: ["", ""], "torch.linalg": ["linalg.", "linalg_"], "torch.special": ["special.", "special_"], "torch.fft": ["fft.", "fft_"], F: ["F.", ""],
};

/** The check for `name` of namespace `prefix` ("torch", "torch.linalg", "torch.special", "torch.fft", "F"); None elsewhere. */
export function inputMode(prefix: string, name: string): InputMode {
  const keys = NAMESPACE_KEYS[prefix];
  if (!keys || name.startsWith("_")) return InputMode.None;
  const mode = MODES.get(keys[0] + name) ?? (prefix === "F" ? undefined : MODES.get(name));
  if (mode !== undefined) return mode;
  return SETTING.test(name) ? InputMode.None : InputMode.Tensor;
}

/** Python's name of a JS value's type, as torch's messages print it. */
function pyType(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  if (v instanceof Tensor) return "Tensor";
  if (isDType(v)) return "torch.dtype";
  // a module is callable here (a function whose class is Linear, ...)
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  if (typeof v === "function") return ctor && ctor !== "Function" ? ctor : "function";
  return ctor === "Object" || !ctor ? "dict" : ctor;
}

/** torch's TypeError for `args` given to `name` of namespace `prefix` in `mode` (see inputMode). */
export function nonTensorInputError(prefix: string, name: string, mode: InputMode, args: ArrayLike<unknown>): TypeError_ {
  const [key, py] = NAMESPACE_KEYS[prefix] ?? ["", ""];
  const fn = `${py}${name}`;
  const qualified = key + name;
  const param = FIRST_PARAMETER[qualified] ?? (mode === InputMode.TensorList ? "tensors" : "input");
  const all = Array.prototype.slice.call(args) as unknown[];
  while (all.length > 0 && all[all.length - 1] === undefined) all.pop();
  const first = all[0];
  // a list with something else than a tensor in it, or (tensors one by one) something else first: torch's element message
  const list = Array.isArray(first) && (mode === InputMode.TensorList || mode === InputMode.TensorOrList) ? first
    : mode === InputMode.Tensors || (mode === InputMode.TensorOrList && !OVERLOADED.has(qualified)) ? all : null;
  const bad = list ? list.findIndex((v) => !(v instanceof Tensor)) : -1;
  if (list && bad !== -1) return new TypeError_(`expected Tensor as element ${bad} in argument 0, but got ${pyType(list[bad])}`);
  if (OVERLOADED.has(qualified) || all.length === 0) {
    const last = all[all.length - 1];
    const kwargs = all.length > 1 && isOptions(last) ? Object.entries(last).map(([k, v]) => `${k}=${pyType(v)}`) : [];
    const positional = (kwargs.length ? all.slice(0, -1) : all).map(pyType);
    return new TypeError_(
      `${fn}() received an invalid combination of arguments - got (${[...positional, ...kwargs].join(", ")}), but expected one of:\n` +
        ` (its first argument '${param}' is a ${MUST_BE[mode] ?? "Tensor"}; see the documentation of torch.${qualified.replace(/^F\./, "nn.functional.")} for its overloads)`,
    );
  }
  return new TypeError_(`${fn}(): argument '${param}' (position ${POSITION[qualified] ?? 1}) must be ${MUST_BE[mode] ?? "Tensor"}, not ${pyType(first)}`);
}

const isInt = (v: unknown): boolean => Number.isInteger(v) || typeof v === "boolean";

/** True when `first` is what `mode` takes (a tensor aside: the caller has tested that). */
function accepted(mode: InputMode, first: unknown): boolean {
  switch (mode) {
    case InputMode.TensorOrNumber:
    case InputMode.Number:
      return typeof first === "number" || typeof first === "boolean";
    case InputMode.TensorList:
    case InputMode.TensorOrList:
      return Array.isArray(first) && first.every((v) => v instanceof Tensor);
    case InputMode.Int:
      return isInt(first);
    case InputMode.Size:
      // (elements may be one-element integer tensors: torch.zeros([r0, r1]); the factory checks those itself)
      return isInt(first) || (Array.isArray(first) && first.every((v) => isInt(v) || v instanceof Tensor));
    case InputMode.DType:
      return isDType(first);
    default:
      return false;
  }
}

/**
 * The slow half of the check, called when args[0] is not a tensor: returns when the call is one torch takes
 * (the input by keyword in an options object, what `mode` lets through), else raises torch's TypeError. A complex
 * first argument (torch.mul(z, x)) returns { value }: the result computed by complex_tensor.ts, which the caller returns.
 */
export function checkNonTensorInput(prefix: string, name: string, mode: InputMode, args: ArrayLike<unknown>): { value: unknown } | undefined {
  // Nothing given (the function's own "missing argument" error), or torch.sum({ input: x, dim: 0 }): the input by keyword.
  if (args.length === 0) return;
  const first = args[0];
  // torch.fft's transforms and torch.istft take complex tensors themselves (ops/fft.ts, ops/spectral_stft.ts)
  if ((prefix === "torch.fft" || (prefix === "torch" && name === "istft")) && isComplexTensor(first)) return;
  // torch.mul(z, x), torch.cat([z, w]) with a complex tensor: complex_tensor.ts computes it or names what is supported.
  if (prefix === "torch" && (isComplexTensor(first) || (Array.isArray(first) && first.some(isComplexTensor)))) {
    return complexHooks.torchCall(name, Array.prototype.slice.call(args) as unknown[]);
  }
  // torch.mm(S, D), torch.relu(S) with a sparse COO tensor: sparse/dispatch.ts computes it or names the op it lacks.
  if (isSparseCoo(first) || (Array.isArray(first) && first.some(isSparseCoo))) return sparseHooks.call(prefix, name, Array.prototype.slice.call(args) as unknown[]);
  if (isOptions(first) || accepted(mode, first)) return;
  throw nonTensorInputError(prefix, name, mode, args);
}

/** The wrappers that test their first argument already (fixed_arity.ts, out_arg.ts, nn/functional/index.ts, withTensorInput). */
export const INPUT_CHECKED = new WeakSet<object>();
/** The closures withTensorInput added (a function no other wrapper stands in front of): none for the hot ops. */
export const INPUT_WRAPPERS = new WeakSet<object>();

/** fn, raising torch's TypeError when its first argument is not a tensor (see checkNonTensorInput). */
export function withTensorInput<F extends (...args: never[]) => unknown>(prefix: string, name: string, mode: InputMode, fn: F): F {
  const call = fn as unknown as (...a: unknown[]) => unknown;
  /* eslint-disable prefer-rest-params */
  const wrapped = function (this: unknown): unknown {
    if (!(arguments[0] instanceof Tensor)) {
      const complex = checkNonTensorInput(prefix, name, mode, arguments);
      if (complex) return complex.value;
    }
    return call.apply(this, arguments as unknown as unknown[]);
  };
  /* eslint-enable prefer-rest-params */
  Object.defineProperty(wrapped, "name", { value: name });
  for (const k of Object.keys(fn)) (wrapped as unknown as Record<string, unknown>)[k] = (fn as unknown as Record<string, unknown>)[k];
  INPUT_CHECKED.add(wrapped);
  INPUT_WRAPPERS.add(wrapped);
  return wrapped as unknown as F;
}

const isClass = (f: unknown): boolean => typeof f === "function" && /^class[\s{]/.test(Function.prototype.toString.call(f));

/**
 * Wraps, in place, every function of ns (the namespace `prefix`) whose first parameter is a tensor and that no
 * wrapper checks yet. Getters, classes and non-writable properties are left as they are.
 */
export function installTensorInputChecks(ns: object, prefix: string): void {
  const obj = ns as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const d = Object.getOwnPropertyDescriptor(obj, key);
    if (!d || !("value" in d) || !d.writable || typeof d.value !== "function" || isClass(d.value) || INPUT_CHECKED.has(d.value as object)) continue;
    const mode = inputMode(prefix, key);
    if (mode === InputMode.None) continue;
    Object.defineProperty(obj, key, { ...d, value: withTensorInput(prefix, key, mode, d.value as (...a: never[]) => unknown) });
  }
}
