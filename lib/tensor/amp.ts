/**
 * Automatic mixed precision as PyTorch 1.13 behaves on a CPU-only build, which is what this engine
 * is: torch.autocast / torch.cuda.amp.autocast / torch.cpu.amp.autocast and torch.cuda.amp.GradScaler.
 *
 * The "Automatic Mixed Precision" recipe runs unchanged there: autocast("cuda", ...) warns that CUDA
 * is not available and runs its body in full precision, and a GradScaler asked to be enabled warns
 * and disables itself (scale() returns the loss as is, step() is optimizer.step(), update() and
 * unscale_() do nothing, state_dict() is {}). CPU autocast computes in bfloat16, a dtype the engine
 * does not store, so enabling it raises instead of silently staying in float32.
 *
 * The context manager `with torch.autocast(device_type="cuda", enabled=use_amp): body` is written
 * like torch.no_grad here: torch.autocast("cuda", { enabled: use_amp }, () => body) returns body's result.
 */
import { checkNoMoreArgs, isOptions, parseArgs } from "./args";
import type { DType } from "./dtype";
import { type UnsupportedDType, unsupportedDtypes } from "./dtype_unsupported";
import { RuntimeError, TypeError_ } from "./errors";
import type { Tensor } from "./tensor";
import { warnOnce } from "./warnings";

/** float16 and bfloat16 are named by the engine but not stored (dtype_unsupported.ts). */
const { float16, bfloat16 } = unsupportedDtypes;
type AnyDType = DType | UnsupportedDType;

interface AutocastOptions {
  device_type: string;
  dtype: AnyDType | null;
  enabled: boolean;
  cache_enabled: boolean | null;
}

/** The autocast state torch.is_autocast_enabled() and friends report; never switched on here. */
const state = { gpuDtype: float16 as AnyDType, cpuDtype: bfloat16 as AnyDType };

function splitBody<T>(fn: string, args: unknown[]): { rest: unknown[]; body: () => T } {
  const body = args[args.length - 1];
  if (typeof body !== "function") {
    throw new TypeError_(`${fn}(): pass the code to run as the last argument, as with torch.no_grad(() => ...): ${fn}(..., () => { ... })`);
  }
  return { rest: args.slice(0, -1), body: body as () => T };
}

function runAutocast<T>(fn: string, o: Partial<AutocastOptions>, body: () => T): T {
  const device = o.device_type;
  if (typeof device !== "string") throw new TypeError_(`${fn}() missing 1 required positional argument: 'device_type'`);
  if (device !== "cuda" && device !== "cpu") throw new RuntimeError("User specified autocast device_type must be 'cuda' or 'cpu'");
  const enabled = o.enabled ?? true;
  if (typeof enabled !== "boolean") throw new TypeError_(`${fn}(): argument 'enabled' must be bool, not ${typeof enabled}`);
  if (!enabled) return body();
  if (device === "cuda") {
    warnOnce("UserWarning: User provided device_type of 'cuda', but CUDA is not available. Disabling");
    return body();
  }
  const dtype = o.dtype ?? state.cpuDtype;
  if (dtype !== bfloat16) {
    // torch 1.13 warns that it disables autocast, then its __enter__ still rejects the dtype.
    warnOnce("UserWarning: In CPU autocast, but the target dtype is not supported. Disabling autocast.\nCPU Autocast only supports dtype of torch.bfloat16 currently.");
    throw new RuntimeError("Currently, AutocastCPU only support Bfloat16 as the autocast_cpu_dtype");
  }
  throw new RuntimeError(
    "autocast(device_type='cpu') computes in torch.bfloat16, which Gradbook's tensor engine does not store (float32, float64, int64, int32, int16, int8, uint8 and bool only). " +
      "Run the block in float32 with enabled: false, or use device_type 'cuda', which is disabled (with a warning) when CUDA is not available, as in PyTorch.",
  );
}

