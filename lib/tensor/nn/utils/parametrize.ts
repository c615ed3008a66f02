/**
 * torch.nn.utils.parametrize, as PyTorch 1.13's parametrize.py:
 *
 * register_parametrization(module, "weight", P) moves the tensor into
 * module.parametrizations.weight.original (a ParametrizationList, so state_dict keys are
 * PyTorch's "parametrizations.weight.original") and turns module.weight into a property whose
 * getter returns P(original) (P1(P0(original)) for several) and whose setter stores
 * right_inverse(value). As in PyTorch, the module's class is swapped for a subclass named
 * "Parametrized<Class>" that carries the property; removing the last parametrization restores
 * the class. cached(fn) computes each parametrized tensor once while fn runs.
 */
import { checkKeywords, checkNoMoreArgs, isOptions, parseArgs } from "../../args";
import { no_grad } from "../../autograd/grad_mode";
import { leadingArgs } from "../../leading_args";
import { NotImplementedError, RuntimeError, TypeError_, ValueError } from "../../errors";
import { Tensor } from "../../tensor";
import { Module, moduleTypeName } from "../module";
import { ModuleDict, ModuleList } from "../modules/container";
import { Parameter } from "../parameter";

type Slots = Record<string, unknown>;
const slotsOf = (m: Module) => m as unknown as Slots;
const shapeStr = (t: Tensor) => `torch.Size([${t.shape.join(", ")}])`;
const sameShape = (a: Tensor, b: Tensor) => a.shape.length === b.shape.length && a.shape.every((s, i) => s === b.shape[i]);
const typeOf = (v: unknown) => (v === null || v === undefined ? "NoneType" : Array.isArray(v) ? "list" : v instanceof Tensor ? "Tensor" : typeof v);

// ---- cached() ----
let cacheEnabled = 0;
let cache = new Map<Module, Map<string, Tensor>>();

/** While fn runs, each parametrized tensor is computed once (then reused): `parametrize.cached(() => { ... })`. */
export function cached<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError_("cached(): pass the code to run as a function, as with torch.no_grad(() => ...)");
  cacheEnabled++;
  try {
    return fn();
  } finally {
    cacheEnabled--;
    if (!cacheEnabled) cache = new Map();
  }
}

function registerParameterOrBuffer(module: Module, name: string, x: Tensor): void {
  if (x instanceof Parameter) module.register_parameter(name, x);
  else module.register_buffer(name, x);
}

type RightInverse = { right_inverse?: (x: Tensor) => Tensor | Tensor[] };

/** Calls m.right_inverse(x) if m has one; undefined when it has none or raises NotImplementedError. */
function tryRightInverse(m: Module, x: Tensor | Tensor[]): Tensor | Tensor[] | undefined {
  const ri = (m as unknown as RightInverse).right_inverse;
  if (typeof ri !== "function") return undefined;
  try {
    return ri.call(m, x as Tensor);
  } catch (e) {
    if (e instanceof NotImplementedError) return undefined;
    throw e;
  }
}

/** In-place replacement of a tensor's contents, shape and dtype kept (PyTorch's original.set_(new)). */
function setContents(target: Tensor, value: Tensor): void {
  target.data = value.detach().clone();
}

/** The parametrizations of one tensor, applied in order to `original` (or original0, original1, ...). */
export class ParametrizationList extends ModuleList {
  declare unsafe: boolean;
  declare is_tensor: boolean;
  declare ntensors: number;

