/**
 * What scripts ask torch about the build and the process before they train: the version, the
 * float32 matmul precision (nanoGPT-style scripts set "high" to allow TF32), denormal flushing,
 * inter-op threads, the warn-always flag and the has_* build flags. The answers are those of a
 * CPU-only PyTorch 1.13.1 build; the setters validate as PyTorch does and record the value, and
 * none changes the arithmetic (every float32 product here is computed in full float32, PyTorch's
 * "highest").
 */
import { parseArgs, parseArgsRequired } from "./args";
import { RuntimeError } from "./errors";

const VERSION = "1.13.1";

const MATMUL_PRECISIONS = ["highest", "high", "medium"] as const;
type MatmulPrecision = (typeof MATMUL_PRECISIONS)[number];
let matmulPrecision: MatmulPrecision = "highest";
let warnAlways = false;

export const runtimeInfo = {
  __version__: VERSION,
  /** torch.version: cuda and hip are None on a CPU build. */
  version: { __version__: VERSION, cuda: null, hip: null, debug: false },
  has_cuda: false,
  has_cudnn: false,
  has_mps: false,

  /** torch.set_float32_matmul_precision("highest" | "high" | "medium"); another value is ignored with a warning, as in PyTorch. */
  set_float32_matmul_precision(...args: [precision: string] | [{ precision: string }]): void {
    const { precision } = parseArgsRequired<{ precision: string }>("set_float32_matmul_precision", ["precision"], 1, args) as { precision: string };
    if ((MATMUL_PRECISIONS as readonly string[]).includes(precision)) matmulPrecision = precision as MatmulPrecision;
    else console.warn(`${precision} is not one of 'highest', 'high', or 'medium'; the current set_float32_matmul_precision call has no effect.`);
  },
  get_float32_matmul_precision: (...none: []): MatmulPrecision => {
    parseArgs("get_float32_matmul_precision", [], none);
    return matmulPrecision;
  },

  /**
   * torch.set_flush_denormal(mode): true where the CPU flag could be set. WebAssembly has no
   * flush-to-zero mode, so this answers false (PyTorch's answer on a CPU without the flag).
   */
  set_flush_denormal: (...args: [mode: boolean] | [{ mode: boolean }]): boolean => {
    parseArgsRequired<{ mode: boolean }>("set_flush_denormal", ["mode"], 1, args);
    return false;
  },

  /** Inter-op parallelism: ops run one after another on the kernel's thread, so there is one. */
  get_num_interop_threads: (...none: []): number => {
    parseArgs("get_num_interop_threads", [], none);
    return 1;
  },
  set_num_interop_threads(...args: [threads: number]): void {
    const { threads } = parseArgsRequired<{ threads: number }>("set_num_interop_threads", ["threads"], 1, args) as { threads: number };
    if (!Number.isInteger(threads) || threads <= 0) throw new RuntimeError("set_num_interop_threads expects a positive integer");
  },

  is_warn_always_enabled: (...none: []): boolean => {
    parseArgs("is_warn_always_enabled", [], none);
    return warnAlways;
  },
  set_warn_always(...args: [b: boolean] | [{ b: boolean }]): void {
    const { b } = parseArgsRequired<{ b: boolean }>("set_warn_always", ["b"], 1, args) as { b: boolean };
    warnAlways = Boolean(b);
  },
};
