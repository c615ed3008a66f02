/**
 * Attacks on the grader, as data: each is a name, a way to build the learner's code for one
 * exercise (null when it does not apply there), and the outcome the grader must give it. A new
 * attack is one line in ATTACKS. Families that depend on the exercise are generated per name:
 * `each: "function"` per function the starter declares, `"graded"` per name the starter declares,
 * `"dependency"` per name the exercise's dependsOn cells declare, or a fixed list of names.
 *
 * Attacks are written from what a learner can see (the starter, the visible checks, the lesson's
 * cells, the engine). The hidden checks are in the context only to build leak detectors.
 */
import { rewriteCell } from "@/lib/kernel/rewrite/rewrite-cell";
import { findExercise, readLessonExercises, type ExerciseCheck, type LessonExercise } from "@/lib/lessons/exercises";

export interface AttackContext {
  slug: string;
  exercise: LessonExercise;
  dependencies: { id: string; code: string }[];
  starter: string;
  solution: string | null;
  /** Top-level names the starter declares (what the checks grade). */
  graded: string[];
  /** The graded names the starter declares as functions, or as classes (called with `new`). */
  functions: string[];
  /** Top-level names the dependsOn cells declare. */
  dependencyNames: string[];
  /** For leak detectors only, never to craft an answer. */
  hiddenChecks: ExerciseCheck[];
  /** The name a per-name attack is generated for ("" otherwise). */
  name: string;
}

/**
 * - "no-points": score 0 and not passed (every attack built on the starter: the starter earns nothing).
 * - "not-above-starter": scores no more than the untouched starter.
 * - "fails-with-message": every counted check fails, each with a message (matching `message` if given).
 */
export type Outcome = "no-points" | "not-above-starter" | "fails-with-message";

export interface Attack {
  family: string;
  name: string;
  each?: "function" | "graded" | "dependency" | readonly string[];
  build: (ctx: AttackContext) => string | null;
  expect: Outcome;
  /** What the failed counted checks' messages must say: every one, or ("some") at least one (a check may fail on something else before it calls the function). */
  message?: RegExp;
  messageWhere?: "every" | "some";
  /** Uncapped, it makes hundreds of MB on the host: never more than one at a time. */
  heavy?: boolean;
  /** Uses up time limits: scheduled first. */
  slow?: boolean;
}

export interface BuiltAttack {
  attack: Attack;
  /** "family: name [generated-for]" */
  label: string;
  code: string;
}

// ---------------------------------------------------------------------------------------------
// Context

export function attackContext(slug: string, exerciseId: string): AttackContext {
  const found = findExercise(slug, exerciseId);
  if (!found) throw new Error(`no exercise ${slug}/${exerciseId}`);
  const { exercise, dependencies } = found;
  const graded = rewriteCell(exercise.starter, { sourceName: "x.ts" }).declaredNames;
  const functions = graded.filter((name) => new RegExp(`\\b(function\\s*\\*?\\s*${name}\\s*\\(|class\\s+${name}\\b)`).test(exercise.starter));
  const dependencyNames = [...new Set(dependencies.flatMap((cell) => rewriteCell(cell.code, { sourceName: "x.ts" }).declaredNames))];
  return {
    slug,
    exercise,
    dependencies,
    starter: exercise.starter,
    solution: exercise.solution,
    graded,
    functions,
    dependencyNames,
    hiddenChecks: exercise.checks.filter((check) => check.hidden),
    name: "",
  };
}

/** Every exercise of every lesson, as [slug, exercise id]. */
export function everyExercise(slugs: readonly string[]): [string, string][] {
  return slugs.flatMap((slug) => readLessonExercises(slug).exercises.map((exercise): [string, string] => [slug, exercise.id]));
}

export function buildAttacks(ctx: AttackContext, attacks: readonly Attack[] = ATTACKS): BuiltAttack[] {
  const built: BuiltAttack[] = [];
  for (const attack of attacks) {
    const names = attack.each === undefined ? [""] : attack.each === "function" ? ctx.functions : attack.each === "graded" ? ctx.graded : attack.each === "dependency" ? ctx.dependencyNames : attack.each;
    for (const name of names) {
      const code = attack.build({ ...ctx, name });
      if (code !== null) built.push({ attack, code, label: `${attack.family}: ${attack.name}${name ? ` [${name}]` : ""}` });
    }
  }
  return built;
}