  constructor(modules: Module[], original: Tensor, unsafe = false) {
    if (modules.length === 0) throw new ValueError("ParametrizationList requires one or more modules.");
    super(modules);
    for (const [k, v] of Object.entries({ unsafe, is_tensor: true, ntensors: 1 })) {
      Object.defineProperty(this, k, { value: v, writable: true, configurable: true, enumerable: false });
    }
    const originalShape = original.shape.slice();
    const originalDtype = original.dtype;
    const next = no_grad(() => {
      let n: Tensor | Tensor[] = original;
      for (const m of [...this].reverse()) n = tryRightInverse(m, n) ?? n;
      return n;
    });
    if (!(next instanceof Tensor) && !Array.isArray(next)) {
      throw new ValueError(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got ${typeOf(next)}`);
    }
    this.is_tensor = next instanceof Tensor;
    this.ntensors = next instanceof Tensor ? 1 : next.length;
    if (next instanceof Tensor) {
      if (next.dtype !== original.dtype) {
        throw new ValueError(
          `When \`right_inverse\` outputs one tensor, it may not change the dtype.\noriginal.dtype: torch.${original.dtype.name}\nright_inverse(original).dtype: torch.${next.dtype.name}`,
        );
      }
      if (next !== original) setContents(original, next);
      registerParameterOrBuffer(this, "original", original);
    } else {
      next.forEach((o, i) => {
        if (!(o instanceof Tensor)) {
          throw new ValueError(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got element ${i} of the sequence with type ${typeOf(o)}.`);
        }
        const oi = original instanceof Parameter ? new Parameter(o.detach()) : o;
        oi.requires_grad_(original.requires_grad);
        registerParameterOrBuffer(this, `original${i}`, oi);
      });
    }
    if (!this.unsafe) {
      const z = this.forward();
      if (!(z instanceof Tensor)) throw new ValueError(`A parametrization must return a tensor. Got ${typeOf(z)}.`);
      if (z.dtype !== originalDtype) {
        throw new ValueError(
          `Registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized dtype: torch.${originalDtype.name}\nparametrized dtype: torch.${z.dtype.name}`,
        );
      }
      if (!sameShape(z, original) || z.shape.length !== originalShape.length || z.shape.some((s, i) => s !== originalShape[i])) {
        throw new ValueError(
          `Registering a parametrization may not change the shape of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized shape: torch.Size([${originalShape.join(", ")}])\nparametrized shape: ${shapeStr(z)}`,
        );
      }
    }
  }

  /** Stores value through the right inverses, last parametrization first. */
  right_inverse(value: Tensor | Tensor[]): void {
    no_grad(() => {
      for (const m of [...this].reverse()) {
        const ri = (m as unknown as RightInverse).right_inverse;
        if (typeof ri !== "function") throw new RuntimeError(`parametrization ${m._get_name()} does not implement right_inverse.`);
        value = ri.call(m, value as Tensor);
      }
      const slots = slotsOf(this);
      if (this.is_tensor) {
        if (!(value instanceof Tensor)) throw new ValueError(`\`right_inverse\` should return a tensor. Got ${typeOf(value)}`);
        const original = slots.original as Tensor;
        if (value.dtype !== original.dtype) {
          throw new ValueError(`The tensor returned by \`right_inverse\` has dtype torch.${value.dtype.name} while \`original\` has dtype torch.${original.dtype.name}`);
        }
        setContents(original, value);
      } else {
        if (!Array.isArray(value)) throw new ValueError(`'right_inverse' must return a sequence of tensors. Got ${typeOf(value)}.`);
        if (value.length !== this.ntensors) {
          throw new ValueError(`'right_inverse' must return a sequence of tensors of length ${this.ntensors}. Got a sequence of lenght ${value.length}.`);
        }
        value.forEach((t, i) => {
          const oi = slots[`original${i}`] as Tensor;
          if (!(t instanceof Tensor)) throw new ValueError(`\`right_inverse\` must return a sequence of tensors. Got element ${i} of type ${typeOf(t)}`);
          if (oi.dtype !== t.dtype) throw new ValueError(`Tensor ${i} returned by \`right_inverse\` has dtype torch.${t.dtype.name} while \`original${i}\` has dtype torch.${oi.dtype.name}`);
          setContents(oi, t);
        });
      }
    });
  }

  forward(): Tensor {
    const slots = slotsOf(this);
    const mods = [...this];
    const call = (m: Module, ...a: unknown[]) => (m as unknown as (...x: unknown[]) => Tensor)(...a);
    let x = this.is_tensor
      ? call(mods[0], slots.original)
      : call(mods[0], ...Array.from({ length: this.ntensors }, (_, i) => slots[`original${i}`]));
    for (let i = 1; i < mods.length; i++) x = call(mods[i], x);
    return x;
  }
}

