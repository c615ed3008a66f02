/**
 * Gradbook's tensor engine: a PyTorch-shaped API in TypeScript, with no DOM, Node or runtime
 * dependencies, so the same code runs in the cell worker, in Node tests and in the grader.
 *
 *   import { torch, nn, F, optim, utils } from "@/lib/tensor";
 *
 *   torch        tensors, autograd, creation, seeded RNG (see ./core.ts for the full list), plus
 *                torch.nn, torch.optim, torch.utils, torch.save and torch.load for convenience
 *                torch.special (expit, ndtr, gammaln, ...), torch.finfo / iinfo, get/set_default_dtype (core.ts)
 *                torch.distributions (every torch 1.13 class, Distribution, transforms, constraints, kl_divergence / register_kl; distributions/),
 *                torch.fft (fftfreq, rfftfreq, fftshift, ifftshift; transforms and complex dtypes raise: complex.ts)
 *                torch.relu_(x) ... (in-place forms), torch.conv2d / dropout / batch_norm / embedding / kl_div ... in torch's
 *                own argument orders, torch.e / pi / inf / nan (api/index.ts)
 *                refused with one clear NotImplementedError each (nothing changed): torch.quantization / ao.quantization
 *                and qint8 / quint8 (quantization.ts), torch.jit (jit.ts), torch.hub, torch.fx, torch.distributed
 *                (refused_namespaces.ts; distributed.is_available() is false)
 *   nn           Module (callable, hooks, state_dict), layers, activations, losses, Parameter,
 *                nn.functional (=== F), nn.init, nn.register_module
 *                nn.init also: eye_, dirac_, trunc_normal_, orthogonal_, sparse_ (seeded like PyTorch)
 *                nn.utils also: weight_norm / remove_weight_norm, spectral_norm / remove_spectral_norm (hook-based, as 1.13)
 *                nn.utils.prune (the pruning methods, global_unstructured, remove, is_pruned; nn/utils/prune.ts),
 *                nn.utils.parametrize (register_parametrization, cached, ...) and parametrizations.orthogonal / spectral_norm,
 *                nn.utils.stateless.functional_call, skip_init, fusion.fuse_conv_bn_eval / fuse_linear_bn_eval
 *                more activations: hardswish, hardsigmoid, mish, logsigmoid, softsign, soft/hard/tanhshrink,
 *                threshold, celu, glu, rrelu, softmin (F and module), Softmax2d
 *                dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout (F and module)
 *                normalize, group_norm / GroupNorm, instance_norm / InstanceNorm1d/2d/3d, local_response_norm / LocalResponseNorm
 *                losses: margin_ranking, hinge_embedding, soft_margin, multilabel_soft_margin, multi_margin, multilabel_margin,
 *                triplet_margin, gaussian_nll, poisson_nll (F and module); pairwise_distance / PairwiseDistance, pdist
 *                resampling: interpolate / Upsample(+Nearest2d, Bilinear2d), upsample*, pixel_(un)shuffle / PixelShuffle,
 *                PixelUnshuffle, affine_grid, grid_sample (2-D)
 *                layers: bilinear / Bilinear, max_unpool1d/2d / MaxUnpool1d/2d, embedding_bag / EmbeddingBag, Unflatten
 *                3-D: conv3d / Conv3d, conv_transpose3d / ConvTranspose3d, max_pool3d / MaxPool3d, avg_pool3d / AvgPool3d (on the 2-D kernels), BatchNorm3d,
 *                max_unpool3d / MaxUnpool3d, adaptive_avg_pool3d / adaptive_max_pool3d / AdaptiveAvgPool3d / AdaptiveMaxPool3d
 *                LazyLinear, LazyConv1d/2d/3d, LazyBatchNorm1d/2d/3d (input size from the first call, then the real layer)
 *                gumbel_softmax, channel_shuffle / ChannelShuffle, lp_pool1d/2d / LPPool1d/2d,
 *                triplet_margin_with_distance_loss / TripletMarginWithDistanceLoss, F.relu_ / elu_ / ... / threshold_ (in place)
 *   optim        SGD, Adam, AdamW, RMSprop, Optimizer (state_dict / load_state_dict in PyTorch's layout),
 *                Adagrad, Adadelta, Adamax, NAdam, RAdam, Rprop, ASGD, LBFGS (step(closure), line_search_fn "strong_wolfe"),
 *                lr_scheduler: StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LambdaLR, ConstantLR,
 *                LinearLR, SequentialLR, OneCycleLR, ReduceLROnPlateau
 *                MultiplicativeLR, PolynomialLR, ChainedScheduler, CosineAnnealingWarmRestarts (fractional step(epoch)), CyclicLR
 *   utils.data   Dataset, TensorDataset, DataLoader, random_split, make_moons / make_circles /
 *                make_spirals / make_blobs, load_mnist, set_dataset_source, sequence tasks
 *                (copy/reverse/sort/add_task), SONNETS + CharDataset for char-level models
 *   utils.tensorboard  SummaryWriter without TensorBoard: add_scalar / add_scalars / add_text kept in memory
 *                (writer.scalars / texts, one UserWarning per writer); images, graphs, histograms refused
 *   utils.benchmark  Timer, Measurement (utils/benchmark.ts)
 *
 * Hosts must register where dataset files come from before load_mnist is used:
 *   utils.data.set_dataset_source(async (name) => Uint8Array)   // e.g. fetch(`/data/${name}`)
 *
 * torch.save(model | state_dict | checkpoint, "name.pt"?) -> Uint8Array (safetensors layout; a checkpoint is a plain
 * object such as { epoch, model_state_dict, optimizer_state_dict, loss }, see checkpoint.ts); torch.load(bytes |
 * "name.pt") -> Module (when saved from a module: custom classes need nn.register_module first) or a
 * state dict. Named files live in an in-memory store unless the host installs one (set_file_store).
 *
 * torch.onnx.export(model, sample, { input_names, output_names, dynamic_axes, opset_version }) -> Uint8Array, an ONNX
 * model of a Sequential of known layers (see onnx/export.ts); torch.onnx.describe(bytes) reads its graph back.
 */
