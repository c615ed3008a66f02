/**
 * The torch.* names index.ts adds to torch.ts's core once nn exists, and the last steps on
 * Tensor.prototype. The api/ folder is the layer between the op families in ops/ and the public
 * surface: each of its modules holds one family's Tensor methods (installed by tensor.ts, typed by
 * a merged interface) and/or torch.* functions (spread by torch.ts, or by index.ts through this module):
 *   elementwise_math, dtype_creation, inplace, indexing, random_fills, bitwise, special_functions
 *   alias_methods          second names and legacy forms of methods (divide, ndimension, new, resize_, ...)
 *   torch_functional       nn.functional ops under torch.* in torch's own argument orders
 *   torch_utility_functions  torch.range, Size, typename, asarray, ...
 *   torch_1_13_names       torch 1.13 names across namespaces (profiler, lu, stft, memory formats, ...)
 *   named_tensors          x.names ([null, ...]) and rename / refine_names of unnamed tensors; names refused
 * Importing this module installs the method aliases and, after every method is on the prototype,
 * the arity checks of fixed-signature methods (ops/fixed_arity.ts): index.ts imports it right after torch.ts.
 */
import { torchFunctionalForms } from "./torch_functional";
import { Tensor } from "../tensor";
import { unsupportedDtypes } from "../dtype_unsupported";
import { quantizationTorchNames } from "../quantization";
import { jit } from "../jit";
import { distributed, fx, hub } from "../refused_namespaces";
import { installTensorArityChecks, withFixedArityAll } from "../ops/fixed_arity";
import { nextafter } from "../ops/nextafter";
import * as windows from "../ops/windows";
import { denseOnlyFunctions, installAliasMethods } from "./alias_methods";
import { installNamedTensors } from "./named_tensors";
import { inplaceFunctions } from "./inplace";
import { torchUtilityFunctions } from "./torch_utility_functions";
import { missingNamesA } from "./torch_missing_names_a";
import { compile } from "../compile";
import { vmap } from "../functorch/vmap";
import { missingNamesB } from "./torch_missing_names_b";
import { installStorageMethods } from "./storage";

installAliasMethods(Tensor.prototype);
installNamedTensors(Tensor.prototype); // x.names / rename(null) for unnamed tensors; names themselves refused (named_tensors.ts)
installStorageMethods(Tensor.prototype); // x.storage(): torch's TypedStorage of the shared buffer (storage.ts)
// After every method is on the prototype: fixed-signature methods refuse extra arguments (ops/fixed_arity.ts).
installTensorArityChecks(Tensor.prototype);

const torchAdditionsAll = {
  ...unsupportedDtypes,
  ...quantizationTorchNames, // torch.quantization / ao.quantization / qint8 ...: refused with one clear error (quantization.ts)
  jit, // torch.jit.script / trace / save / load: refused with one clear error (jit.ts)
  compile, // torch.compile(model): the model itself, as every op here runs eagerly (compile.ts)
  vmap, // torch.vmap, the same function as torch.func.vmap
  hub, fx, distributed, // refused with one clear error each (refused_namespaces.ts)
  ...torchUtilityFunctions,
  ...inplaceFunctions(),
  ...torchFunctionalForms,
  ...missingNamesA, // *_copy forms, torch.acosh_ ... in-place forms, fill, empty_strided, constant_pad_nd (torch_missing_names_a.ts)
  ...missingNamesB, // rnn_tanh_cell / rnn_relu_cell / lstm_cell / gru_cell, frobenius_norm, nuclear_norm, histogramdd, native_layer_norm, native_dropout (torch_missing_names_b.ts)
  ...denseOnlyFunctions, // split_with_sizes / unsafe_* aliases; sparse constructors refused (alias_methods.ts)
  hann_window: windows.hann_window, hamming_window: windows.hamming_window, blackman_window: windows.blackman_window,
  bartlett_window: windows.bartlett_window, kaiser_window: windows.kaiser_window,
  nextafter,
  e: Math.E,
  pi: Math.PI,
  inf: Infinity,
  nan: NaN,
};

// Operand-only functions among them (torch.nextafter, is_signed, relu_, ...) refuse extra arguments, as torch.ts's.
export const torchAdditions = { ...torchAdditionsAll, ...withFixedArityAll(torchAdditionsAll, undefined, undefined, "torch") };