Object.defineProperty(ParametrizationList, "__name__", { value: "ParametrizationList" });

function parametrizationsOf(module: Module): ModuleDict | null {
  const p = slotsOf(module).parametrizations;
  return p instanceof ModuleDict ? p : null;
}

/** True if module has any parametrization (or one on tensor_name). */
export function is_parametrized(module: Module, tensor_name?: string | null): boolean;
/** is_parametrized(module, tensor_name="weight") or every argument by keyword. */
export function is_parametrized(module: Module, options: { tensor_name?: string | null }): boolean;
export function is_parametrized(options: { module: Module; tensor_name?: string | null }): boolean;
export function is_parametrized(...all: unknown[]): boolean {
  const [module, ...args] = leadingArgs("is_parametrized", ["module"], 1, all) as [Module, ...unknown[]];
  const tensor_name = parseArgs<{ tensor_name: string | null }>("is_parametrized", ["tensor_name"], args).tensor_name ?? null;
  const p = parametrizationsOf(module);
  if (!p) return false;
  return tensor_name === null || tensor_name === undefined ? p.length > 0 : p.has(tensor_name);
}

/** The original class: PyTorch's module.__class__.__bases__[0] for a parametrized module. */
export function type_before_parametrizations(module: Module): new (...args: never[]) => Module;
/** type_before_parametrizations(module=m). */
export function type_before_parametrizations(options: { module: Module }): new (...args: never[]) => Module;
export function type_before_parametrizations(...all: unknown[]): new (...args: never[]) => Module {
  const [module, ...extra] = leadingArgs("type_before_parametrizations", ["module"], 1, all) as [Module, ...unknown[]];
  checkNoMoreArgs("type_before_parametrizations", extra);
  const ctor = module.constructor as new (...args: never[]) => Module;
  return is_parametrized(module) ? (Object.getPrototypeOf(ctor.prototype) as { constructor: new (...args: never[]) => Module }).constructor : ctor;
}

/** PyTorch's _inject_new_class: the module's class becomes a subclass named Parametrized<Class>. */
function injectNewClass(module: Module): void {
  const Base = module.constructor as new (...args: never[]) => Module;
  const name = `Parametrized${moduleTypeName(Base)}`;
  const Sub = {
    [name]: class extends (Base as unknown as typeof Module) {
      /** torch.save(module) refuses, as PyTorch's pickling of a parametrized module does. */
      __getstate__(): never {
        throw new RuntimeError(
          "Serialization of parametrized modules is only supported through state_dict(). See:\n" +
            "https://pytorch.org/tutorials/beginner/saving_loading_models.html#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training",
        );
      }
    },
  }[name];
  Object.defineProperty(Sub, "__name__", { value: name });
  Object.setPrototypeOf(module, Sub.prototype);
}

/** module[tensor_name] as a property of the injected class: the parametrized value, set through right_inverse. */
function injectProperty(module: Module, tensorName: string): void {
  Object.defineProperty(Object.getPrototypeOf(module) as object, tensorName, {
    configurable: true,
    enumerable: false,
    get(this: Module): Tensor {
      const plist = (parametrizationsOf(this) as ModuleDict).get(tensorName) as ParametrizationList;
      if (!cacheEnabled) return plist.forward();
      let m = cache.get(this);
      if (!m) cache.set(this, (m = new Map()));
      let t = m.get(tensorName);
      if (!t) m.set(tensorName, (t = plist.forward()));
      return t;
    },
    set(this: Module, value: Tensor) {
      ((parametrizationsOf(this) as ModuleDict).get(tensorName) as ParametrizationList).right_inverse(value);
    },
  });
}

/**
 * module[tensor_name] becomes parametrization(original): `register_parametrization(lin, "weight", new Symmetric())`.
 * `unsafe: true` skips the shape and dtype checks.
 */
