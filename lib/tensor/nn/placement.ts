/**
 * Where a module's tensors live and in which dtype: the argument parsing behind Module.to(),
 * .cpu(), .cuda() and .half(). The engine runs on the CPU with float32 and float64 storage, so
 * "cpu" and float32/float64 are honoured (float64 converts for real) and anything else is a
 * clear error rather than a silent no-op that would mislead a learner copying GPU code.
 */
import { float32, float64, type DType } from "../dtype";
import { RuntimeError, TypeError_ } from "../errors";
import { checkDevice, isDeviceLike, type DeviceLike } from "../device";

export { checkDevice, type DeviceLike };
import { Tensor } from "../tensor";

/** What Module.to(...) was asked for: a dtype to convert floating tensors to, or nothing. */
export interface Placement {
  dtype: DType | null;
}

export interface ToOptions {
  device?: DeviceLike | null;
  dtype?: DType | null;
  non_blocking?: boolean;
  copy?: boolean;
}

function isDType(v: unknown): v is DType {
  return v === float32 || v === float64 || (typeof v === "object" && v !== null && typeof (v as DType).is_floating_point === "boolean" && "itemsize" in v);
}

/** Module.to(device?, dtype?, non_blocking?) / to(dtype) / to(tensor) / to({ device, dtype }). */
export function parseModuleTo(args: readonly unknown[]): Placement {
  let dtype: DType | null = null;
  for (const a of args) {
    if (a === undefined || a === null || typeof a === "boolean") continue;
    if (isDType(a)) dtype = a;
    else if (a instanceof Tensor) dtype = a.dtype;
    else if (isDeviceLike(a)) checkDevice(a);
    else if (typeof a === "object") {
      const o = a as ToOptions;
      for (const k of Object.keys(o)) {
        if (!["device", "dtype", "non_blocking", "copy", "memory_format"].includes(k)) throw new TypeError_(`to() got an unexpected keyword argument '${k}'`);
      }
      checkDevice(o.device);
      if (o.dtype) dtype = o.dtype;
    } else throw new TypeError_(`to() received an invalid combination of arguments: ${typeof a}`);
  }
  if (dtype && !dtype.is_floating_point) {
    throw new TypeError_(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${String(dtype)}`);
  }
  return { dtype };
}

/** .half() / .bfloat16(): no 16-bit storage in this engine. */
export function unsupportedPrecision(name: "half" | "bfloat16"): RuntimeError {
  const dt = name === "half" ? "torch.float16" : "torch.bfloat16";
  return new RuntimeError(
    `${name}(): ${dt} is not supported by Gradbook's tensor engine, which stores float32 and float64 only. ` +
      "Use .float() (float32, the default) or .double() (float64).",
  );
}
