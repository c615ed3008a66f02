/**
 * torch 1.13 names that sit across namespaces, gathered in one place: anomaly-mode switches,
 * inference / conj / neg flags, torch.profiler and torch.autograd.profiler / forward_ad, lu_unpack,
 * symeig, the removed lstsq / solve / eig / matrix_rank, svd_lowrank / pca_lowrank, stft / istft,
 * the memory formats and layouts, and their Tensor methods. Spread into torch by ../index.ts, which
 * then calls installTorch113Names: what a running profiler wraps, torch.linalg's eig / eigvals / ldl_*, the
 * memory_format handling of Tensor methods and *_like creators, the distributions' expand / mode /
 * enumerate_support, torch.autograd.profiler / forward_ad, and torch.sparse.torch (the torch namespace).
 */
import { parseArgs, type PyArgs } from "../args";
import { forward_ad } from "../autograd/forward_ad";
import { is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly } from "../autograd/grad_mode";
import { TypeError_ } from "../errors";
import { inferenceState } from "../inference_state";
import { Module } from "../nn/module";
import { EventList, FunctionEvent, FunctionEventAvg, ProfilerAction, ProfilerActivity, legacyProfile, profile, record_function, registerProfilerTargets, schedule, tensorboard_trace_handler } from "../profiler";
import { Tensor } from "../tensor";
import { hardshrink, type ShrinkArgs } from "../nn/functional/activation_extra";
import { prelu } from "../nn/functional/activation";
import { leadingByName } from "../ops/fixed_arity";
import { lu_solve } from "../ops/linalg";
import { geqrf, linalgDecompositions, lobpcg, luWithInfos, lu_unpack, pca_lowrank, removedLinalg, svd_lowrank, symeig } from "../ops/linalg_decompositions";
import { istft, stft, type StftOptions } from "../ops/spectral_stft";
import type { ComplexTensor } from "../complex_tensor";
import { installDistributionExtras } from "../distributions/expand_mode_support";
import { emptyWithFormat, installMemoryFormats, installModuleMemoryFormat, likeWithFormat, memoryFormatNames } from "../memory_format";

