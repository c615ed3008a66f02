/**
 * The script loaded into every grading isolate (bundled with the engine by
 * scripts/build-grader-engine.mjs). It defines one frozen global, `__gradbook`, that the
 * host drives: `setup` runs the cells the exercise depends on and the learner's code,
 * `runCheck` runs one check.
 *
 * Two scopes: the dependency cells run first into the author's scope, which only checks see,
 * then again (from the same random state) into the learner's scope, followed by the learner's
 * code. So the learner's code can use every name of those cells but cannot rebind or change
 * the ones a check relies on. The isolate has no Node APIs, no timers, no fs and no network:
 * only ECMAScript, the engine and this runner.
 */
import { default_generator } from "../../tensor/random";
import { set_grad_enabled } from "../../tensor/autograd/grad_mode";
import { engineGlobals, engineModules } from "../../kernel/worker/engine";
import { AssertionError, expect } from "../assertions";
import { capMessage } from "../message-caps";
import { CheckCompileError, checkParameterNames, checkValues, compileCheck, describeCheckError, isOutOfMemoryError, runCompiledCheck, type CheckOutcome, type CheckScope } from "../run-checks";
import { hardenDefinitions, lockdown, type Lockdown } from "./lockdown";
import { ReflectOwnKeys } from "../primordials";
import { prebuiltWasmReport } from "../../tensor/kernels/wasm/prebuilt";

/** A cell rewritten by the host (lib/kernel/rewrite): `async (scope, kernel) => result`. */
export interface SandboxScript {
  label: string;
  script: string;
}

export interface SetupPayload {
  dependencies: SandboxScript[];
  learner: SandboxScript;
  /** The names the exercise grades: its starter's top-level names. */
  graded: string[];
  /** The names the dependency cells declare. */
  dependencyNames: string[];
}

export type SetupOutcome = { ok: true } | { ok: false; message: string; where: "dependency" | "learner"; status: "failed" | "memory_limit" };

type CompiledCell = (scope: Record<string, unknown>, kernel: unknown) => Promise<unknown>;

const globalEval: (script: string) => unknown = eval;

const engine = engineGlobals();
const modules = engineModules();
const pristine = Object.freeze({ ...engine, expect });
/**
 * The notebook's display helpers (plot.line(...), progress(n).update(i), table(rows), ...) have
 * nothing to show here: this stand-in accepts any property access, call or `new` and returns
 * itself, so cells that chart or report progress still run when graded.
 */
const silent: unknown = new Proxy(function silentHelper() {}, {
  // "prototype" answers truly: once the stand-in is frozen (a dependency cell kept it in a
  // name), a Proxy must report a frozen property's real value.
  get: (target, name) => (name === Symbol.toPrimitive ? () => "" : name === "then" ? undefined : name === "prototype" ? Reflect.get(target, name) : silent),
  apply: () => silent,
  construct: () => silent as object,
});
/** Output is not graded, and costs nothing: a print loop cannot grow a buffer. */
const quiet = () => undefined;
const builtins = Object.freeze({
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
  download: quiet,
  load_mnist: () => {
    throw new Error("load_mnist is not available when grading on the server: exercises graded there must use data made in code (utils.data.make_moons, torch.randn, ...)");
  },
});

function newScope(): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, engine, builtins);
}

/** What the author's dependency cells define: only checks see it. */
const dependencyScope = newScope();
/** The learner's world: the dependency cells again, then the learner's code. */
const learnerScope = newScope();

function kernelFor(scope: Record<string, unknown>) {
  return Object.freeze({
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
}
const dependencyKernel = kernelFor(dependencyScope);
const learnerKernel = kernelFor(learnerScope);

let realm: Lockdown | null = null;
let graded: readonly string[] = [];
let dependencyNames: readonly string[] = [];

function setupFailure(where: "dependency" | "learner", prefix: string, error: unknown): SetupOutcome {
  const outcome = describeCheckError(error);
  return { ok: false, where, status: isOutOfMemoryError(error) ? "memory_limit" : "failed", message: capMessage(`${prefix}: ${outcome.message}`) };
}

async function runCells(cells: readonly SandboxScript[], scope: Record<string, unknown>, kernel: unknown): Promise<SetupOutcome> {
  for (const cell of cells) {
    try {
      await (globalEval(cell.script) as CompiledCell)(scope, kernel);
    } catch (error) {
      return setupFailure("dependency", `the lesson cell "${cell.label}" this exercise depends on failed`, error);
    }
  }
  return { ok: true };
}

async function setup(payload: SetupPayload): Promise<SetupOutcome> {
  realm ??= lockdown([engine, modules, pristine, expect, AssertionError, api]);
  graded = Object.freeze([...payload.graded]);
  dependencyNames = Object.freeze([...payload.dependencyNames]);
  const randomState = default_generator.get_state();
  const authored = await runCells(payload.dependencies, dependencyScope, dependencyKernel);
  if (!authored.ok) return authored;
  hardenDefinitions(dependencyNames.map((name) => dependencyScope[name]));
  // The learner's copy starts from the same random state, so both copies hold the same data.
  default_generator.set_state(randomState);
  const copied = await runCells(payload.dependencies, learnerScope, learnerKernel);
  if (!copied.ok) return copied;
  try {
    await (globalEval(payload.learner.script) as CompiledCell)(learnerScope, learnerKernel);
  } catch (error) {
    return setupFailure("learner", "your code failed before the checks ran", error);
  }
  return { ok: true };
}

/** Globals the learner's code created (`globalThis.x = ...`): a check must not fall through to them. */
function learnerGlobals(): string[] {
  const created: string[] = [];
  for (const key of ReflectOwnKeys(globalThis)) if (typeof key === "string" && !realm?.originalGlobals.has(key)) created.push(key);
  return created;
}

async function runCheck(javascript: string, name: string, hidden: boolean): Promise<CheckOutcome> {
  const scope: CheckScope = { pristine, graded, learnerScope, dependencies: dependencyNames, dependencyScope, shadowed: learnerGlobals() };
  const names = checkParameterNames(scope);
  let compiled;
  try {
    compiled = compileCheck(javascript, name, names);
  } catch (error) {
    if (error instanceof CheckCompileError) return { status: "authoring_error", message: capMessage(error.message) };
    throw error;
  }
  // Whatever the learner's code did to global engine state, a check starts from the default.
  set_grad_enabled(true);
  realm?.hideSources(true);
  try {
    const outcome = await runCompiledCheck(compiled, () => checkValues(scope, names), { hidden });
    // Plain, capped strings only cross back to the host.
    return { status: outcome.status, message: capMessage(String(outcome.message)) };
  } finally {
    realm?.hideSources(false);
  }
}

/**
 * Which WebAssembly modules came prebuilt from the bundle (lib/tensor/kernels/wasm/prebuilt.ts)
 * and whether they equal what this isolate would assemble: for the sandbox tests. It re-assembles
 * them, so it costs the caller time; it reads and changes nothing a job can use.
 */
const prebuiltWasm = () => prebuiltWasmReport();

const api = Object.freeze({ setup, runCheck, prebuiltWasm });
Object.defineProperty(globalThis, "__gradbook", { value: api, writable: false, enumerable: false, configurable: false });
