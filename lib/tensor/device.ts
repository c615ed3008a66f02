/**
 * Devices as PyTorch code names them: torch.device, torch.cuda, torch.backends, and the
 * device check behind Tensor.to / Module.to. The engine runs on the CPU (in the notebook's
 * worker, in Node and in the grader), so the usual preamble of a tutorial works unchanged:
 *
 *   const device = torch.cuda.is_available() ? "cuda" : "cpu";   // "cpu"
 *   model.to(device); x = x.to(device);
 *
 * A device object may name "cuda" (PyTorch allows building one without a GPU); moving a
 * tensor or module there is a clear error rather than a silent no-op that would mislead a
 * learner copying GPU code.
 */
import { AssertionError, RuntimeError, TorchError, TypeError_ } from "./errors";
import { isOptions, parseArgs, type PyArgs } from "./args";
import type { legacyConstructors } from "./ops/legacy_constructors";

/** torch 1.13's device types, in its own order (the 'Expected one of ...' message lists them). */
const KNOWN_KINDS = ["cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "ort", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "privateuseone"];
const unknownDeviceType = (spec: string) => new RuntimeError(`Expected one of ${KNOWN_KINDS.join(", ")} device type at start of device string: ${spec}`);

/** torch.device: a type ("cpu", "cuda", ...) and an optional index; prints as "cpu" or "cuda:0". */
export class Device {
  readonly type: string;
  readonly index: number | null;
  constructor(type: string, index: number | null = null) {
    this.type = type;
    this.index = index;
  }
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }
}

/** The device every tensor is on (t.device): one object, so `a.device === b.device` holds as torch's == does. */
export const CPU = new Device("cpu");

/**
 * torch.device("cpu") / torch.device("cuda:0") / torch.device("cuda", 0) / torch.device(otherDevice), and by keyword
 * torch.device("cuda", { index: 0 }) / torch.device({ type: "cuda", index: 0 }); another keyword raises torch's TypeError.
 */
export function device(spec: string | Device | number | { type: string; index?: number | null }, ...args: PyArgs<[index?: number | null], { index?: number | null }>): Device {
  // torch.device(1): the legacy bare ordinal, a CUDA device (torch 1.13's device(type='cuda', index=1))
  if (typeof spec === "number" && args.length === 0) {
    if (!Number.isInteger(spec)) throw new TypeError_("Device() received an invalid combination of arguments - got (float)");
    if (spec < 0) throw new RuntimeError("Device index must not be negative");
    return new Device("cuda", spec);
  }
  if (typeof spec === "number") throw new TypeError_("Device(): argument 'type' (position 1) must be str, not int");
  const a = isOptions(spec)
    ? parseArgs<{ type?: string | Device; index?: number | null }>("Device", ["type", "index"], [spec])
    : { type: spec, ...parseArgs<{ index?: number | null }>("Device", ["index"], args) };
  return deviceOf(a.type as string | Device, a.index ?? undefined);
}

function deviceOf(spec: string | Device, index?: number): Device {
  if (spec instanceof Device) return spec;
  if (typeof spec !== "string") throw new TypeError_(`device() received an invalid combination of arguments - got (${typeof spec})`);
  const kind = /^[A-Za-z]+/.exec(spec)?.[0] ?? "";
  if (!KNOWN_KINDS.includes(kind)) throw unknownDeviceType(spec);
  const match = /^([a-z]+)(?::(\d+))?$/.exec(spec);
  if (!match) throw new RuntimeError(`Invalid device string: '${spec}'`);
  if (match[2] !== undefined && index !== undefined) throw new RuntimeError(`type (string) must not include an index because index was passed explicitly: ${spec}`);
  if (index !== undefined && (!Number.isInteger(index) || index < 0)) throw new RuntimeError(`Device index must not be negative`);
  return new Device(match[1], match[2] !== undefined ? Number(match[2]) : (index ?? null));
}

export type DeviceLike = string | { type: string } | Device;

/** Throws unless `where` names the CPU ("cpu", "cpu:0", or a device whose type is "cpu"). */
export function checkDevice(where: DeviceLike | null | undefined, what = "to"): void {
  if (where === null || where === undefined) return;
  const name = typeof where === "string" ? where : where instanceof Device ? where.toString() : where?.type;
  if (typeof name !== "string") throw new TypeError_(`${what}() received an invalid device: ${String(where)}`);
  if (/^cpu(:0)?$/.test(name)) return;
  const kind = name.split(":")[0];
  if (KNOWN_KINDS.includes(kind)) throw deviceUnavailable(what, name);
  throw unknownDeviceType(name);
}

