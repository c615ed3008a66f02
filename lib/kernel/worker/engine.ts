import * as engine from "../../tensor";

/** The engine's names, in scope in every cell as they would be after `import torch`. */
export function engineGlobals(): Record<string, unknown> {
  return { torch: engine.torch, nn: engine.nn, F: engine.F, optim: engine.optim, utils: engine.utils, Tensor: engine.Tensor, torchvision: engine.torchvision, transforms: engine.torchvision.transforms };
}

/** What `import ... from "torch"` resolves to inside a cell. */
export function engineModules(): Record<string, Record<string, unknown>> {
  const exports = { ...engineGlobals(), default: engine.torch };
  const torchvision = { ...engine.torchvision, default: engine.torchvision };
  return { torch: exports, gradbook: exports, "@gradbook/torch": exports, torchvision };
}