/** torch.autocast(device_type, dtype?, enabled?, cache_enabled?, body) or torch.autocast({ device_type, ... }, body). */
export function autocast<T>(...args: [...options: unknown[], body: () => T]): T {
  const { rest, body } = splitBody<T>("autocast", args);
  const o = parseArgs<AutocastOptions>("autocast", ["device_type", "dtype", "enabled", "cache_enabled"], rest);
  return runAutocast("autocast", o, body);
}

/** torch.cuda.amp.autocast / torch.cpu.amp.autocast(enabled?, dtype?, cache_enabled?, body): autocast with the device fixed. */
function deviceAutocast(device: "cuda" | "cpu", defaultDtype: AnyDType) {
  return <T>(...args: [...options: unknown[], body: () => T]): T => {
    const { rest, body } = splitBody<T>("autocast", args);
    const o = parseArgs<AutocastOptions>("autocast", ["enabled", "dtype", "cache_enabled"], rest);
    return runAutocast("autocast", { ...o, device_type: device, dtype: o.dtype ?? defaultDtype }, body);
  };
}

interface GradScalerOptions {
  init_scale: number;
  growth_factor: number;
  backoff_factor: number;
  growth_interval: number;
  enabled: boolean;
}

interface Steppable {
  step(...args: unknown[]): unknown;
}

/**
 * torch.cuda.amp.GradScaler on a CPU-only build: always disabled (a warning if it was asked to be
 * enabled), so every method is the pass-through PyTorch's disabled scaler is.
 */
export class GradScaler {
  private readonly enabled = false;

  constructor(...args: unknown[]) {
    const o = parseArgs<GradScalerOptions>("GradScaler.__init__", ["init_scale", "growth_factor", "backoff_factor", "growth_interval", "enabled"], args);
    if (o.enabled ?? true) warnOnce("UserWarning: torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.");
  }

  /** The outputs (a tensor or a nested array / object of them) multiplied by the scale: unchanged when disabled. */
  scale<T extends Tensor | unknown[] | Record<string, unknown>>(outputs: T): T {
    return outputs;
  }

  /** Divides the optimizer's gradients by the scale: nothing to do when disabled. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  unscale_(_optimizer: Steppable): void {}

  /** optimizer.step(...args), skipped in PyTorch only when the scaled gradients overflowed. */
  step(optimizer: Steppable, ...args: unknown[]): unknown {
    if (!optimizer || typeof optimizer.step !== "function") throw new TypeError_("GradScaler.step(): expected an optimizer");
    return optimizer.step(...args);
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  update(_new_scale?: number | Tensor | null): void {}

  get_scale(): number {
    return 1.0;
  }

  is_enabled(): boolean {
    return this.enabled;
  }

  state_dict(): Record<string, unknown> {
    return {};
  }

  /** A disabled scaler ignores the state it is given, as PyTorch's. */
  load_state_dict(state_dict: Record<string, unknown>): void {
    if (!isOptions(state_dict)) throw new TypeError_("GradScaler.load_state_dict(): expected a dict");
  }
}

export const cudaAmp = { autocast: deviceAutocast("cuda", float16), GradScaler };
export const cpuAmp = { autocast: deviceAutocast("cpu", bfloat16) };

/** torch.is_autocast_enabled() and friends: autocast never becomes active here. They take no arguments. */
export const autocastState = {
  is_autocast_enabled: (...extra: unknown[]): boolean => (checkNoMoreArgs("is_autocast_enabled", extra), false),
  is_autocast_cpu_enabled: (...extra: unknown[]): boolean => (checkNoMoreArgs("is_autocast_cpu_enabled", extra), false),
  get_autocast_gpu_dtype: (...extra: unknown[]): AnyDType => (checkNoMoreArgs("get_autocast_gpu_dtype", extra), state.gpuDtype),
  get_autocast_cpu_dtype: (...extra: unknown[]): AnyDType => (checkNoMoreArgs("get_autocast_cpu_dtype", extra), state.cpuDtype),
};