export function register_parametrization<M extends Module>(module: M, tensor_name: string, parametrization: Module, options?: { unsafe?: boolean }): M;
/** register_parametrization(m, "weight", parametrization=P, unsafe=True), or more (or every) argument by keyword. */
export function register_parametrization<M extends Module>(module: M, tensor_name: string, options: { parametrization: Module; unsafe?: boolean }): M;
export function register_parametrization<M extends Module>(module: M, options: { tensor_name: string; parametrization: Module; unsafe?: boolean }): M;
export function register_parametrization<M extends Module>(options: { module: M; tensor_name: string; parametrization: Module; unsafe?: boolean }): M;
export function register_parametrization<M extends Module>(...all: unknown[]): M {
  const fn = "register_parametrization";
  const [module, tensor_name, parametrization, ...rest] = leadingArgs(fn, ["module", "tensor_name", "parametrization"], 3, all) as [M, string, Module, ...unknown[]];
  // unsafe is keyword-only (torch 1.13's `*, unsafe=False`)
  if (rest.length > 1 || (rest.length === 1 && !isOptions(rest[0]))) {
    throw new TypeError_(`${fn}() takes 3 positional arguments but ${3 + rest.filter((a) => !isOptions(a)).length} were given`);
  }
  const options = (rest[0] ?? {}) as { unsafe?: boolean };
  checkKeywords(fn, options, ["unsafe"]);
  if (!(parametrization instanceof Module)) throw new TypeError_(`register_parametrization(): parametrization must be a Module, got ${typeOf(parametrization)}`);
  const unsafe = options.unsafe ?? false;
  parametrization.train(module.training);
  const slots = slotsOf(module);
  if (is_parametrized(module, tensor_name)) {
    if (!unsafe) {
      const Y = slots[tensor_name] as Tensor;
      const X = (parametrization as unknown as (y: Tensor) => unknown)(Y);
      if (!(X instanceof Tensor)) throw new ValueError(`A parametrization must return a tensor. Got ${typeOf(X)}.`);
      if (X.dtype !== Y.dtype) {
        throw new ValueError(
          `Registering a parametrization may not change the dtype of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensor_name}.dtype: torch.${Y.dtype.name}\nparametrization(module.${tensor_name}).dtype: torch.${X.dtype.name}`,
        );
      }
      if (!sameShape(X, Y)) {
        throw new ValueError(
          `Registering a parametrization may not change the shape of the tensor, unless the \`unsafe\` flag is enabled.\nmodule.${tensor_name}.shape: ${shapeStr(Y)}\nparametrization(module.${tensor_name}).shape: ${shapeStr(X)}`,
        );
      }
      const Z = tryRightInverse(parametrization, X);
      if (Z !== undefined) {
        if (!(Z instanceof Tensor)) throw new ValueError(`parametrization.right_inverse must return a tensor. Got: ${typeOf(Z)}`);
        if (Z.dtype !== Y.dtype || !sameShape(Z, Y)) {
          throw new ValueError(`The tensor returned by parametrization.right_inverse must have the same dtype and shape as module.${tensor_name}, unless the \`unsafe\` flag is enabled.`);
        }
      }
    }
    const plist = (parametrizationsOf(module) as ModuleDict).get(tensor_name) as ParametrizationList;
    plist.append(parametrization);
    plist.unsafe = plist.unsafe || unsafe;
  } else if (module._buffer_names.has(tensor_name) || slots[tensor_name] instanceof Parameter) {
    const original = slots[tensor_name] as Tensor;
    const plist = new ParametrizationList([parametrization], original, unsafe);
    delete slots[tensor_name];
    module._buffer_names.delete(tensor_name);
    if (!is_parametrized(module)) {
      injectNewClass(module);
      slots.parametrizations = new ModuleDict();
    }
    injectProperty(module, tensor_name);
    (parametrizationsOf(module) as ModuleDict).set(tensor_name, plist);
  } else {
    throw new ValueError(`Module '${module.toString()}' does not have a parameter, a buffer, or a parametrized element with name '${tensor_name}'`);
  }
  return module;
}

/**
 * Undoes register_parametrization: module[tensor_name] is a parameter (or buffer) again, holding
 * the parametrized value (leave_parametrized = true, the default) or the original.
 */
