/**
 * Runs one exercise check. Shared by the kernel worker ("Check") and the server sandbox
 * ("Submit"), so a check means the same thing in both.
 *
 * A check is compiled as a strict-mode function whose parameters are exactly the names its
 * author may rely on (see `checkParameterNames`): the engine and `expect` from a pristine copy taken
 * before any learner code ran, the names the exercise grades (what its starter declares), read
 * from the learner's code through the membrane, and the names of the exercise's dependsOn
 * cells as the author's own code defined them. Nothing else of the learner's is in reach: a
 * learner who defines their own `Math`, `expect` or a dependency helper changes nothing a check
 * sees, and strict mode keeps `caller`/`arguments` from leading back into a check.
 */
import { AssertionError } from "./assertions";
import { guardLearnerFunction, learnerValue, refuseImpostor } from "./membrane";
import { capMessage, safeText, textOf } from "./message-caps";
import type { CheckStatus } from "./types";
import { ReflectApply, ObjectHasOwn, SetConstructor } from "./primordials";

export type CompiledCheck = (values: readonly unknown[]) => Promise<unknown>;

/** Evaluated by indirect eval: global scope; the source itself says "use strict". */
const globalEval: (script: string) => unknown = eval;

export const CHECK_SOURCE_PREFIX = "gradbook-check:";
export const LEARNER_SOURCE_NAME = "your-code.ts";

/** A check the author wrote that does not even compile. */
export class CheckCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckCompileError";
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Names that cannot be a strict-mode parameter. */
const NOT_A_PARAMETER = new SetConstructor([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends",
  "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this",
  "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static", "implements", "interface", "package",
  "private", "protected", "public", "await", "eval", "arguments", "undefined", "NaN", "Infinity",
]);

export function isBindableName(name: string): boolean {
  return IDENTIFIER.test(name) && !NOT_A_PARAMETER.has(name);
}

/** Where the names a check sees come from. */
export interface CheckScope {
  /** Engine names and `expect`, taken before any learner code ran. */
  pristine: Readonly<Record<string, unknown>>;
  /** The names the exercise grades (its starter's top-level names), read from `learnerScope`. */
  graded: readonly string[];
  learnerScope: Record<string, unknown>;
  /** The names its dependsOn cells declare, read from `dependencyScope` (the author's run). */
  dependencies: readonly string[];
  dependencyScope: Record<string, unknown>;
  /** Names bound to undefined, so they cannot fall through to globals the learner created. */
  shadowed?: readonly string[];
}

/** The parameter names of a check, each once: engine and expect, graded names, dependency names, shadowed names. */
export function checkParameterNames(scope: CheckScope): string[] {
  const names = new SetConstructor<string>();
  for (const list of [Object.keys(scope.pristine), scope.graded, scope.dependencies, scope.shadowed ?? []]) {
    for (const name of list) if (isBindableName(name)) names.add(name);
  }
  return [...names];
}

/**
 * The value of each parameter, with the same precedence: the pristine engine and expect,
 * then graded names (learner values through the membrane: their functions get copies of
 * what a check passes in, their results must be genuine), then dependency names.
 */
export function checkValues(scope: CheckScope, names: readonly string[]): unknown[] {
  const graded = new SetConstructor(scope.graded);
  const dependencies = new SetConstructor(scope.dependencies);
  return names.map((name) => {
    if (ObjectHasOwn(scope.pristine, name)) return scope.pristine[name];
    if (graded.has(name)) {
      const value = scope.learnerScope[name];
      if (typeof value !== "function") return learnerValue(value);
      refuseImpostor(value);
      return guardLearnerFunction(value);
    }
    if (dependencies.has(name) && ObjectHasOwn(scope.dependencyScope, name)) return scope.dependencyScope[name];
    return undefined;
  });
}

/**
 * Compiles a check's JavaScript (types already stripped) into a strict function of `names`.
 * The body sits in an inner async arrow so it may declare a name that is also a parameter
 * (`const model = ...` beside a dependency's `model`), and line N of the body is line N of
 * the compiled source, as the learner sees in a stack line.
 */
export function compileCheck(javascript: string, checkName: string, names: readonly string[]): CompiledCheck {
  const source = `(function (${names.join(", ")}) { "use strict"; return (async () => { ${javascript}\n})(); })\n//# sourceURL=${CHECK_SOURCE_PREFIX}${encodeURIComponent(checkName)}`;
  let compiled: (...values: unknown[]) => Promise<unknown>;
  try {
    compiled = globalEval(source) as typeof compiled;
  } catch (error) {
    throw new CheckCompileError(`the check "${checkName}" does not compile: ${(error as Error).message}`);
  }
  return (values) => ReflectApply(compiled, undefined, values as unknown[]);
}

export interface CheckOutcome {
  status: CheckStatus;
  message: string;
}

/** The stack lines of an error (read from its end, so a huge message is never scanned). */
function stackFrames(error: Error): string[] {
  let stack: unknown;
  try {
    stack = error.stack;
  } catch {
    return [];
  }
  if (typeof stack !== "string") return [];
  const tail = stack.length > 20_000 ? stack.slice(-20_000) : stack;
  return tail.split("\n").filter((line) => /^\s+at /.test(line));
}

/** Line N of the learner's code, when a stack line points into it. */
function learnerLine(frames: readonly string[]): number | null {
  for (const frame of frames) {
    const match = new RegExp(`${LEARNER_SOURCE_NAME.replace(".", "\\.")}:(\\d+)`).exec(frame);
    if (match) return Number(match[1]);
  }
  return null;
}

/** Heuristic for allocation failures that surface as ordinary errors rather than a dead isolate. */
export function isOutOfMemoryError(error: unknown): boolean {
  if (!(error instanceof RangeError)) return false;
  return /allocation failed|Invalid (typed )?array length|Array buffer allocation|out of memory|Invalid string length/i.test(safeText(error.message, 500));
}

/**
 * The learner-facing message for an error a check raised. For a hidden check, an error that
 * V8 raised inside the check's own code (`x.foo is not a function`, whose text quotes the
 * check's source) is described by its kind only: a hidden check's code never leaves the server.
 */
export function describeCheckError(error: unknown, options: { hidden?: boolean } = {}): CheckOutcome {
  if (error instanceof AssertionError) return { status: "failed", message: safeText(error.message) };

  if (isOutOfMemoryError(error)) return { status: "memory_limit", message: `memory limit exceeded (${safeText((error as Error).message, 200)})` };
  if (error instanceof Error) {
    const frames = stackFrames(error);
    const name = safeText(error.name, 100);
    if (options.hidden && frames.length > 0 && frames[0].includes(CHECK_SOURCE_PREFIX)) {
      return { status: "failed", message: `${name} in the hidden check while it used what your code defines: make sure every name the exercise asks for is defined and returns what the instructions describe` };
    }
    const line = learnerLine(frames);
    // Cut once, at the end, so the note counts the whole message.
    return { status: "failed", message: capMessage(`${name}: ${textOf(error.message)}${line ? ` (line ${line} of your code)` : ""}`) };
  }
  return { status: "failed", message: `the check threw ${safeText(error)}` };
}

/** Runs one compiled check: it passes when it completes, fails with the message of what it threw. */
export async function runCompiledCheck(check: CompiledCheck, bindings: () => readonly unknown[], options: { hidden?: boolean } = {}): Promise<CheckOutcome> {
  try {
    await check(bindings());
    return { status: "passed", message: "" };
  } catch (error) {
    try {
      return describeCheckError(error, options);
    } catch {
      return { status: "failed", message: "the check threw a value that cannot be described" };
    }
  }
}