import { torchCore } from "./torch";
import { torchAdditions } from "./api/index";
import { installTorch113Names, torch113Names } from "./api/torch_1_13_names";
import { defineComplexDtypes } from "./complex";
import type { complexDtypes } from "./complex_dtype";
import { complexFactory, type ComplexFactories, type ComplexTorchFunctions } from "./complex_tensor";
import * as nn from "./nn/index";
import type { Functional } from "./nn/functional/index";
import { deepcopy } from "./nn/deepcopy";
import * as optim from "./optim/index";
import { load, save } from "./serialize";
import { onnx } from "./onnx/index";
import { func, functorch } from "./functorch/index";
import * as utils from "./utils/index";
import { keepClassNames } from "./class-names";
import { Tensor as TensorClass } from "./tensor";
import type { TorchWithOperandKeywords } from "./tensor_operand_keywords";
import type { SparseTorchFunctions } from "./sparse/torch_types"; // also the Tensor methods' (a module augmentation)
import { Generator as GeneratorClass } from "./random";
import { torchvision } from "./vision/index";
import { installTensorInputChecks } from "./non_tensor_input";

// Minified bundles rename classes: print `Linear(...)`, not `cL(...)` (see ./class-names.ts).
for (const namespace of [nn, optim, optim.lr_scheduler, optim.swa_utils, utils.data, { Tensor: TensorClass, Generator: GeneratorClass }, torchvision.transforms]) keepClassNames(namespace);

/** nn.functional, the same object as nn.functional. */
export const F: Functional = nn.functional;

const torchNamespace = { ...torchCore, ...torchAdditions, ...torch113Names, nn, optim, utils, save, load, onnx, func };
/**
 * torch.<fn>(z) of a complex tensor (torch.abs(z), torch.exp(z), torch.real(torch.fft.fft(x)), torch.cat([z, w])), which
 * non_tensor_input.ts hands to complex_tensor.ts at run time: those of ComplexTorchFunctions that torch has, after its
 * real signatures.
 */
type TorchOnComplex = Pick<ComplexTorchFunctions, keyof ComplexTorchFunctions & keyof typeof torchNamespace>;
/** torch.mm(S, D), torch.mul(S, D), torch.addmm(M, S, D) ... with a sparse COO operand (sparse/torch_types.ts). */
type TorchOnSparse = Pick<SparseTorchFunctions, keyof SparseTorchFunctions & keyof typeof torchNamespace>;
/**
 * The core torch namespace extended with the submodules, as `import torch` gives in Python. Typed with the keyword
 * forms of the fixed-signature functions' operands (torch.unsqueeze(x, { dim: 1 }), torch.add({ input, other }):
 * ops/fixed_arity.ts's OPERAND_NAMES reads them at run time).
 */
export const torch = torchNamespace as ComplexFactories & TorchWithOperandKeywords<typeof torchNamespace> & typeof complexDtypes & TorchOnComplex & TorchOnSparse;
installTorch113Names(torch, nn.functional);
// torch.sum(3), F.relu(null): torch 1.13's TypeError, not a JavaScript error from inside (./non_tensor_input.ts)
for (const [prefix, ns] of [["torch", torch], ["torch.linalg", torch.linalg], ["torch.special", torch.special], ["torch.fft", torch.fft], ["F", nn.functional]] as const) {
  installTensorInputChecks(ns, prefix);
}
defineComplexDtypes(torch); // non-enumerable: the spread above does not copy them
// torch.zeros / ones / empty / rand / randn(..., { dtype: torch.complex64 }): complex tensors (complex_tensor.ts)
for (const name of ["zeros", "ones", "empty", "rand", "randn"] as const) {
  (torch as unknown as Record<string, unknown>)[name] = complexFactory(name, torch[name] as unknown as (...a: unknown[]) => TensorClass);
}

export type Torch = typeof torch;

export { nn, optim, utils, save, load, functorch };
/** Python's copy module for modules, tensors and state_dicts: copy.deepcopy(module) clones without re-initialising. */
export const copy = { deepcopy };
/** torchvision 0.14: transforms (+ functional), datasets.MNIST, Image (./vision/index.ts). */
export { torchvision };
export { load_tensors, save_tensors, set_file_store, ARCHITECTURE_KEY, type FileStore } from "./serialize";
export { Tensor, isTensor, isGenuineTensor } from "./tensor";
export { ComplexTensor } from "./complex_tensor";
export type { ComplexDType } from "./complex_dtype";
export type { DType, Storage } from "./dtype";
export { Generator } from "./random";
export { enableThreads, disableThreads, threadsReady, getNumThreads, type ThreadSpawner, type ThreadInit, type ThreadHandle } from "./kernels/parallel";
export { TorchError, RuntimeError, IndexError, TypeError_, ValueError } from "./errors";
export type { Module, Parameter, StateDict, IncompatibleKeys, RemovableHandle } from "./nn/index";
export type { Optimizer } from "./optim/index";
export type { DataLoader, Dataset, TensorDataset } from "./utils/data/index";