function tensorArg(fn: string, x: unknown, rest: readonly unknown[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError_(`${fn}(): argument 'input' (position 1) must be Tensor, not ${x === null ? "NoneType" : typeof x}`);
  parseArgs<object>(fn, [], rest);
  return x;
}

/** torch.set_anomaly_enabled(enabled, check_nan=True). */
function set_anomaly_enabled(...args: PyArgs<[enabled: boolean, check_nan?: boolean], { enabled?: boolean; check_nan?: boolean }>): void {
  const o = parseArgs<{ enabled?: boolean; check_nan?: boolean }>("set_anomaly_enabled", ["enabled", "check_nan"], args);
  if (typeof o.enabled !== "boolean") throw new TypeError_(`set_anomaly_enabled(): argument 'enabled' (position 1) must be bool, not ${o.enabled === undefined ? "NoneType" : typeof o.enabled}`);
  set_detect_anomaly(o.enabled, o.check_nan ?? true);
}

// A view of an inference tensor is one too (torch: `z[0].is_inference()` is True); views of normal tensors are not.
const isInference = (x: Tensor): boolean => inferenceState.tensors.has(x) || (x._base !== null && inferenceState.tensors.has(x._base));

/** torch.profiler's namespace. */
export const profilerNamespace = { profile, record_function, ProfilerActivity, ProfilerAction, schedule, tensorboard_trace_handler, EventList, FunctionEvent, FunctionEventAvg };
/** torch.autograd.profiler's namespace (the legacy profile signature: enabled, use_cuda, record_shapes, ...). */
export const autogradProfilerNamespace = { profile: legacyProfile, record_function, EventList, FunctionEvent, FunctionEventAvg };

export const torch113Names = {
  set_anomaly_enabled,
  is_anomaly_enabled: (...rest: unknown[]): boolean => (parseArgs<object>("is_anomaly_enabled", [], rest), is_anomaly_enabled()),
  is_anomaly_check_nan_enabled: (...rest: unknown[]): boolean => (parseArgs<object>("is_anomaly_check_nan_enabled", [], rest), is_anomaly_check_nan_enabled()),
  /** True for a tensor created under torch.inference_mode. */
  is_inference: (input: Tensor, ...rest: unknown[]): boolean => isInference(tensorArg("is_inference", input, rest)),
  /** The engine has no lazily conjugated (or negated) views: always False, as for any real tensor. */
  is_conj: (input: Tensor, ...rest: unknown[]): boolean => (tensorArg("is_conj", input, rest), false),
  is_neg: (input: Tensor, ...rest: unknown[]): boolean => (tensorArg("is_neg", input, rest), false),
  profiler: profilerNamespace,
  lu_unpack, symeig, ...removedLinalg, svd_lowrank, pca_lowrank, lobpcg, geqrf,
  /** torch.lu(A, pivot=True, get_infos=False), torch/functional.py's: its keywords read, any other refused (torch.ts's took A alone). */
  lu: luWithInfos,
  stft, istft,
  ...memoryFormatNames,
};

export interface Torch113Methods {
  /** True for a tensor created under torch.inference_mode. */
  is_inference(): boolean;
  /** Whether the conjugate bit is set: never here (no complex dtype, no lazy conjugation). */
  is_conj(): boolean;
  /** Whether the negative bit is set: never here (no lazy negation). */
  is_neg(): boolean;
  /** F.prelu(self, weight), weight by keyword too (x.prelu({ weight })). */
  prelu(...args: [weight: Tensor] | [options: { weight: Tensor }]): Tensor;
  /** F.hardshrink(self, lambd=0.5). */
  hardshrink(...args: ShrinkArgs): Tensor;
  /** torch.lu(self, pivot=True, get_infos=False) -> [LU, pivots] (+ infos). */
  lu(...args: PyArgs<[pivot?: boolean, get_infos?: boolean], { pivot?: boolean; get_infos?: boolean }>): Tensor[];
  /** torch.lu_solve(self, LU_data, LU_pivots): X with A X = self. */
  lu_solve(LU_data: Tensor, LU_pivots: Tensor): Tensor;
  /** torch.symeig(self, eigenvectors=False, upper=True) (deprecated). */
  symeig(...args: PyArgs<[eigenvectors?: boolean, upper?: boolean], { eigenvectors?: boolean; upper?: boolean }>): Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor };
  /** torch.geqrf(self) -> (a, tau): LAPACK's Householder QR. */
  geqrf(): Tensor[] & { a: Tensor; tau: Tensor };
  /** Removed in 1.13: raise as 1.13 does. */
  lstsq(...args: unknown[]): never;
  solve(...args: unknown[]): never;
  eig(...args: unknown[]): never;
  /** torch.stft(self, n_fft, ...): the complex spectrogram with return_complex: true, else the [..., n_freq, n_frames, 2] real form. */
  stft(n_fft: number, options: StftOptions & { return_complex: true }): ComplexTensor;
  stft(options: StftOptions & { n_fft: number; return_complex: true }): ComplexTensor;
  stft(...args: Parameters<typeof stft> extends [Tensor, ...infer R] ? R : never): Tensor;
  /** torch.istft(self, n_fft, ...) of the real form. */
  istft(...args: Parameters<typeof istft> extends [Tensor, ...infer R] ? R : never): Tensor;
}

declare module "../tensor" {
  // The class Tensor and this interface merge: the methods installed below are typed members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor extends Torch113Methods {}
}

const methods: Torch113Methods & ThisType<Tensor> = {
  is_inference(...rest: unknown[]) { parseArgs<object>("is_inference", [], rest); return isInference(this); },
  is_conj(...rest: unknown[]) { parseArgs<object>("is_conj", [], rest); return false; },
  is_neg(...rest: unknown[]) { parseArgs<object>("is_neg", [], rest); return false; },
  prelu(...args: unknown[]) {
    // x.prelu(weight=w): installed after installTensorArityChecks, so the name is read here
    const [weight, ...rest] = leadingByName("prelu", ["weight"], 1, args) as [Tensor, ...unknown[]];
    parseArgs<object>("prelu", [], rest);
    return prelu(this, weight);
  },
  hardshrink(...args) { return hardshrink(this, ...args); },
  lu(...args) { return luWithInfos(this, ...args); },
  lu_solve(...args: unknown[]) {
    // x.lu_solve(LU_data=LU, LU_pivots=piv): installed after installTensorArityChecks, so the names are read here
    const [LU_data, LU_pivots, ...rest] = leadingByName("lu_solve", ["LU_data", "LU_pivots"], 2, args) as [Tensor, Tensor, ...unknown[]];
    parseArgs<object>("lu_solve", [], rest);
    return lu_solve(LU_data, LU_pivots, this);
  },
  symeig(...args) { return symeig(this, ...args); },
  geqrf(...rest: unknown[]) { return geqrf(this, ...rest); },
  lstsq: removedLinalg.lstsq,
  solve: removedLinalg.solve,
  eig: removedLinalg.eig,
  stft: function (this: Tensor, ...args: unknown[]) { return (stft as unknown as (x: Tensor, ...a: unknown[]) => Tensor)(this, ...args); } as unknown as Torch113Methods["stft"],
  istft(...args) { return istft(this, ...args); },
};
for (const [k, v] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, k, { value: v, writable: true, configurable: true, enumerable: false });
}

