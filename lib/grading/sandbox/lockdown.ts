/**
 * Freezes what a check relies on before the learner's code runs in the grading isolate:
 * the JavaScript intrinsics (Object, Array, Math, typed arrays, Promise, ...), every
 * global binding, the engine's namespaces and classes, and the assertion helpers. After
 * this, `Math.abs = () => 0`, `Array.prototype.every = () => true`,
 * `Tensor.prototype.sub = ...` or `F.relu = myRelu` either throw or change nothing.
 *
 * Freezing a prototype has one well-known side effect (the "override mistake"): assigning
 * `this.name = "MyError"` on an instance fails when `name` is a frozen data property of a
 * prototype. Like SES, we turn the properties code commonly assigns that way into
 * accessors whose setter defines an own property on the instance instead.
 *
 * It also replaces Function.prototype.toString: while a check runs, the source of every
 * function reads as hidden, so a learner function handed one of a check's callbacks cannot
 * print the check's code.
 */
import { ObjectFreeze, ObjectPreventExtensions, ObjectIsFrozen, ObjectGetPrototypeOf, ObjectGetOwnPropertyDescriptor, ObjectGetOwnPropertyDescriptors, ObjectDefineProperty, ReflectOwnKeys, FunctionToString, ReflectApply } from "../primordials";

/** Prototype properties code assigns on instances (`this.name = ...`, `obj.toString = ...`). */
const OVERRIDABLE: Record<string, readonly string[]> = {
  Object: ["constructor", "toString", "valueOf", "toLocaleString", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"],
  Error: ["name", "message", "constructor", "toString"],
  Function: ["constructor", "toString", "apply", "call", "bind"],
  Array: ["constructor", "toString", "push", "concat", "join", "slice", "map", "forEach"],
  Promise: ["constructor", "then", "catch", "finally"],
};
const ERROR_NAMES = ["Error", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError", "AggregateError"];

function makeOverridable(proto: object, name: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(proto, name);
  if (!descriptor || !("value" in descriptor) || !descriptor.writable || !descriptor.configurable) return;
  const value: unknown = descriptor.value;
  ObjectDefineProperty(proto, name, {
    configurable: false,
    enumerable: descriptor.enumerable,
    get() {
      return value;
    },
    set(this: object, next: unknown) {
      if (this === proto) throw new TypeError(`Cannot assign to read only property '${name}' of a frozen built-in`);
      ObjectDefineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
    },
  });
}

function enableOverrides(globals: Record<string, unknown>): void {
  for (const [constructorName, names] of Object.entries(OVERRIDABLE)) {
    const targets = constructorName === "Error" ? ERROR_NAMES : [constructorName];
    for (const target of targets) {
      const proto = (globals[target] as { prototype?: object } | undefined)?.prototype;
      if (proto) for (const name of names) makeOverridable(proto, name);
    }
  }
}

/**
 * Freezes one object property by property, then stops extensions: the same result as
 * Object.freeze (Object.isFrozen is true), but Object.freeze moves V8 objects to "frozen
 * elements" maps, and doing that to Object.prototype or the typed-array prototypes turns off
 * V8's fast paths for every array and typed array in the realm (the engine ran 4-5x slower).
 */
function lockObject(value: object): void {
  const descriptors = ObjectGetOwnPropertyDescriptors(value);
  for (const key of ReflectOwnKeys(descriptors)) {
    const descriptor = descriptors[key as string];
    if (!descriptor.configurable && (!("value" in descriptor) || !descriptor.writable)) continue;
    ObjectDefineProperty(value, key, "value" in descriptor ? { value: descriptor.value, writable: false, enumerable: descriptor.enumerable, configurable: false } : { get: descriptor.get, set: descriptor.set, enumerable: descriptor.enumerable, configurable: false });
  }
  ObjectPreventExtensions(value);
}

/**
 * Deep-freezes objects, functions and their prototypes; leaves instances that hold state alone.
 * `seen` carries over between calls: what one walk reached, the next skips. `freeze` freezes one object.
 */
function harden(root: unknown, isStatefulInstance: (value: object) => boolean, seen: Set<object>, freeze: (value: object) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) continue; // typed arrays cannot be frozen
    if (value === globalThis || (typeof value === "object" && isStatefulInstance(value))) continue;
    if (!ObjectIsFrozen(value)) freeze(value);
    stack.push(ObjectGetPrototypeOf(value));
    // Key by key rather than Object.getOwnPropertyDescriptors: the same descriptors (the same traps on
    // a Proxy), without building an object of them, which for prototypes of a thousand properties (the
    // containers' negative indices) is a dictionary read back key by key. The lockdown took ~40 % less.
    for (const key of ReflectOwnKeys(value)) {
      const descriptor = ObjectGetOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      if ("value" in descriptor) stack.push(descriptor.value);
      else {
        stack.push(descriptor.get);
        stack.push(descriptor.set);
      }
    }
  }
}