// ---------------------------------------------------------------------------------------------
// Code builders

/** The starter with its declaration of `name` renamed to `starter_<name>` (its code stays usable). */
function renameInStarter(starter: string, name: string): string {
  return starter.replace(new RegExp(`\\b(function\\s*\\*?|const|let|var|class)(\\s+)${name}\\b`), `$1$2starter_${name}`);
}

/** The starter with `name` redefined as `expression` (which may use `starter_<name>`). */
export function replace(ctx: AttackContext, name: string, expression: string): string {
  return `${renameInStarter(ctx.starter, name)}\nconst ${name} = (${expression});\n`;
}

/** Code run at top level before the starter. */
export function before(ctx: AttackContext, code: string, rest = ctx.starter): string {
  return `${code}\n${rest}`;
}

/** Code run at top level after the starter. */
export function after(ctx: AttackContext, code: string): string {
  return `${ctx.starter}\n${code}\n`;
}

interface WrapOptions {
  /** What the function returns; `result` is the starter's return value, `args` its arguments. */
  result?: string;
  /** Top-level code before everything. */
  prelude?: string;
}

/**
 * Every function (or class) the starter declares, replaced by one that runs `payload(name)` (with `args`,
 * `arguments` and its own name in scope: a sloppy function with simple parameters, so that
 * `arguments.callee` and `name.caller` work) and then returns what the starter's version returns.
 * Null when the starter declares no function.
 */
export function wrap(ctx: AttackContext, payload: (name: string) => string, options: WrapOptions = {}): string | null {
  if (ctx.functions.length === 0) return null;
  let code = ctx.starter;
  for (const name of ctx.functions) {
    code = renameInStarter(code, name);
    code +=
      `\nconst ${name} = function ${name}() {\n` +
      `  const args = []; for (let i = 0; i < arguments.length; i++) args[i] = arguments[i];\n` +
      `  ${payload(name)}\n` +
      // A class is constructed (its instances keep its prototype); a function is called.
      `  const result = new.target ? Reflect.construct(starter_${name}, args) : starter_${name}.apply(this, args);\n` +
      `  return ${options.result ?? "result"};\n` +
      `};\n` +
      `try { ${name}.prototype = starter_${name}.prototype; } catch (e) {}\n`;
  }
  return options.prelude ? `${options.prelude}\n${code}` : code;
}

/** A callable proxy that answers anything: every property, call and `new` gives itself; it converts to 0. */
export const ANYTHING = `(() => { const any = new Proxy(function () {}, { get: (t, k) => (k === Symbol.toPrimitive ? () => 0 : k === "then" ? undefined : any), apply: () => any, construct: () => any, has: () => true }); return any; })()`;

/** The global `name`, with every function replaced by one returning `value`. */
const stubOf = (name: string, value: string) => `new Proxy(globalThis.${name}, { get: (t, k) => (typeof t[k] === "function" ? () => (${value}) : t[k]), apply: () => (${value}) })`;
/** What a lazy grader might accept from each global's functions. */
const STUB_VALUES: Record<string, string> = { Math: "0", Number: "true", Object: "[]", Array: "true", JSON: '"{}"', Promise: "({ then: (ok) => ok() })", Symbol: "undefined" };
const GLOBALS = Object.keys(STUB_VALUES);
const ENGINE_NAMES = ["torch", "nn", "F", "optim", "utils", "Tensor", "expect"];

/** `code` run at top level before the starter, errors ignored (so the starter still runs). */
const tamper = (ctx: AttackContext, code: string) => before(ctx, `try { ${code} } catch (e) {}`);
const firstTensor = `(args.find((a) => a && typeof a.zero_ === "function") ?? result)`;
const FIFTY_MB = "50 * 1024 * 1024";
const HUNDRED_MB = "100 * 1024 * 1024";

