/**
 * torch.compile (PyTorch 2's entry point, which tutorials written since call on their models): the
 * engine runs every op eagerly on kernels that are already built, so there is nothing to compile.
 * torch.compile(model) returns the model itself (and torch.compile({ mode }) a decorator that
 * does the same), so a script that compiles before training runs unchanged; the options are
 * checked as PyTorch checks them, so a misspelt mode still fails at the call.
 */
import { checkKeywords, isOptions } from "./args";
import { RuntimeError } from "./errors";

export interface CompileOptions {
  fullgraph?: boolean;
  dynamic?: boolean | null;
  backend?: string | ((...args: unknown[]) => unknown);
  mode?: string | null;
  options?: Record<string, unknown> | null;
  disable?: boolean;
}

const MODES = ["default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs"];

const KEYWORDS = ["fullgraph", "dynamic", "backend", "mode", "options", "disable"];

function checkOptions(o: CompileOptions): void {
  checkKeywords("compile", o, KEYWORDS);
  if (o.mode !== undefined && o.mode !== null && !MODES.includes(o.mode)) {
    throw new RuntimeError(`Unrecognized mode=${o.mode}, should be one of: ${MODES.join(", ")}`);
  }
  if (o.mode !== undefined && o.mode !== null && o.options) throw new RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.");
}

/** torch.compile({ ... }) -> a decorator that returns what it is given. */
export function compile(options?: CompileOptions): <M>(model: M) => M;
/** torch.compile(model | fn, { mode, fullgraph, dynamic, backend, options, disable }) -> the same model or function. */
export function compile<M>(model: M, options?: CompileOptions): M;
export function compile(modelOrOptions?: unknown, options: CompileOptions = {}): unknown {
  if (modelOrOptions === undefined || modelOrOptions === null || isOptions(modelOrOptions)) {
    checkOptions((modelOrOptions ?? {}) as CompileOptions);
    return <M>(model: M): M => model;
  }
  if (typeof modelOrOptions !== "function" && typeof (modelOrOptions as { forward?: unknown }).forward !== "function") {
    throw new RuntimeError("torch.compile: expected a module or a function to compile");
  }
  checkOptions(options);
  return modelOrOptions;
}