export function remove_parametrizations<M extends Module>(
  module: M,
  tensor_name: string,
  ...args: [leave_parametrized?: boolean] | [{ leave_parametrized?: boolean }]
): M;
/** remove_parametrizations(m, tensor_name="weight", leave_parametrized=False), or every argument by keyword. */
export function remove_parametrizations<M extends Module>(module: M, options: { tensor_name: string; leave_parametrized?: boolean }): M;
export function remove_parametrizations<M extends Module>(options: { module: M; tensor_name: string; leave_parametrized?: boolean }): M;
export function remove_parametrizations<M extends Module>(...all: unknown[]): M {
  const [module, tensor_name, ...args] = leadingArgs("remove_parametrizations", ["module", "tensor_name"], 2, all) as [M, string, ...unknown[]];
  const leave = parseArgs<{ leave_parametrized: boolean }>("remove_parametrizations", ["leave_parametrized"], args).leave_parametrized ?? true;
  if (!is_parametrized(module, tensor_name)) throw new ValueError(`Module ${module.toString()} does not have a parametrization on ${tensor_name}`);
  const dict = parametrizationsOf(module) as ModuleDict;
  const plist = dict.get(tensor_name) as ParametrizationList;
  let original: Tensor;
  if (plist.is_tensor) {
    original = slotsOf(plist).original as Tensor;
    if (leave) {
      const t = no_grad(() => slotsOf(module)[tensor_name] as Tensor);
      setContents(original, t);
    }
  } else {
    if (!leave) throw new ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.");
    const t = slotsOf(module)[tensor_name] as Tensor;
    original = t.requires_grad ? new Parameter(t.detach()) : t;
  }
  delete (Object.getPrototypeOf(module) as Slots)[tensor_name];
  dict.pop(tensor_name);
  registerParameterOrBuffer(module, tensor_name, original);
  if (!is_parametrized(module)) {
    delete slotsOf(module).parametrizations;
    Object.setPrototypeOf(module, Object.getPrototypeOf(Object.getPrototypeOf(module)) as object);
  }
  return module;
}

/** Copies from_module's parametrizations (and originals) onto to_module, for tensor_name or all. */
export function transfer_parametrizations_and_params<M extends Module>(from_module: Module, to_module: M, tensor_name?: string | null): M;
/** transfer_parametrizations_and_params(a, b, tensor_name="weight"), or every argument by keyword. */
export function transfer_parametrizations_and_params<M extends Module>(from_module: Module, to_module: M, options: { tensor_name?: string | null }): M;
export function transfer_parametrizations_and_params<M extends Module>(from_module: Module, options: { to_module: M; tensor_name?: string | null }): M;
export function transfer_parametrizations_and_params<M extends Module>(options: { from_module: Module; to_module: M; tensor_name?: string | null }): M;
export function transfer_parametrizations_and_params<M extends Module>(...all: unknown[]): M {
  const fn = "transfer_parametrizations_and_params";
  const [from_module, to_module, ...args] = leadingArgs(fn, ["from_module", "to_module"], 2, all) as [Module, M, ...unknown[]];
  const tensor_name = parseArgs<{ tensor_name: string | null }>(fn, ["tensor_name"], args).tensor_name ?? null;
  const from = parametrizationsOf(from_module);
  if (!from || !is_parametrized(from_module)) return to_module;
  for (const name of tensor_name === null ? from.keys() : [tensor_name]) {
    if (!(slotsOf(to_module)[name] instanceof Tensor)) slotsOf(to_module)[name] = new Parameter((slotsOf(from_module)[name] as Tensor).detach());
    const src = from.get(name) as ParametrizationList;
    for (const p of src) register_parametrization(to_module, name, p);
    const dst = (parametrizationsOf(to_module) as ModuleDict).get(name) as ParametrizationList;
    const s = slotsOf(src);
    if (s.original instanceof Tensor) slotsOf(dst).original = s.original;
    else for (let i = 0; s[`original${i}`] instanceof Tensor; i++) slotsOf(dst)[`original${i}`] = s[`original${i}`];
  }
  return to_module;
}

export const parametrize = {
  cached, ParametrizationList, register_parametrization, is_parametrized, remove_parametrizations,
  type_before_parametrizations, transfer_parametrizations_and_params,
};