/**
 * The error for a known device other than the CPU: torch 1.13's own first (a CPU-only build raises AssertionError 'Torch
 * not compiled with CUDA enabled' for CUDA and a RuntimeError for MPS, so code catching them behaves the same), then
 * why and what to do instead.
 */
export function deviceUnavailable(what: string, name: string): TorchError {
  const hint =
    `${what}('${name}'): Gradbook's tensor engine runs on the CPU only, so device '${name}' is not available ` +
    "(torch.cuda.is_available() is False here). Leave the model on the CPU, or use .to('cpu'), which does nothing.";
  const kind = name.split(":")[0];
  if (kind === "cuda") return new AssertionError(`Torch not compiled with CUDA enabled. ${hint}`);
  if (kind === "mps") return new RuntimeError(`PyTorch is not linked with support for mps devices. ${hint}`);
  return new RuntimeError(hint);
}

/** True for a value Tensor.to / Module.to reads as a device. */
export function isDeviceLike(value: unknown): value is DeviceLike {
  if (typeof value === "string" || value instanceof Device) return true;
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string" && !("is_floating_point" in value);
}

/**
 * What torch.cuda's functions that initialise CUDA raise in a PyTorch built without it (torch 1.13's
 * _lazy_init): d2l's `torch.cuda.synchronize(device)` timing code, `torch.cuda.get_device_name()`.
 */