/** Plain namespace objects, functions and prototypes are frozen; class instances keep their state. */
function isInstanceWithState(value: object): boolean {
  const proto = ObjectGetPrototypeOf(value) as object | null;
  if (proto === null || proto === Object.prototype) return false;
  // A prototype object is reachable as some constructor's `.prototype`: it has its own `constructor`.
  if (Object.prototype.hasOwnProperty.call(value, "constructor")) return false;
  return true;
}

let hidingSources = false;

/** Function.prototype.toString, but sources read as hidden while a check runs. */
function toStringWhileGrading(this: unknown): string {
  const text = ReflectApply(FunctionToString, this, []) as string;
  if (!hidingSources || text.endsWith("{ [native code] }")) return text;
  return "function () { [source hidden while grading] }";
}

/** Functions and classes a dependency cell defined: frozen with their prototypes, so code that gets hold of one cannot patch it. */
export function hardenDefinitions(values: readonly unknown[]): void {
  for (const value of values) {
    if (typeof value !== "function") continue;
    if (!ObjectIsFrozen(value)) lockObject(value);
    const proto = (value as { prototype?: unknown }).prototype;
    if (typeof proto === "object" && proto !== null && !ObjectIsFrozen(proto)) lockObject(proto);
  }
}

export interface Lockdown {
  /** Hides function sources (from toString) until called with false. */
  hideSources(hide: boolean): void;
  /** Global names that existed at lockdown: any other global was created by learner code. */
  originalGlobals: ReadonlySet<string>;
}

/**
 * Intrinsics no global names: the constructors and prototypes of generator and async functions and the
 * built-in iterators' prototypes. Any generator, async function or iterator leads to them, so they are
 * frozen like the rest (the engine's own generators happen to reach some; these reach all).
 */
function hiddenIntrinsics(): object[] {
  return [
    function* () {},
    async function () {},
    async function* () {},
    [][Symbol.iterator](),
    new Map()[Symbol.iterator](),
    new Set()[Symbol.iterator](),
    ""[Symbol.iterator](),
    /x/g[Symbol.matchAll](""),
  ].map((instance) => ObjectGetPrototypeOf(instance) as object);
}

/**
 * Locks the realm down. `trusted` are the extra roots to freeze (the engine namespaces,
 * `expect`, the runner). Call once, after the engine loaded and before any learner code.
 */
export function lockdown(trusted: readonly unknown[]): Lockdown {
  const globals = globalThis as unknown as Record<string, unknown>;
  ObjectDefineProperty(Function.prototype, "toString", { value: toStringWhileGrading, writable: true, enumerable: false, configurable: true });
  enableOverrides(globals);
  const globalNames = ReflectOwnKeys(globalThis).filter((key): key is string => typeof key === "string");
  // The global object itself stays extensible (sloppy learner code may create globals); its
  // existing bindings are made read-only below.
  // The built-ins first, property by property (see lockObject). Whatever the engine adds after that is
  // its own objects, for Object.freeze: one call per object, about half the lockdown's time otherwise.
  const seen = new Set<object>();
  for (const name of globalNames) if (globals[name] !== globalThis) harden(globals[name], isInstanceWithState, seen, lockObject);
  for (const intrinsic of hiddenIntrinsics()) harden(intrinsic, isInstanceWithState, seen, lockObject);
  for (const root of trusted) harden(root, isInstanceWithState, seen, ObjectFreeze);
  // Every existing global binding becomes read-only: `Math = fake` or `globalThis.JSON = fake` changes nothing.
  for (const name of globalNames) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    if (descriptor && descriptor.configurable) {
      ObjectDefineProperty(globalThis, name, { ...descriptor, ...("value" in descriptor ? { writable: false } : {}), configurable: false });
    }
  }
  return {
    hideSources(hide: boolean) {
      hidingSources = hide;
    },
    originalGlobals: new Set(globalNames),
  };
}