/** Built-in layer -> the aten op PyTorch's forward dispatches to (for the profiler's module events). */
const MODULE_OPS: Record<string, string> = {
  Linear: "linear", Bilinear: "bilinear", Conv1d: "conv1d", Conv2d: "conv2d", Conv3d: "conv3d",
  ConvTranspose1d: "conv_transpose1d", ConvTranspose2d: "conv_transpose2d", ConvTranspose3d: "conv_transpose3d",
  BatchNorm1d: "batch_norm", BatchNorm2d: "batch_norm", BatchNorm3d: "batch_norm", LayerNorm: "layer_norm", GroupNorm: "group_norm",
  InstanceNorm1d: "instance_norm", InstanceNorm2d: "instance_norm", InstanceNorm3d: "instance_norm",
  ReLU: "relu", ReLU6: "hardtanh", LeakyReLU: "leaky_relu", GELU: "gelu", SiLU: "silu", ELU: "elu", SELU: "selu", Sigmoid: "sigmoid", Tanh: "tanh",
  Softmax: "softmax", LogSoftmax: "log_softmax", Dropout: "dropout", Dropout2d: "dropout2d", Embedding: "embedding", Flatten: "flatten",
  MaxPool1d: "max_pool1d", MaxPool2d: "max_pool2d", MaxPool3d: "max_pool3d", AvgPool1d: "avg_pool1d", AvgPool2d: "avg_pool2d", AvgPool3d: "avg_pool3d",
  AdaptiveAvgPool1d: "adaptive_avg_pool1d", AdaptiveAvgPool2d: "adaptive_avg_pool2d", AdaptiveAvgPool3d: "adaptive_avg_pool3d",
  AdaptiveMaxPool2d: "adaptive_max_pool2d", CrossEntropyLoss: "cross_entropy_loss", MSELoss: "mse_loss", NLLLoss: "nll_loss",
  LSTM: "lstm", GRU: "gru", RNN: "rnn_tanh", MultiheadAttention: "_native_multi_head_attention",
};

/** Registers torch / F / Tensor methods / built-in modules as what a running profiler records. */
export function installTorch113Names(torch: Record<string, unknown>, F: object): void {
  const namespaces = [torch, F, torch.linalg, torch.special, torch.fft].filter((n): n is object => typeof n === "object" && n !== null);
  registerProfilerTargets({
    namespaces,
    tensorProto: Tensor.prototype,
    moduleProto: Module.prototype,
    moduleOp: (m) => {
      const cls = (m.constructor as { __name__?: string }).__name__ ?? m.constructor.name;
      // Only the exact built-in classes: a user's subclass may compute something else.
      return Object.prototype.hasOwnProperty.call(MODULE_OPS, cls) ? MODULE_OPS[cls] : null;
    },
  });
  Object.assign(torch.linalg as object, linalgDecompositions);
  installMemoryFormats(Tensor.prototype as unknown as Record<string, unknown>);
  installModuleMemoryFormat(Module.prototype as unknown as Record<string, unknown>);
  if (typeof torch.distributions === "object" && torch.distributions !== null) installDistributionExtras(torch.distributions as Record<string, unknown>);
  for (const name of ["empty_like", "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "randint_like"]) {
    if (typeof torch[name] === "function") torch[name] = likeWithFormat(torch[name] as (x: Tensor) => Tensor, name);
  }
  torch.empty = emptyWithFormat(torch.empty as () => Tensor);
  const autograd = torch.autograd as Record<string, unknown>;
  Object.assign(autograd, { profiler: autogradProfilerNamespace, forward_ad });
  // Python's torch.sparse module holds the torch module it imports, and capsule-network tutorials write
  // torch.sparse.torch.eye(10).index_select(...) (gram-ai, higgsfield): the same namespace, not listed among sparse's names
  if (typeof torch.sparse === "object" && torch.sparse !== null) Object.defineProperty(torch.sparse, "torch", { value: torch, enumerable: false });
}