function notCompiledWithCuda(name: string): (...args: unknown[]) => never {
  const fn = (): never => {
    throw new TorchError("Torch not compiled with CUDA enabled", "AssertionError");
  };
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

/**
 * torch.cuda.FloatTensor / LongTensor / ...: the names exist, so PyTorch-GAN's
 * `Tensor = torch.cuda.FloatTensor if cuda else torch.FloatTensor` reads; calling one raises torch
 * 1.13's TypeError (no CUDA), and no tensor is an instance of one.
 */
type LegacyConstructor = (typeof legacyConstructors)["FloatTensor"];
function cudaTensorType(name: string): LegacyConstructor {
  const fn = function (): never {
    throw new TypeError_(`type torch.cuda.${name} not available. Torch not compiled with CUDA enabled.`);
  };
  Object.defineProperty(fn, "name", { value: name });
  Object.defineProperty(fn, Symbol.hasInstance, { value: () => false });
  return fn as unknown as LegacyConstructor;
}

/**
 * torch.cuda: no GPU here. Seeding is accepted and ignored, as PyTorch does without CUDA; the memory
 * counters read 0; synchronize / current_device / current_stream / get_device_name /
 * get_device_capability / mem_get_info / is_bf16_supported raise PyTorch's AssertionError "Torch not compiled with CUDA enabled".
 */
export const cuda = {
  is_available: (): boolean => false,
  device_count: (): number => 0,
  synchronize: notCompiledWithCuda("synchronize"),
  current_device: notCompiledWithCuda("current_device"),
  current_stream: notCompiledWithCuda("current_stream"),
  get_device_name: notCompiledWithCuda("get_device_name"),
  get_device_capability: notCompiledWithCuda("get_device_capability"),
  mem_get_info: notCompiledWithCuda("mem_get_info"),
  is_bf16_supported: notCompiledWithCuda("is_bf16_supported"),
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  memory_allocated: (_device?: unknown): number => 0,
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  max_memory_allocated: (_device?: unknown): number => 0,
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  memory_reserved: (_device?: unknown): number => 0,
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  manual_seed: (_seed: number): void => {},
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  manual_seed_all: (_seed: number): void => {},
  empty_cache: (): void => {},
  is_initialized: (): boolean => false,
  FloatTensor: cudaTensorType("FloatTensor"),
  DoubleTensor: cudaTensorType("DoubleTensor"),
  HalfTensor: cudaTensorType("HalfTensor"),
  BFloat16Tensor: cudaTensorType("BFloat16Tensor"),
  LongTensor: cudaTensorType("LongTensor"),
  IntTensor: cudaTensorType("IntTensor"),
  ShortTensor: cudaTensorType("ShortTensor"),
  CharTensor: cudaTensorType("CharTensor"),
  ByteTensor: cudaTensorType("ByteTensor"),
  BoolTensor: cudaTensorType("BoolTensor"),
};

/** torch.backends: the flags tutorials read or set; none changes anything on the CPU engine. */
export const backends = {
  mps: { is_available: (): boolean => false, is_built: (): boolean => false },
  cudnn: { enabled: true, benchmark: false, deterministic: false, allow_tf32: true, is_available: (): boolean => false },
  // torch.backends.cuda.matmul.allow_tf32 = true (nanoGPT-style scripts set it before training).
  cuda: {
    matmul: { allow_tf32: false, allow_fp16_reduced_precision_reduction: true },
    is_built: (): boolean => false,
    flash_sdp_enabled: (): boolean => true,
    math_sdp_enabled: (): boolean => true,
  },
  mkldnn: { enabled: true, is_available: (): boolean => false },
  openmp: { is_available: (): boolean => false },
};

/**
 * torch.use_deterministic_algorithms(mode, { warn_only }) and the debug mode (0 default, 1 warn,
 * 2 error) that mirrors it, as torch 1.13. The flags are only recorded: every kernel here is
 * deterministic already, so no op ever warns or raises because of them.
 */
let deterministic = false;
let deterministicWarnOnly = false;
const pyType = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "string" ? "str" : v === null || v === undefined ? "NoneType" : typeof v);
export function use_deterministic_algorithms(...args: [mode: boolean, options?: { warn_only?: boolean }] | [options: { mode: boolean; warn_only?: boolean }]): void {
  // warn_only is keyword-only in PyTorch
  if (args.length > 1 && !isOptions(args[1])) throw new TypeError_(`use_deterministic_algorithms() takes 1 positional argument but ${args.length} were given`);
  const o = parseArgs<{ mode: boolean; warn_only?: boolean }>("use_deterministic_algorithms", ["mode", "warn_only"], args);
  if (o.mode === undefined) throw new TypeError_("use_deterministic_algorithms() missing 1 required positional argument: 'mode'");
  const mode = o.mode;
  const warnOnly = o.warn_only ?? false;
  if (typeof mode !== "boolean") throw new TypeError_(`_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not ${pyType(mode)}`);
  if (typeof warnOnly !== "boolean") throw new TypeError_(`_set_deterministic_algorithms(): argument 'warn_only' must be bool, not ${pyType(warnOnly)}`);
  deterministic = mode;
  deterministicWarnOnly = mode && warnOnly;
}
export function are_deterministic_algorithms_enabled(): boolean {
  return deterministic;
}
export function is_deterministic_algorithms_warn_only_enabled(...args: [options?: Record<string, never>]): boolean {
  parseArgs<object>("is_deterministic_algorithms_warn_only_enabled", [], args);
  return deterministicWarnOnly;
}
type DebugMode = "default" | "warn" | "error" | 0 | 1 | 2;
/** torch.set_deterministic_debug_mode("default" | "warn" | "error" | 0 | 1 | 2): use_deterministic_algorithms by another name. */
export function set_deterministic_debug_mode(...args: [debug_mode: DebugMode] | [options: { debug_mode: DebugMode }]): void {
  const { debug_mode } = parseArgs<{ debug_mode: DebugMode }>("set_deterministic_debug_mode", ["debug_mode"], args);
  if (debug_mode === undefined) throw new TypeError_("set_deterministic_debug_mode() missing 1 required positional argument: 'debug_mode'");
  let mode: number;
  if (typeof debug_mode === "string") {
    mode = ["default", "warn", "error"].indexOf(debug_mode);
    if (mode < 0) throw new RuntimeError(`invalid value of debug_mode, expected one of \`default\`, \`warn\`, \`error\`, but got ${debug_mode}`);
  } else if (typeof debug_mode === "number" && Number.isInteger(debug_mode)) {
    mode = debug_mode;
    if (mode < 0 || mode > 2) throw new RuntimeError(`invalid value of debug_mode, expected 0, 1, or 2, but got ${debug_mode}`);
  } else {
    throw new TypeError_(`debug_mode must be str or int, but got <class '${pyType(debug_mode)}'>`);
  }
  use_deterministic_algorithms(mode > 0, { warn_only: mode === 1 });
}
/** torch.get_deterministic_debug_mode(): 0 (off), 1 (warn_only) or 2 (on). */
export function get_deterministic_debug_mode(...args: [options?: Record<string, never>]): number {
  parseArgs<object>("get_deterministic_debug_mode", [], args);
  return !deterministic ? 0 : deterministicWarnOnly ? 1 : 2;
}
