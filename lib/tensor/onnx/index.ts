/**
 * torch.onnx: `export(model, sample, options?)` writes an ONNX model's bytes (see ./export.ts);
 * `describe(bytes)` reads a model's graph back (inputs, outputs, initializers, nodes), which is
 * how a notebook shows what was exported. Neither needs a host API.
 */
import { decodeModel } from "./proto";
import { DEFAULT_OPSET, exportModel, supportedModules, SUPPORTED_OPSETS } from "./export";

export type { ExportOptions, DynamicAxes } from "./export";
export type { ModelInfo, ValueSpec } from "./proto";

export const onnx = {
  export: exportModel,
  describe: (bytes: Uint8Array): ReturnType<typeof decodeModel> => decodeModel(bytes),
  supported_modules: supportedModules,
  SUPPORTED_OPSETS,
  DEFAULT_OPSET,
};
