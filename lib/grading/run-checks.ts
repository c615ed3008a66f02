/**
 * Runs one exercise check against the learner's names. Shared by the kernel worker
 * ("Check") and the server sandbox ("Submit"), so a check means the same thing in both.
 *
 * A check is the body of an async function evaluated inside `with (view)`, where the view
 * answers the engine names (torch, nn, F, optim, utils) and `expect` from a pristine copy
 * taken before any learner code ran, and every other name from the learner's scope. A
 * learner who rebinds `torch` or `expect` in their own code does not change what a check sees.
 */
import { AssertionError } from "./assertions";
import type { CheckStatus } from "./types";

export type CompiledCheck = (view: object) => Promise<unknown>;

/** Evaluated by indirect eval: global scope, sloppy mode (needed for `with`). */
const globalEval: (script: string) => unknown = eval;
const ObjectHasOwn = Object.hasOwn;
const ReflectHas = Reflect.has;
const ReflectGet = Reflect.get;
const ReflectSet = Reflect.set;
const ProxyConstructor = Proxy;
const StringOf = String;

export const CHECK_SOURCE_PREFIX = "gradbook-check:";
export const LEARNER_SOURCE_NAME = "your-code.ts";

/** A check the author wrote that does not even compile. */
export class CheckCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckCompileError";
  }
}

/** Compiles a check's JavaScript (types already stripped) into a function of the scope view. */
export function compileCheck(javascript: string, checkName: string): CompiledCheck {
  const source = `(async function () { with (arguments[0]) { ${javascript}\n} })\n//# sourceURL=${CHECK_SOURCE_PREFIX}${encodeURIComponent(checkName)}`;
  try {
    return globalEval(source) as CompiledCheck;
  } catch (error) {
    throw new CheckCompileError(`the check "${checkName}" does not compile: ${(error as Error).message}`);
  }
}

/**
 * What a check sees: `pristine` names first (engine and expect), then the learner's scope.
 * Names in neither fall through to the real globals (Math, Array, ...).
 */
export function createCheckView(pristine: Readonly<Record<string, unknown>>, learnerScope: Record<string, unknown>): object {
  return new ProxyConstructor(Object.create(null) as object, {
    has: (_target, name) => typeof name === "string" && (ObjectHasOwn(pristine, name) || ReflectHas(learnerScope, name)),
    get: (_target, name) => {
      if (typeof name !== "string") return undefined; // Symbol.unscopables and friends
      return ObjectHasOwn(pristine, name) ? pristine[name] : ReflectGet(learnerScope, name);
    },
    set: (_target, name, value) => typeof name === "string" && !ObjectHasOwn(pristine, name) && ReflectSet(learnerScope, name, value),
  });
}

export interface CheckOutcome {
  status: CheckStatus;
  message: string;
}

/** Line N of the learner's code, when the error's stack points into it. */
function learnerLine(stack: string): number | null {
  const match = new RegExp(`${LEARNER_SOURCE_NAME.replace(".", "\\.")}:(\\d+)`).exec(stack);
  return match ? Number(match[1]) : null;
}

/** Heuristic for allocation failures that surface as ordinary errors rather than a dead isolate. */
export function isOutOfMemoryError(error: unknown): boolean {
  if (!(error instanceof RangeError)) return false;
  return /allocation failed|Invalid (typed )?array length|Array buffer allocation|out of memory|Invalid string length/i.test(error.message);
}

/** The learner-facing message for an error a check raised. */
export function describeCheckError(error: unknown): CheckOutcome {
  if (error instanceof AssertionError) return { status: "failed", message: error.message };
  if (isOutOfMemoryError(error)) return { status: "memory_limit", message: `memory limit exceeded (${(error as Error).message})` };
  if (error instanceof Error) {
    const line = learnerLine(StringOf(error.stack ?? ""));
    return { status: "failed", message: `${error.name}: ${error.message}${line ? ` (line ${line} of your code)` : ""}` };
  }
  return { status: "failed", message: `the check threw ${StringOf(error)}` };
}

/** Runs one compiled check: it passes when it completes, fails with the message of what it threw. */
export async function runCompiledCheck(check: CompiledCheck, view: object): Promise<CheckOutcome> {
  try {
    await check(view);
    return { status: "passed", message: "" };
  } catch (error) {
    try {
      return describeCheckError(error);
    } catch {
      return { status: "failed", message: "the check threw a value that cannot be described" };
    }
  }
}
