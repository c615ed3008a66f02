/**
 * The boundary between a check and the learner's code. A check never holds a learner value
 * directly: the names it grades go through here.
 *
 * - Into the learner's code (arguments of a graded function): fresh copies. Tensors are
 *   `clone()`d, which autograd records, so a gradient still flows back to the check's tensor,
 *   but `x.zero_()` in the learner's function cannot change the input the check computes its
 *   reference from. Arrays and plain objects are copied; modules, their parameters and other
 *   class instances are handed over as they are (an exercise may ask to change a model or
 *   step its parameters in place).
 * - Out of the learner's code (results, graded values): tensors must be tensors the engine
 *   made (no Proxy, no object posing as one, no own property shadowing a Tensor method);
 *   arrays and plain objects are copied to plain data, so a getter or a Proxy answers once
 *   and cannot change its answer between two reads of the check; plain functions are wrapped
 *   the same way.
 *
 * Everything here is strict-mode code, so a learner function that reads `arguments.callee
 * .caller` or `fn.caller` while a check calls it gets null, never the check.
 */
import { isGenuineTensor, nn, Tensor } from "../tensor";
import { ReflectApply, ReflectConstruct, ReflectOwnKeys, ObjectGetPrototypeOf, ObjectGetOwnPropertyDescriptor, ObjectHasOwn, ArrayIsArray, ProxyConstructor, FunctionToString, PromiseConstructor, PromiseResolve, PromiseThen, WeakMapConstructor, TypeErrorConstructor, ObjectPrototype, FunctionPrototype } from "./primordials";

const AsyncFunctionPrototype = ObjectGetPrototypeOf(async function () {}) as object;
const TensorPrototype = Tensor.prototype;
const TensorClone = Tensor.prototype.clone;
const ParameterConstructor = nn.Parameter as unknown as abstract new (...args: never[]) => object;
const ModuleConstructor = nn.Module as unknown as abstract new (...args: never[]) => object;

/** Deeper than this, a result is refused rather than walked. */
const MAX_DEPTH = 32;

/** A value the learner's code produced that a check must not be handed. */
export class LearnerValueError extends TypeErrorConstructor {
  constructor(message: string) {
    super(message);
    this.name = "TypeError";
  }
}

function isPlainObject(value: object): boolean {
  const proto = ObjectGetPrototypeOf(value) as object | null;
  return proto === ObjectPrototype || proto === null;
}

function isPlainFunction(value: unknown): value is (...args: unknown[]) => unknown {
  if (typeof value !== "function") return false;
  const proto = ObjectGetPrototypeOf(value) as object | null;
  return proto === FunctionPrototype || proto === AsyncFunctionPrototype;
}

/** Own properties of a tensor that shadow a Tensor method or getter (`t.sub = () => zeros`). */
function shadowedTensorMember(tensor: Tensor): string | null {
  // Symbol keys too: an own [Symbol.iterator] would change what `for (const row of t)` gives a check.
  for (const key of ReflectOwnKeys(tensor)) {
    let proto: object | null = ObjectGetPrototypeOf(tensor) as object | null;
    while (proto !== null && proto !== ObjectPrototype) {
      if (ObjectHasOwn(proto, key)) return typeof key === "string" ? key : `[${key.description ?? "symbol"}]`;
      proto = ObjectGetPrototypeOf(proto) as object | null;
    }
  }
  return null;
}

/**
 * A copy of an array or a plain object, each element (the length read once) or own enumerable
 * string-keyed property copied by `copyItem`; undefined for anything else. Accessor properties
 * are read once when `readAccessors` (a getter answers here, and the copy keeps the value it
 * gave), else skipped. The copy is in `seen` before its items are copied, so cycles close.
 */
function copyContainer(value: object, seen: WeakMap<object, unknown>, copyItem: (item: unknown) => unknown, readAccessors: boolean): unknown[] | Record<string, unknown> | undefined {
  if (ArrayIsArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    const length = value.length;
    for (let i = 0; i < length; i++) copy.push(copyItem(value[i]));
    return copy;
  }
  if (!isPlainObject(value)) return undefined;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const key of ReflectOwnKeys(value)) {
    if (typeof key !== "string") continue;
    const descriptor = ObjectGetOwnPropertyDescriptor(value, key);
    if (!descriptor || !descriptor.enumerable) continue;
    if ("value" in descriptor) copy[key] = copyItem(descriptor.value);
    else if (readAccessors) copy[key] = copyItem((value as Record<string, unknown>)[key]);
  }
  return copy;
}

