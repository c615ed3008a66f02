/**
 * The script loaded into every grading isolate (bundled with the engine by
 * scripts/build-grader-engine.mjs). It defines one frozen global, `__gradbook`, that the
 * host drives: `setup` runs the cells the exercise depends on and the learner's code,
 * `runCheck` runs one check. The isolate has no Node APIs, no timers, no fs and no network:
 * only ECMAScript, the engine and this runner.
 */
import { engineGlobals, engineModules } from "../../kernel/worker/engine";
import { AssertionError, expect } from "../assertions";
import { CheckCompileError, compileCheck, createCheckView, describeCheckError, runCompiledCheck, type CheckOutcome } from "../run-checks";
import { lockdown } from "./lockdown";

/** A cell rewritten by the host (lib/kernel/rewrite): `async (scope, kernel) => result`. */
export interface SandboxScript {
  label: string;
  script: string;
}

export interface SetupPayload {
  dependencies: SandboxScript[];
  learner: SandboxScript;
}

export type SetupOutcome = { ok: true } | { ok: false; message: string; where: "dependency" | "learner" };

type CompiledCell = (scope: Record<string, unknown>, kernel: unknown) => Promise<unknown>;

const globalEval: (script: string) => unknown = eval;
const MAX_PRINTED_CHARS = 10_000;

const engine = engineGlobals();
const modules = engineModules();
const pristine = Object.freeze({ ...engine, expect });
const scope = Object.create(null) as Record<string, unknown>;
let printed = 0;
const quiet = (...args: unknown[]) => {
  // Output is not graded; count it so a print loop cannot grow a string without bound.
  printed += args.length;
  return printed < MAX_PRINTED_CHARS ? undefined : undefined;
};
/**
 * The notebook's display helpers (plot.line(...), progress(n).update(i), table(rows), ...) have
 * nothing to show here: this stand-in accepts any property access, call or `new` and returns
 * itself, so cells that chart or report progress still run when graded.
 */
const silent: unknown = new Proxy(function silentHelper() {}, {
  get: (_target, name) => (name === Symbol.toPrimitive ? () => "" : name === "then" ? undefined : silent),
  apply: () => silent,
  construct: () => silent as object,
});
Object.assign(scope, engine, {
  console: Object.freeze({ log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet, table: quiet }),
  print: quiet,
  display: () => Object.freeze({ display_id: "grader", update: quiet }),
  sleep: () => Promise.resolve(),
  table: silent,
  plot: silent,
  progress: silent,
  live_chart: silent,
  inspect: silent,
  experiments: silent,
  load_mnist: () => {
    throw new Error("load_mnist is not available when grading on the server: exercises graded there must use data made in code (utils.data.make_moons, torch.randn, ...)");
  },
});

const kernelApi = Object.freeze({
  declare(names: string[]) {
    for (const name of names) if (!(name in scope)) scope[name] = undefined;
  },
  tick() {},
  interruptible<T>(value: T): T {
    return value;
  },
  importModule(name: string) {
    const resolved = modules[name];
    if (!resolved) throw new Error(`Cannot import "${name}": only the bundled engine ("torch") can be imported.`);
    return resolved;
  },
});

let lockedDown = false;

function describeSetupError(error: unknown): string {
  const outcome = describeCheckError(error);
  return outcome.message;
}

async function setup(payload: SetupPayload): Promise<SetupOutcome> {
  if (!lockedDown) {
    lockdown([engine, modules, pristine, expect, AssertionError, api, kernelApi]);
    lockedDown = true;
  }
  for (const dependency of payload.dependencies) {
    try {
      await (globalEval(dependency.script) as CompiledCell)(scope, kernelApi);
    } catch (error) {
      return { ok: false, where: "dependency", message: `the lesson cell "${dependency.label}" this exercise depends on failed: ${describeSetupError(error)}` };
    }
  }
  try {
    await (globalEval(payload.learner.script) as CompiledCell)(scope, kernelApi);
  } catch (error) {
    return { ok: false, where: "learner", message: `your code failed before the checks ran: ${describeSetupError(error)}` };
  }
  return { ok: true };
}

async function runCheck(javascript: string, name: string): Promise<CheckOutcome> {
  let compiled;
  try {
    compiled = compileCheck(javascript, name);
  } catch (error) {
    if (error instanceof CheckCompileError) return { status: "authoring_error", message: error.message };
    throw error;
  }
  const outcome = await runCompiledCheck(compiled, createCheckView(pristine, scope));
  // Plain strings only cross back to the host.
  return { status: outcome.status, message: String(outcome.message) };
}

const api = Object.freeze({ setup, runCheck });
Object.defineProperty(globalThis, "__gradbook", { value: api, writable: false, enumerable: false, configurable: false });