const TIME = /time limit/i;
/**
 * Building a 50 MB string or filling the heap takes real time: on a loaded machine the time
 * limit can end the attempt first. Either way the attack earns nothing and what leaves the
 * sandbox stays small (the universal checks), so either message is a correct outcome.
 */
const CUT_OR_LIMIT = /cut|truncat|shortened|omitted|left out|time limit|memory limit/i;
const MEMORY_OR_TIME = /memory limit|time limit/i;

/** Error-throwing payloads (every check sees the same failure). */
const throwing = (ctx: AttackContext, payload: (name: string) => string) => wrap(ctx, payload);

// ---------------------------------------------------------------------------------------------
// The attacks

export const ATTACKS: readonly Attack[] = [
  // The untouched starter earns nothing.
  { family: "starter", name: "the untouched starter", build: (c) => c.starter, expect: "no-points" },

  // Reaching the check's source through the call stack (each line tries every variant of its probe and throws all it found).
  { family: "caller", name: "walks arguments.callee.caller and NAME.caller up the stack, throws each frame's source", build: (c) => throwing(c, (n) => `let out = String(${n}.caller) + "\\n", f = arguments.callee; for (let i = 0; i < 12 && f; i++) { out += String(f) + "\\n"; try { f = f.caller; } catch (e) { out += String(e); break; } } throw new Error(out);`), expect: "fails-with-message" },
  { family: "caller", name: "stack probes: new Error().stack, Error.captureStackTrace, structured frames, Error.prepareStackTrace installed at top level", build: (c) => wrap(c, () => `const out = []; try { out.push(String(new Error().stack)); } catch (e) {} try { const o = {}; Error.captureStackTrace(o); out.push(String(o.stack)); } catch (e) {} try { Error.prepareStackTrace = (e, s) => s; const o = {}; Error.captureStackTrace(o); const frames = o.stack; if (Array.isArray(frames)) out.push(frames.map((f) => String(f.getFunction && f.getFunction()) + " " + String(f.getThis && f.getThis()) + " " + String(f.getFileName && f.getFileName())).join("\\n")); } catch (e) {} throw new Error(out.join("\\n"));`, { prelude: `try { Error.prepareStackTrace = (e, frames) => frames.map((f) => String(f.getFunction())).join("\\n"); } catch (e) {} try { Object.defineProperty(Error, "prepareStackTrace", { value: (e, frames) => frames.map((f) => String(f.getFunction())).join("\\n"), writable: true, configurable: true }); } catch (e) {}` }), expect: "fails-with-message" },
  { family: "caller", name: "calls each function argument and throws the caught error's stack", build: (c) => wrap(c, () => `for (const a of args) if (typeof a === "function") { try { a(); a(undefined, undefined); } catch (e) { throw new Error(String(e && e.stack) + "\\n" + String(e)); } }`), expect: "no-points" },
  { family: "caller", name: "returns a proxy whose traps and conversions throw their caller and stack", build: (c) => wrap(c, () => ``, { result: `new Proxy({}, { get: function trap(t, k) { if (k === Symbol.toPrimitive || k === "valueOf" || k === "toString") return function conv() { throw new Error(String(conv.caller) + String(arguments.callee.caller)); }; throw new Error(String(trap.caller) + String(new Error().stack)); } })` }), expect: "no-points" },
  { family: "caller", name: "a graded value whose getters throw their caller", each: "graded", build: (c) => (c.functions.includes(c.name) ? null : replace(c, c.name, `new Proxy(starter_${c.name}, { get: function trap() { throw new Error(String(trap.caller) + String(new Error().stack)); } })`)), expect: "no-points" },

  // Reading the check's source with toString.
  { family: "toString", name: "throws the source of every function argument", build: (c) => throwing(c, () => `throw new Error(args.map((a) => (typeof a === "function" ? Function.prototype.toString.call(a) + "\\n" + String(a) : "")).join("\\n") || "no function arguments");`), expect: "fails-with-message" },

  // Rebinding the names the checks use.
  { family: "rebind", name: "dependency -> function returning []", each: "dependency", build: (c) => after(c, `const ${c.name} = (...a) => [];`), expect: "no-points" },
  { family: "rebind", name: "dependency -> a proxy that answers anything", each: "dependency", build: (c) => after(c, `const ${c.name} = ${ANYTHING};`), expect: "no-points" },
  { family: "rebind", name: "every dependency -> function returning 0", build: (c) => (c.dependencyNames.length === 0 ? null : after(c, c.dependencyNames.map((n) => `const ${n} = (...a) => 0;`).join("\n"))), expect: "no-points" },
  { family: "rebind", name: "every dependency -> function returning a tensor of zeros", build: (c) => (c.dependencyNames.length === 0 ? null : after(c, c.dependencyNames.map((n) => `const ${n} = (...a) => torch.zeros(4);`).join("\n"))), expect: "no-points" },
  { family: "rebind", name: "unitsWithoutGradient returns [0, 0]", build: (c) => (c.dependencyNames.includes("unitsWithoutGradient") ? after(c, `function unitsWithoutGradient() { return [0, 0]; }`) : null), expect: "no-points" },
  { family: "rebind", name: "activationStats returns perfect stats", build: (c) => (c.dependencyNames.includes("activationStats") ? after(c, `function activationStats() { return Array.from({ length: 8 }, (_, i) => ({ layer: String(2 * i + 1), std: 0.6, saturated: 0 })); }`) : null), expect: "no-points" },
  { family: "rebind", name: "const Math, Number, Object, Array, JSON, Promise, Symbol stubbed (each function returns what a lazy check accepts)", build: (c) => after(c, GLOBALS.map((g) => `const ${g} = ${stubOf(g, STUB_VALUES[g])};`).join("\n")), expect: "no-points" },
  { family: "rebind", name: "const Math alone, every function returning 0", build: (c) => after(c, `const Math = ${stubOf("Math", "0")};`), expect: "no-points" },
  { family: "rebind", name: "globalThis.X = a stub, for Math, Number, Object, Array, JSON, Promise and Symbol", build: (c) => tamper(c, GLOBALS.map((g) => `try { globalThis.${g} = ${stubOf(g, STUB_VALUES[g])}; } catch (e) {} try { Object.defineProperty(globalThis, "${g}", { value: ${stubOf(g, STUB_VALUES[g])}, writable: true, configurable: true }); } catch (e) {}`).join(" ")), expect: "no-points" },
  { family: "rebind", name: "torch, nn, F, optim, utils, Tensor and expect -> proxies that answer anything", build: (c) => after(c, ENGINE_NAMES.map((n) => `const ${n} = ${ANYTHING};`).join("\n")), expect: "no-points" },

  // Tampering with prototypes and intrinsics.
  { family: "prototype", name: "Array.prototype: every -> true, forEach -> nothing, filter/map -> [], [Symbol.iterator] -> empty", build: (c) => tamper(c, `Array.prototype.every = () => true; } catch (e) {} try { Array.prototype.forEach = () => {}; } catch (e) {} try { Array.prototype.filter = function () { return []; }; Array.prototype.map = function () { return []; }; } catch (e) {} try { Array.prototype[Symbol.iterator] = function* () {};`), expect: "no-points" },
  { family: "prototype", name: "Tensor.prototype methods (sub, abs, item, allclose, ...) replaced, also with defineProperty", build: (c) => tamper(c, `const T = Object.getPrototypeOf(torch.zeros(1)); for (const k of ["sub", "abs", "gt", "lt", "le", "ge", "eq", "ne", "item", "all", "allclose", "equal", "std", "mean", "sum", "max", "min", "detach", "contiguous"]) { try { T[k] = function () { return k === "item" ? 0 : k === "all" || k === "allclose" || k === "equal" ? true : this; }; } catch (e) {} try { Object.defineProperty(T, k, { value: function () { return k === "item" ? 0 : this; } }); } catch (e) {} }`), expect: "no-points" },
  { family: "prototype", name: "Number.isFinite -> true (defineProperty), Math.abs/sqrt/max -> 0, RegExp test/exec always match", build: (c) => tamper(c, `Object.defineProperty(Number, "isFinite", { value: () => true }); } catch (e) {} try { Number.isFinite = () => true; } catch (e) {} try { Math.abs = () => 0; } catch (e) {} try { Math.sqrt = () => 0; } catch (e) {} try { Object.defineProperty(Math, "max", { value: () => 0 }); } catch (e) {} try { RegExp.prototype.test = () => true; } catch (e) {} try { RegExp.prototype.exec = () => [""];`), expect: "no-points" },
  { family: "prototype", name: "Function.prototype.call / apply / toString patched", build: (c) => tamper(c, `Function.prototype.toString = function () { return ""; }; } catch (e) {} try { Function.prototype.call = function () { return true; }; } catch (e) {} try { Function.prototype.apply = function () { return true; };`), expect: "no-points" },
  { family: "prototype", name: "Object.prototype.then resolves every result as passed", build: (c) => tamper(c, `Object.defineProperty(Object.prototype, "then", { configurable: true, writable: true, value: function (resolve) { delete Object.prototype.then; resolve({ status: "passed", message: "", passed: true }); } });`), expect: "no-points" },
  { family: "prototype", name: "Promise.prototype.then says passed; Object.prototype getters for passed / status / score", build: (c) => tamper(c, `Promise.prototype.then = function (ok) { if (typeof ok === "function") ok({ status: "passed", message: "" }); return this; }; } catch (e) {} try { for (const k of ["passed", "status", "score", "ok"]) Object.defineProperty(Object.prototype, k, { get: () => (k === "status" ? "passed" : k === "score" ? 1e9 : true), configurable: true });`), expect: "no-points" },
  { family: "prototype", name: "instanceof Tensor / nn.Module always true (Symbol.hasInstance)", build: (c) => tamper(c, `Object.defineProperty(Tensor, Symbol.hasInstance, { value: () => true }); } catch (e) {} try { Object.defineProperty(nn.Module, Symbol.hasInstance, { value: () => true });`), expect: "no-points" },

  // Mutating the check's inputs before it computes its reference.
  { family: "mutation", name: "x.zero_() and return it", build: (c) => wrap(c, () => `for (const a of args) try { if (a && typeof a.zero_ === "function") a.zero_(); } catch (e) {}`, { result: firstTensor }), expect: "no-points" },
  { family: "mutation", name: "x.fill_(1) and return it", build: (c) => wrap(c, () => `for (const a of args) try { if (a && typeof a.fill_ === "function") a.fill_(1); } catch (e) {}`, { result: firstTensor }), expect: "no-points" },
  { family: "mutation", name: "x.data replaced by zeros, x.copy_(zeros), requires_grad dropped", build: (c) => wrap(c, () => `for (const a of args) try { if (a && typeof a.zero_ === "function") { torch.no_grad(() => a.copy_(torch.zeros_like(a))); a.data = torch.zeros_like(a); a.requires_grad = false; } } catch (e) {}`, { result: firstTensor }), expect: "no-points" },
  { family: "mutation", name: "array arguments emptied (length = 0), methods of the arguments replaced (detach, add, grad)", build: (c) => wrap(c, () => `for (const a of args) try { if (Array.isArray(a)) a.length = 0; else if (a && typeof a === "object") { a.detach = () => a; a.add = () => a; Object.defineProperty(a, "grad", { get: () => a, configurable: true }); } } catch (e) {}`, { result: firstTensor }), expect: "no-points" },

  // Thenables, proxies, getters that throw, fake tensors.
  { family: "thenable", name: "returns a thenable that never resolves", build: (c) => wrap(c, () => ``, { result: `{ then() {} }` }), expect: "no-points" },
  { family: "thenable", name: "returns a thenable that resolves to a tensor", build: (c) => wrap(c, () => ``, { result: `{ then(resolve) { resolve(torch.zeros(2)); } }` }), expect: "no-points" },
  { family: "thenable", name: "returns a never-settling promise", build: (c) => wrap(c, () => ``, { result: `new Promise(() => {})` }), expect: "no-points" },
  { family: "thenable", name: "a graded name bound to a thenable", each: "graded", build: (c) => replace(c, c.name, `{ then(resolve) { resolve(starter_${c.name}); } }`), expect: "no-points" },
  { family: "proxy", name: "returns a proxy that answers anything", build: (c) => wrap(c, () => ``, { result: ANYTHING }), expect: "no-points" },
  { family: "proxy", name: "returns a proxy posing as a tensor (Tensor prototype)", build: (c) => wrap(c, () => `const any = ${ANYTHING};`, { result: `new Proxy(Object.create(Tensor.prototype), { get: (t, k) => (k === "then" ? undefined : k === Symbol.toPrimitive ? () => 0 : any) })` }), expect: "no-points" },
  { family: "proxy", name: "returns a proxy of a real tensor that lies about shape and values", build: (c) => wrap(c, () => ``, { result: `new Proxy(torch.zeros(2), { get: (t, k) => (k === "shape" ? [2] : k === "item" ? () => 0 : Reflect.get(t, k)) })` }), expect: "no-points" },
  { family: "proxy", name: "a graded name bound to a proxy that answers anything", each: "graded", build: (c) => replace(c, c.name, ANYTHING), expect: "no-points" },
  { family: "getter", name: "returns an object whose every property access throws", build: (c) => wrap(c, () => ``, { result: `new Proxy({}, { get(t, k) { throw new Error("no property " + String(k)); }, getPrototypeOf() { throw new Error("no prototype"); }, has() { throw new Error("no has"); } })` }), expect: "no-points" },
  { family: "getter", name: "a graded value whose getters throw", each: "graded", build: (c) => (c.functions.includes(c.name) ? null : replace(c, c.name, `new Proxy({}, { get(t, k) { throw new Error("no property " + String(k)); } })`)), expect: "no-points" },
  { family: "getter", name: "throws an object whose message/name/stack getters throw", build: (c) => throwing(c, () => `throw { get message() { throw new Error("m"); }, get name() { throw new Error("n"); }, get stack() { throw new Error("s"); }, toString() { throw new Error("t"); } };`), expect: "fails-with-message" },
  { family: "getter", name: "throws a proxy whose every trap throws", build: (c) => throwing(c, () => `throw new Proxy({}, { get() { throw new Error("get"); }, getPrototypeOf() { throw new Error("proto"); }, has() { throw new Error("has"); }, ownKeys() { throw new Error("keys"); }, getOwnPropertyDescriptor() { throw new Error("desc"); } });`), expect: "fails-with-message" },
  { family: "getter", name: "throws a revoked proxy", build: (c) => throwing(c, () => `const r = Proxy.revocable({}, {}); r.revoke(); throw r.proxy;`), expect: "fails-with-message" },
  { family: "getter", name: "throws an Error subclass whose name getter throws", build: (c) => throwing(c, () => `class E extends Error { get name() { throw new Error("name"); } } throw new E("boom");`), expect: "fails-with-message" },
  { family: "getter", name: "throws a Symbol, a null-prototype object and undefined", build: (c) => throwing(c, (n) => (n === c.functions[0] ? `throw Symbol("s");` : n === c.functions[1] ? `throw Object.create(null);` : `throw undefined;`)), expect: "fails-with-message" },
  { family: "getter", name: "throws a proxy whose every trap throws, at top level", build: (c) => before(c, `throw new Proxy({}, { get() { throw new Error("get"); }, getPrototypeOf() { throw new Error("proto"); } });`), expect: "fails-with-message" },
  { family: "subclass", name: "returns a Tensor subclass whose methods say yes", build: (c) => wrap(c, () => ``, { prelude: `class FakeTensor extends Tensor { item() { return 0; } allclose() { return true; } equal() { return true; } all() { return true; } }`, result: `Object.setPrototypeOf(result && typeof result === "object" ? result : torch.zeros(1), FakeTensor.prototype)` }), expect: "no-points" },
  { family: "subclass", name: "returns a Tensor subclass whose detach/contiguous lie", build: (c) => wrap(c, () => ``, { prelude: `class LyingTensor extends Tensor { detach() { return this; } contiguous() { return this; } numel() { return 0; } get shape() { return [2]; } }`, result: `Object.setPrototypeOf(torch.zeros(2), LyingTensor.prototype)` }), expect: "no-points" },

  // Huge messages and outputs.
  { family: "huge", name: "throws a 50 MB message at top level", build: (c) => before(c, `throw new Error("x".repeat(${FIFTY_MB}));`), expect: "fails-with-message", message: CUT_OR_LIMIT, heavy: true },
  { family: "huge", name: "throws a 50 MB message inside the function", build: (c) => throwing(c, () => `throw new Error("x".repeat(${FIFTY_MB}));`), expect: "fails-with-message", message: CUT_OR_LIMIT, messageWhere: "some", heavy: true },
  { family: "huge", name: "throws a 50 MB string (not an Error)", build: (c) => throwing(c, () => `throw "x".repeat(${FIFTY_MB});`), expect: "fails-with-message", message: CUT_OR_LIMIT, messageWhere: "some", heavy: true },
  { family: "huge", name: "throws an Error whose name is 50 MB", build: (c) => throwing(c, () => `const e = new Error("short"); e.name = "N".repeat(${FIFTY_MB}); throw e;`), expect: "fails-with-message", message: CUT_OR_LIMIT, messageWhere: "some", heavy: true },
  { family: "huge", name: "prints 10^6 lines at top level", build: (c) => before(c, `for (let i = 0; i < 1e6; i++) { print("line " + i); console.log("line", i); }`), expect: "no-points", slow: true },
  { family: "huge", name: "prints 10^6 lines inside the function", build: (c) => wrap(c, () => `for (let i = 0; i < 1e6; i++) console.log("line " + i);`), expect: "no-points", slow: true },
  { family: "huge", name: "returns a 10^7-element tensor", build: (c) => wrap(c, () => ``, { result: `torch.zeros(10000000)` }), expect: "no-points", slow: true },
  { family: "huge", name: "returns a 100 MB string", build: (c) => wrap(c, () => ``, { result: `"x".repeat(${HUNDRED_MB})` }), expect: "no-points", heavy: true },
  { family: "huge", name: "prints a 100 MB string", build: (c) => before(c, `print("x".repeat(${HUNDRED_MB}));`), expect: "no-points", heavy: true },
  { family: "huge", name: "returns an array of 10^6 numbers", build: (c) => wrap(c, () => ``, { result: `Array.from({ length: 1e6 }, (_, i) => i)` }), expect: "no-points", slow: true },

  // Time and memory.
  { family: "limits", name: "while (true) {} at top level", build: (c) => before(c, `while (true) {}`), expect: "fails-with-message", message: TIME, slow: true },
  { family: "limits", name: "while (true) {} inside the function", build: (c) => throwing(c, () => `while (true) {}`), expect: "fails-with-message", message: TIME, messageWhere: "some", slow: true },
  { family: "limits", name: "an infinite loop that catches every error", build: (c) => before(c, `for (;;) { try { for (;;) {} } catch (e) {} }`), expect: "fails-with-message", message: TIME, slow: true },
  { family: "limits", name: "await new Promise(() => {}) at top level", build: (c) => before(c, `await new Promise(() => {});`), expect: "fails-with-message", message: TIME, slow: true },
  { family: "limits", name: "a memory bomb at top level", build: (c) => before(c, `const hog = []; while (true) hog.push(new Float64Array(1 << 20));`), expect: "fails-with-message", message: MEMORY_OR_TIME, slow: true },
  { family: "limits", name: "a memory bomb inside the function", build: (c) => throwing(c, () => `const hog = []; while (true) hog.push(new Float64Array(1 << 20));`), expect: "fails-with-message", message: MEMORY_OR_TIME, messageWhere: "some", slow: true },
  { family: "limits", name: "unbounded recursion", build: (c) => throwing(c, () => `const f = () => f() + 1; f();`), expect: "fails-with-message" },
];
