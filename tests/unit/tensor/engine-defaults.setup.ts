/**
 * Setup of the engine's vitest projects ("tensor", "tensor-ts-kernels"), which run without
 * per-file isolation (vitest.config.mts): the files a worker runs share one loaded copy of
 * lib/tensor instead of each loading the whole engine anew, which cost more time than the tests.
 *
 * The price is that the engine's process-wide settings outlive a file. Vitest runs this file
 * again before every test file (before the file itself is imported, so its top-level code sees
 * the defaults too); it puts each setting back to what a fresh load of the engine has, so no file
 * depends on what an earlier one left behind, in whatever order the files run. The defaults are
 * captured on the first run in the worker, before any test file has run.
 */
import { afterAll, beforeEach, vi } from "vitest";
import { get_default_dtype, set_default_dtype } from "../../../lib/tensor/default_dtype";
import { is_anomaly_enabled, is_grad_enabled, set_detect_anomaly, set_grad_enabled } from "../../../lib/tensor/autograd/grad_mode";
import { are_deterministic_algorithms_enabled, backends, use_deterministic_algorithms } from "../../../lib/tensor/device";
import { get_printoptions, set_printoptions } from "../../../lib/tensor/format";
import { default_generator } from "../../../lib/tensor/random";
import { kernels } from "../../../lib/tensor/kernels/registry";
import { disableThreads } from "../../../lib/tensor/kernels/parallel";
import { setConvChunkFloats } from "../../../lib/tensor/kernels/conv_gemm";
import { get_dataset_source, set_dataset_source } from "../../../lib/tensor/utils/data/source";
import { clearPools } from "../../../lib/tensor/buffer_pool";
import { globalBackwardHooks, globalForwardHooks, globalForwardPreHooks } from "../../../lib/tensor/nn/global_hooks";
import { forgetShownWarnings } from "../../../lib/tensor/warnings";

type KernelTable = typeof kernels;

interface EngineDefaults {
  dtype: ReturnType<typeof get_default_dtype>;
  grad: boolean;
  anomaly: boolean;
  deterministic: boolean;
  cudnn: typeof backends.cudnn;
  print: ReturnType<typeof get_printoptions>;
  generator: ReturnType<typeof default_generator.get_state>;
  kernels: KernelTable;
  convChunk: number;
  datasetSource: ReturnType<typeof get_dataset_source>;
}

const KEY = "__gradbookEngineDefaults";
const store = globalThis as typeof globalThis & { [KEY]?: EngineDefaults };

function capture(): EngineDefaults {
  const convChunk = setConvChunkFloats(0);
  setConvChunkFloats(convChunk);
  return {
    dtype: get_default_dtype(),
    grad: is_grad_enabled(),
    anomaly: is_anomaly_enabled(),
    deterministic: are_deterministic_algorithms_enabled(),
    cudnn: { ...backends.cudnn },
    print: get_printoptions(),
    generator: default_generator.get_state(),
    // The unary tables are copied: selectBackend and registerUnaryKernel change them in place.
    kernels: { ...kernels, unary: { ...kernels.unary }, unaryGrad: { ...kernels.unaryGrad } },
    convChunk,
    datasetSource: get_dataset_source(),
  };
}

/** Makes `target` hold exactly the entries of `source` (a test may have added a kernel name). */
function restoreTable<T extends object>(target: T, source: T): void {
  for (const key of Object.keys(target)) if (!(key in source)) delete (target as Record<string, unknown>)[key];
  Object.assign(target, source);
}

function restore(d: EngineDefaults): void {
  // First: a pool left running would put its GEMM back into the table afterwards.
  disableThreads();
  const { unary, unaryGrad, ...rest } = d.kernels;
  for (const key of Object.keys(kernels)) if (!(key in d.kernels)) delete (kernels as unknown as Record<string, unknown>)[key];
  Object.assign(kernels, rest);
  restoreTable(kernels.unary, unary);
  restoreTable(kernels.unaryGrad, unaryGrad);
  set_default_dtype(d.dtype);
  set_grad_enabled(d.grad);
  set_detect_anomaly(d.anomaly);
  use_deterministic_algorithms(d.deterministic);
  Object.assign(backends.cudnn, d.cudnn);
  set_printoptions(d.print);
  default_generator.set_state(d.generator);
  setConvChunkFloats(d.convChunk);
  // Also empties the loaded-files cache.
  set_dataset_source(d.datasetSource);
  // A fresh engine starts with empty buffer pools; a file that plants buffers must find room.
  clearPools();
  // Hooks on every module (nn.modules.module.register_module_*_hook): a fresh engine has none.
  for (const hooks of [globalForwardPreHooks, globalForwardHooks, globalBackwardHooks]) hooks.clear();
  // A fresh engine has shown no warning yet (warnings.ts shows each message once).
  forgetShownWarnings();
}

if (store[KEY]) restore(store[KEY]);
else store[KEY] = capture();

// Each test sees every warning again: an engine warning is shown once per message (as Python's default
// filter shows one per call site), so a test asserting one must not depend on which test warned first.
beforeEach(() => {
  forgetShownWarnings();
});

// A spy a failing test did not get to restore (console.warn silenced) would outlive the file.
afterAll(() => {
  vi.restoreAllMocks();
});
