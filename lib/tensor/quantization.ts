/**
 * torch.quantization / torch.ao.quantization and the quantized dtypes (torch.qint8, quint8,
 * qint32), as names that refuse: the engine has no quantized tensors and no int8 kernels.
 *
 * Why refuse instead of returning the model: the "Dynamic Quantization" recipe calls
 * quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8) and then compares the model's size,
 * speed and outputs with the float model's. Handing the float model back would make every one
 * of those comparisons a quiet lie (same size, same speed, identical outputs), so each entry
 * point raises one NotImplementedError that names itself, says nothing was changed and what to
 * do instead. Nothing is modified before the error.
 */
import { NotImplementedError } from "./errors";
import { UnsupportedDType } from "./dtype_unsupported";

const WHY =
  "quantized models are not supported by Gradbook's tensor engine (it has no qint8 / quint8 tensors and no int8 kernels)";
const INSTEAD = "The model was not changed and still runs in float32; run the quantization recipes in PyTorch itself.";

function refuse(name: string): never {
  throw new NotImplementedError(`${name}: ${WHY}. ${INSTEAD}`);
}

/** A function of torch.quantization that raises the explanation, whatever it is given. */
function refusing(name: string): (...args: unknown[]) => never {
  const fn: (...args: unknown[]) => never = () => refuse(`torch.quantization.${name}`);
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

/** QuantStub / DeQuantStub: constructing one raises (a model that needs them cannot run here). */
class QuantStub {
  constructor() {
    refuse("torch.quantization.QuantStub");
  }
}
class DeQuantStub {
  constructor() {
    refuse("torch.quantization.DeQuantStub");
  }
}

const NAMES = [
  "quantize_dynamic", "quantize", "quantize_qat", "prepare", "prepare_qat", "convert", "fuse_modules",
  "get_default_qconfig", "get_default_qat_qconfig", "add_observer_", "propagate_qconfig_",
] as const;

export const quantization = {
  ...(Object.fromEntries(NAMES.map((n) => [n, refusing(n)])) as Record<(typeof NAMES)[number], (...args: unknown[]) => never>),
  QuantStub,
  DeQuantStub,
};

const ADVICE = "Quantized tensors (torch.quantize_per_tensor, torch.quantization) are not supported; use torch.float32.";

/** torch.qint8 / quint8 / qint32: printable names that refuse to make a tensor, as the other unsupported dtypes. */
export const quantizedDtypes = {
  qint8: new UnsupportedDType("qint8", ADVICE),
  quint8: new UnsupportedDType("quint8", ADVICE),
  qint32: new UnsupportedDType("qint32", ADVICE),
};

/** torch.quantize_per_tensor / quantize_per_channel / torch.ao.quantization. */
export const quantizationTorchNames = {
  quantization,
  ao: { quantization },
  quantize_per_tensor: ((() => refuse("torch.quantize_per_tensor")) as (...args: unknown[]) => never),
  quantize_per_channel: ((() => refuse("torch.quantize_per_channel")) as (...args: unknown[]) => never),
  ...quantizedDtypes,
};