/** A copy of what a check passes into the learner's code. */
export function freshCopy(value: unknown, seen: WeakMap<object, unknown> = new WeakMapConstructor(), depth = 0): unknown {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  // A parameter is a model's state, like the module that holds it: an exercise may ask to
  // update it in place (an optimizer step, gradient clipping), so it is handed over as it is.
  if (value instanceof ParameterConstructor) return value;
  if (isGenuineTensor(value)) {
    const copy = ReflectApply(TensorClone, value, []) as Tensor;
    seen.set(value, copy);
    return copy;
  }
  if (depth >= MAX_DEPTH || typeof value === "function") return value;
  const copy = copyContainer(value, seen, (item) => freshCopy(item, seen, depth + 1), false);
  return copy ?? value; // modules, optimizers, datasets, ...: the learner may act on them
}

/**
 * Refuses the two shapes a value can take to answer anything a check asks: a callable Proxy
 * (its traps can return itself for every property, so `for (const layer of model.modules())`
 * runs zero times and a lax check passes having tested nothing) and an object posing as a
 * module. V8 prints every callable Proxy, like a bound or built-in function, as native code;
 * an engine module, a learner's function or class prints its source.
 */
export function refuseImpostor(value: object): void {
  if (typeof value === "function") {
    let source: string;
    try {
      source = ReflectApply(FunctionToString, value, []) as string;
    } catch {
      source = "{ [native code] }"; // a revoked Proxy
    }
    if (source.endsWith("{ [native code] }")) throw new LearnerValueError("your code returned a Proxy, a bound or a built-in function where the exercise expects your own function, model or value");
  } else if (value instanceof ModuleConstructor) {
    throw new LearnerValueError("your code returned an object posing as a module (a real nn.Module can be called): return the model itself");
  }
}

/** What the learner's code produced, made safe for a check to look at. */
export function learnerValue(value: unknown, seen: WeakMap<object, unknown> = new WeakMapConstructor(), depth = 0): unknown {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (depth >= MAX_DEPTH) throw new LearnerValueError(`your code returned a value nested more than ${MAX_DEPTH} levels deep`);
  if (value instanceof Tensor || (typeof value === "object" && ObjectGetPrototypeOf(value) === TensorPrototype)) {
    if (!isGenuineTensor(value)) throw new LearnerValueError("your code returned an object posing as a tensor (a Proxy or a copy of the prototype): return a tensor made by torch");
    const shadowed = shadowedTensorMember(value);
    if (shadowed !== null) throw new LearnerValueError(`your code returned a tensor with its own "${shadowed}" property, which hides the tensor's own; return an ordinary tensor`);
    seen.set(value, value);
    return value;
  }
  refuseImpostor(value);
  if (typeof value === "function") {
    if (!isPlainFunction(value)) return value; // a module (callable) or a class
    const guarded = guardLearnerFunction(value);
    seen.set(value, guarded);
    return guarded;
  }
  const copy = copyContainer(value, seen, (item) => learnerValue(item, seen, depth + 1), true);
  return copy ?? value; // a module, an optimizer, another class instance: the check uses it as it is
}

/**
 * The learner's function (or class) as a check calls it: arguments copied on the way in,
 * the result checked on the way out. Calls and `new` both work, and `instanceof` sees the
 * learner's class through the proxy.
 */
export function guardLearnerFunction<T extends object>(target: T): T {
  const guarded: T = new ProxyConstructor(target, {
    apply(fn, thisArgument, args: unknown[]) {
      const seen = new WeakMapConstructor<object, unknown>();
      const copies = args.map((arg) => freshCopy(arg, seen));
      return settle(ReflectApply(fn as (...a: unknown[]) => unknown, thisArgument, copies));
    },
    construct(fn, args: unknown[], newTarget) {
      const seen = new WeakMapConstructor<object, unknown>();
      const copies = args.map((arg) => freshCopy(arg, seen));
      // A check's `new Graded()` arrives with the proxy itself as newTarget.
      const target = (newTarget === guarded ? fn : newTarget) as new (...a: unknown[]) => object;
      return ReflectConstruct(fn as new (...a: unknown[]) => object, copies, target) as object;
    },
  });
  return guarded;
}

/**
 * A promise the learner returned settles into a checked value. Promise.resolve turns a
 * thenable or a Promise subclass into an ordinary promise first, so the learner's `then`
 * cannot stand in for ours.
 */
function settle(result: unknown): unknown {
  if (result === null || (typeof result !== "object" && typeof result !== "function")) return result;
  if (!(result instanceof PromiseConstructor)) return learnerValue(result);
  const native = ReflectApply(PromiseResolve, PromiseConstructor, [result]) as Promise<unknown>;
  return ReflectApply(PromiseThen, native, [(value: unknown) => learnerValue(value)]);
}
