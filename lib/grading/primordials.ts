/**
 * The built-ins grading code relies on, captured once when the grading modules load (before
 * any learner code runs), like Node's primordials. A learner who later replaces `Math.abs`,
 * `Array.isArray`, `Reflect.apply` or `Promise.prototype.then` changes nothing a check, the
 * membrane or the lockdown does: they call these.
 */
export const MathAbs = Math.abs;
export const MathMax = Math.max;
export const NumberIsNaN = Number.isNaN;
export const NumberIsFinite = Number.isFinite;
export const StringOf = String;
export const JsonStringify = JSON.stringify;
export const ArrayIsArray = Array.isArray;

export const ObjectFreeze = Object.freeze;
export const ObjectIs = Object.is;
export const ObjectHasOwn = Object.hasOwn;
export const ObjectPreventExtensions = Object.preventExtensions;
export const ObjectIsFrozen = Object.isFrozen;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const ObjectGetOwnPropertyDescriptors = Object.getOwnPropertyDescriptors;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectPrototype = Object.prototype;

export const ReflectApply = Reflect.apply;
export const ReflectConstruct = Reflect.construct;
export const ReflectOwnKeys = Reflect.ownKeys;

export const FunctionPrototype = Function.prototype;
export const FunctionToString = Function.prototype.toString;
export const ProxyConstructor = Proxy;
export const PromiseConstructor = Promise;
export const PromiseResolve = Promise.resolve;
export const PromiseThen = Promise.prototype.then;
export const WeakMapConstructor = WeakMap;
export const SetConstructor = Set;
export const TypeErrorConstructor = TypeError;
