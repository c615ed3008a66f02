/**
 * nn.Module, the base of every layer and model.
 *
 * Callable instances: the constructor returns a function object whose prototype is the
 * subclass prototype, so `new nn.Linear(2, 3)` is both `instanceof nn.Module` and callable:
 * `model(x)` runs forward-pre hooks, `forward`, forward hooks and wires backward hooks, like
 * PyTorch's `Module.__call__`. The declaration-merged interface below types the call from the
 * subclass's own `forward`, so `model(x)` type-checks with the right argument and return types.
 * (A side benefit: the object does not inherit Function.prototype, so PyTorch's `apply` method
 * does not collide with Function.prototype.apply.)
 *
 * Registration: like PyTorch's `__setattr__`, assigning a Module or Parameter to a property
 * registers it (`this.fc1 = new nn.Linear(...)`); we discover them by scanning own
 * properties in insertion order instead of intercepting writes, which keeps property access
 * fast and the types plain (a Proxy would also be refused by the grader's membrane). Plain
 * arrays of modules are not registered, as in PyTorch: use nn.ModuleList. Buffers are
 * registered explicitly with `register_buffer`.
 *
 * Order: torch lists children and parameters in the order each name was first assigned one.
 * A class field declared without a value (`predict: nn.Linear;`: tsconfig's target ES2022
 * compiles fields with define semantics under Next, tsx, vitest and the kernel's sucrase) is
 * created, undefined, before the constructor's body runs, so creation order alone would list
 * it before attributes the body sets by name earlier (setattr in a loop). While a module may
 * be under construction, each construction of a module or parameter and each registration
 * settles its attributes (nn/attribute_order.ts, settleAttributes below): what the body
 * assigned since the last settle comes after what was assigned before and before the fields
 * still unassigned (those move after it). Declared fields otherwise keep the order the class
 * lists them in, field initializers included: `silu = new nn.SiLU()` runs before the body
 * but is listed where it is declared, as learners mirror Python's __init__ in the field
 * list. A plain attribute holding null is watched by an accessor that turns it back into a
 * plain property, last, when it is first assigned a module or parameter (torch registers it
 * then). A reassigned name keeps its place; a deleted one assigned again goes last.
 * A name no class declares as a field (set by name, or a `declare fc: nn.Linear;` field, which
 * emits nothing) was assigned by a constructor's body whenever it appears: it goes before the
 * slots still unassigned (declaresField reads the classes' source for their fields).
 * Known gap (nothing observable tells it apart from a field initializer): children built
 * before the constructor and assigned against the declared order with nothing built in
 * between keep the declared order.
 */
import { markZeroGrad } from "../autograd/engine";
import { record } from "../autograd/function";
import { is_grad_enabled, no_grad } from "../autograd/grad_mode";
import { checkKeywords, isOptions, parseArgs, type PyArgs } from "../args";
import { leadingArgs } from "../leading_args";
import { RuntimeError, TorchError, TypeError_, ValueError } from "../errors";
import { Tensor } from "../tensor";
import type { DType } from "../dtype";
import { Parameter } from "./parameter";
import { isComplexTensor } from "../complex_dtype";
import { checkDevice, parseModuleTo, unsupportedPrecision, type DeviceLike, type ToOptions } from "./placement";
import { addIndent, torchSize } from "./repr";
import { empty_like } from "../ops/creation";
import { markCustomFunctionView } from "../ops/views";
import { anyGlobalHooks, backwardHooksOf, globalForwardHooks, globalForwardPreHooks } from "./global_hooks";
import { anyPostHooks, IncompatibleKeysResult, incompatibleKeys, loadPostHooksOf, registerLoadPostHook, type LoadStateDictPostHook } from "./state_dict_hooks";
import { markBuilt, moduleConstructed, setAttributeSettler, settleConstructing } from "./attribute_order";
import { warnOnce } from "../warnings";
import { guardSlots, setModuleHooks, torchTypename as typeName } from "./slot_guards";
import { qualifiedModuleName } from "./module_paths";

export type ForwardPreHook = (module: Module, args: unknown[]) => unknown;
export type ForwardHook = (module: Module, args: unknown[], output: unknown) => unknown;
export type BackwardHook = (
  module: Module,
  grad_input: (Tensor | null)[],
  grad_output: (Tensor | null)[],
) => (Tensor | null)[] | Tensor | null | void;

export interface RemovableHandle {
  readonly id: number;
  remove(): void;
}

export type StateDict = Record<string, Tensor>;

/**
 * `print(model.state_dict())` shows torch's OrderedDict repr, not "[object Object]": the dict gets a
 * non-enumerable toString, so keys, entries, spreading, JSON and structured clones see only the tensors.
 */
export function printableAsOrderedDict<T extends Record<string, unknown>>(dict: T): T {
  Object.defineProperty(dict, "toString", {
    value: () => `OrderedDict([${Object.entries(dict).map(([key, value]) => `('${key}', ${String(value)})`).join(", ")}])`,
    enumerable: false, writable: true, configurable: true,
  });
  return dict;
}

/** Module.state_dict's keywords, as torch 1.13 (destination is filled and returned). */
export interface StateDictOptions {
  destination?: StateDict;
  prefix?: string;
  keep_vars?: boolean;
}

export interface IncompatibleKeys {
  missing_keys: string[];
  unexpected_keys: string[];
}

let nextHandleId = 0;

function handleFor(map: Map<number, unknown>, id: number): RemovableHandle {
  return { id, remove: () => void map.delete(id) };
}

/**
 * A boolean argument (`strict`, `recurse`, `persistent`, ...): its default when not given, else it
 * must be a boolean, so a mistyped `load_state_dict(sd, { strict: 0 })` raises instead of meaning true.
 */
function flag(fn: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") {
    const py = typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "string" ? "str" : typeName(v);
    throw new TypeError_(`${fn}(): argument '${name}' must be bool, not ${py}`);
  }
  return v;
}

/** Fields that every module carries; kept off the child/parameter scan. */
interface ModuleInternals {
  training: boolean;
  _buffer_names: Map<string, boolean>; // name -> persistent
  /**
   * Names registered as a parameter or a child module (register_parameter / add_module, None included),
   * so a slot holding null can be told apart: torch keeps `bias=None` in _parameters, a plain attribute not.
   */
  _slot_kinds: Map<string, "parameter" | "module">;
  _forward_pre_hooks: Map<number, ForwardPreHook>;
  _forward_hooks: Map<number, ForwardHook>;
  _backward_hooks: Map<number, BackwardHook>;
  /** Its own properties were walked once, so its registered names are guarded (nn/slot_guards.ts). */
  _slots_walked: boolean;
}

// Typed call from the subclass's forward: `linear(x)` has forward's parameters and result.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Module {
  (...args: Parameters<this["forward"]>): ReturnType<this["forward"]>;
}

/** nn.Parameter(z) of a complex tensor (parameter.ts ComplexParameter): registered as its real [..., 2] pair. */
function isComplexParameter(v: unknown): v is { _pair: Parameter } {
  return isComplexTensor(v) && (v as { _pair?: unknown })._pair instanceof Parameter;
}

/** all without its trailing undefined entries (a JS caller's omitted optional arguments). */
function trimmed(all: readonly unknown[]): unknown[] {
  let n = all.length;
  while (n > 0 && all[n - 1] === undefined) n--;
  return all.slice(0, n);
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Module {
  /**
   * The class name shown when printing and recorded when saving. Built-in layers set it
   * explicitly because bundlers may minify class names; user classes fall back to `name`.
   */
  declare static readonly __name__?: string;

  declare training: boolean;
  declare _buffer_names: Map<string, boolean>;
  declare _slot_kinds: Map<string, "parameter" | "module">;
  declare _forward_pre_hooks: Map<number, ForwardPreHook>;
  declare _forward_hooks: Map<number, ForwardHook>;
  declare _backward_hooks: Map<number, BackwardHook>;
  declare _slots_walked: boolean;

  constructor(...args: never[]) {
    // Reached with arguments only by a class without a constructor of its own (nn.Sigmoid,
    // nn.Tanh, ...), which takes none: `nn.Sigmoid({ inplace: true })` must raise as PyTorch.
    if (args.length > 0) {
      const cls = (new.target as unknown as { __name__?: string }).__name__ ?? new.target.name;
      const first = args[0] as unknown;
      if (isOptions(first)) {
        const key = Object.keys(first)[0];
        if (key !== undefined) throw new TypeError_(`${cls}.__init__() got an unexpected keyword argument '${key}'`);
      }
      throw new TypeError_(`${cls}.__init__() takes 1 positional argument but ${args.length + 1} were given`);
    }
    const self = ((...args: unknown[]) => self._call_impl(...args)) as unknown as Module;
    // A function's own `name`/`length` are read-only; drop them so subclasses may use those names.
    delete (self as { name?: unknown }).name;
    delete (self as { length?: unknown }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    const internals: ModuleInternals = {
      training: true,
      _buffer_names: new Map(),
      _slot_kinds: new Map(),
      _forward_pre_hooks: new Map(),
      _forward_hooks: new Map(),
      _backward_hooks: new Map(),
      _slots_walked: false,
    };
    for (const [k, v] of Object.entries(internals)) {
      Object.defineProperty(self, k, { value: v, writable: true, configurable: true, enumerable: false });
    }
    moduleConstructed(self); // its class fields come next: settled at the next construction (see the header)
    return self;
  }

  /** Subclasses define the computation. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
  forward(..._args: any[]): any {
    throw new RuntimeError(`Module [${this._get_name()}] is missing the required "forward" function`);
  }

  // ---- calling and hooks ----------------------------------------------------------------
  _call_impl(...input: unknown[]): unknown {
    // A first call guards what the constructor registered, if nothing walked the module before (a learner's own class).
    if (!this._slots_walked) this._own();
    // Fast path: most calls have no hooks at all.
    if (this._forward_pre_hooks.size === 0 && this._forward_hooks.size === 0 && this._backward_hooks.size === 0 && !anyGlobalHooks()) {
      return this.forward(...input);
    }
    let args = input;
    // Copies, so a hook that removes itself does not disturb the iteration. Global hooks
    // (register_module_*_hook) run before the module's own, as in PyTorch.
    for (const hook of [...globalForwardPreHooks.values(), ...this._forward_pre_hooks.values()]) {
      const r = hook(this, args);
      if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
    }
    // Like PyTorch, backward hooks are only wired when a graph is being recorded.
    const backwardHooks = backwardHooksOf(this);
    const bw = backwardHooks.length > 0 && is_grad_enabled() ? new BackwardHookState(this, backwardHooks) : null;
    if (bw) args = bw.setupInputs(args);
    let result = this.forward(...args);
    for (const hook of [...globalForwardHooks.values(), ...this._forward_hooks.values()]) {
      const r = hook(this, args, result);
      if (r !== undefined && r !== null) result = r;
    }
    if (bw) result = bw.setupOutputs(result);
    return result;
  }

  /** hook(module, args) runs before forward; returning a value (or array) replaces the args. */
  register_forward_pre_hook(hook: ForwardPreHook): RemovableHandle {
    const id = nextHandleId++;
    this._forward_pre_hooks.set(id, hook);
    return handleFor(this._forward_pre_hooks, id);
  }

  /** hook(module, args, output) runs after forward; returning a value replaces the output. */
  register_forward_hook(hook: ForwardHook): RemovableHandle {
    const id = nextHandleId++;
    this._forward_hooks.set(id, hook);
    return handleFor(this._forward_hooks, id);
  }

  /**
   * hook(module, grad_input, grad_output) runs when the gradients with respect to the
   * module's inputs are computed; returning an array replaces grad_input. When no input
   * requires grad (e.g. the first layer), it runs as soon as grad_output is known, with
   * grad_input = [null], as in PyTorch.
   */
  register_full_backward_hook(hook: BackwardHook): RemovableHandle {
    const id = nextHandleId++;
    this._backward_hooks.set(id, hook);
    return handleFor(this._backward_hooks, id);
  }

  /**
   * PyTorch's deprecated register_backward_hook; here it behaves like
   * register_full_backward_hook (the legacy hook's quirk of reporting the gradients of the
   * module's last op, not of its inputs, is not reproduced).
   */
  register_backward_hook(hook: BackwardHook): RemovableHandle {
    return this.register_full_backward_hook(hook);
  }

  // ---- registration ---------------------------------------------------------------------
  /**
   * PyTorch's checks on a name being registered: a string, no ".", not empty, and not already an
   * attribute of another kind (a method, a setting, a parameter registered as a buffer...).
   * Returns nothing; raises KeyError / TypeError as torch.nn.Module does, before anything changes.
   */
  private _checkNewName(kind: "parameter" | "buffer" | "module", name: unknown, sameKind: (v: unknown) => boolean): void {
    if (typeof name !== "string") throw new TypeError_(`${kind} name should be a string. Got ${typeName(name)}`);
    if (name.includes(".")) throw new TorchError(`${kind} name can't contain "."${kind === "module" ? `, got: ${name}` : ""}`, "KeyError");
    if (name === "") throw new TorchError(`${kind} name can't be empty string ""`, "KeyError");
    const current = (this as unknown as Record<string, unknown>)[name];
    // a class field not yet assigned (undefined) is a free slot, as an absent attribute in Python
    if (name in this && current !== undefined && !sameKind(current)) throw new TorchError(`attribute '${name}' already exists`, "KeyError");
  }

  /** A null own slot that is not a buffer: a reserved parameter or module (register_parameter(name, null)). */
  private _isReservedSlot(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this, name) && !this._buffer_names.has(name);
  }

  register_parameter(name: string, param: Parameter | null): void;
  /** register_parameter(name="w", param=p): every argument by keyword. */
  register_parameter(options: { name: string; param: Parameter | null }): void;
  register_parameter(...all: unknown[]): void {
    const [name, param] = leadingArgs("register_parameter", ["name", "param"], 2, trimmed(all)) as [string, Parameter | null];
    settleConstructing();
    this._checkNewName("parameter", name, (v) => v instanceof Parameter || (v === null && this._isReservedSlot(name)));
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError_(`cannot assign '${typeName(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    }
    this._slot_kinds.set(name, "parameter");
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Buffers are state that is saved but not trained (BatchNorm's running statistics). */
  register_buffer(name: string, tensor: Tensor | null, ...args: PyArgs<[persistent?: boolean], { persistent?: boolean }>): void;
  /** register_buffer(name="bias", tensor=t, persistent=False): every argument by keyword. */
  register_buffer(options: { name: string; tensor: Tensor | null; persistent?: boolean }): void;
  register_buffer(...all: unknown[]): void {
    const [name, tensor, ...args] = leadingArgs("register_buffer", ["name", "tensor"], 2, trimmed(all)) as [string, Tensor | null, ...PyArgs<[persistent?: boolean], { persistent?: boolean }>];
    settleConstructing();
    const persistent = flag("register_buffer", "persistent", parseArgs<{ persistent?: boolean }>("register_buffer", ["persistent"], args).persistent, true);
    this._checkNewName("buffer", name, () => this._buffer_names.has(name));
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError_(`cannot assign '${typeName(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    this._buffer_names.set(name, persistent);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  add_module(name: string, module: Module | null): void;
  /** add_module(name="fc", module=m): every argument by keyword. */
  add_module(options: { name: string; module: Module | null }): void;
  add_module(...all: unknown[]): void {
    const [name, module] = leadingArgs("add_module", ["name", "module"], 2, trimmed(all)) as [string, Module | null];
    settleConstructing();
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError_(`${typeName(module)} is not a Module subclass`);
    }
    this._checkNewName("module", name, (v) => v instanceof Module || (v === null && this._isReservedSlot(name)));
    this._slot_kinds.set(name, "module");
    if (module !== null) markBuilt(module);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  register_module(name: string, module: Module | null): void {
    this.add_module(name, module);
  }

  // ---- traversal ------------------------------------------------------------------------
  /** Own (name, value) pairs in registration order. */
  private _own(): [string, unknown][] {
    const own = Object.keys(this).map((k): [string, unknown] => [k, (this as unknown as Record<string, unknown>)[k]]);
    guardSlots(this, own); // torch's __setattr__ checks from now on (nn/slot_guards.ts)
    this._slots_walked = true;
    return own;
  }

  /**
   * From now on the names holding a parameter, a child or a buffer take only what torch's __setattr__ lets them
   * (nn/slot_guards.ts). Walking a module does it too; built-in layers call it as their constructor ends, so
   * `new nn.Linear(2, 3).weight = torch.randn(3, 2)` raises at once, as in torch.
   */
  _guard_slots(): void {
    this._own();
  }

  _own_parameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [name, v] of this._own()) {
      if (v instanceof Parameter) out.push([name, v]);
      else if (isComplexParameter(v)) out.push([name, v._pair]); // its real [..., 2] pair (parameter.ts ComplexParameter)
    }
    return out;
  }

  _own_buffers(onlyPersistent = false): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, persistent] of this._buffer_names) {
      const t = (this as unknown as Record<string, unknown>)[name];
      if (t instanceof Tensor && (persistent || !onlyPersistent)) out.push([name, t]);
    }
    return out;
  }

  /**
   * torch's _parameters / _buffers / _modules, read-only here: a frozen snapshot in registration order,
   * a slot registered as None (nn.Linear(3, 4, { bias: false }).bias) included as null. Change a module
   * with register_parameter / register_buffer / add_module or by assigning its attribute.
   */
  get _parameters(): Readonly<Record<string, Parameter | null>> {
    return this._snapshot((k, v) => v instanceof Parameter || (v === null && this._slot_kinds.get(k) === "parameter" && !this._buffer_names.has(k)));
  }

  get _buffers(): Readonly<Record<string, Tensor | null>> {
    const out: Record<string, Tensor | null> = {};
    for (const name of this._buffer_names.keys()) {
      const t = (this as unknown as Record<string, unknown>)[name];
      if (t instanceof Tensor || t === null) out[name] = t;
    }
    return Object.freeze(out);
  }

  /**
   * The children by name, as _parameters a snapshot, except that writing a key registers a child as torch's
   * dict assignment does: `self._modules[str(idx)] = module` (d2l's MySequential) is add_module(str(idx), module).
   * Deleting a key raises (the snapshot would forget it while the module keeps the child).
   */
  get _modules(): Record<string, Module | null> {
    const snap = { ...this._snapshot<Module | null>((k, v) => v instanceof Module || (v === null && this._slot_kinds.get(k) === "module")) };
    return new Proxy(snap, {
      set: (target, key, value): boolean => {
        if (typeof key !== "string") return false;
        this.add_module(key, value as Module | null);
        target[key] = value as Module | null;
        return true;
      },
      defineProperty: () => {
        throw new TypeError_("_modules: assign a key (self._modules[name] = module) or call add_module");
      },
      deleteProperty: (_target, key) => {
        throw new TypeError_(`_modules: deleting '${String(key)}' is not supported here; assign the attribute None or build the module without it`);
      },
    });
  }

  private _snapshot<V>(keep: (k: string, v: unknown) => boolean): Readonly<Record<string, V>> {
    const out: Record<string, V> = {};
    for (const [k, v] of this._own()) if (keep(k, v)) out[k] = v as V;
    return Object.freeze(out);
  }

  /** Every (name, child) pair, a child shared under two names included twice. */
  _own_children(): [string, Module][] {
    return this._own().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  named_children(): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    for (const [name, v] of this._own()) {
      if (v instanceof Module && !seen.has(v)) {
        seen.add(v);
        out.push([name, v]);
      }
    }
    return out;
  }

  children(): Module[] {
    return this.named_children().map(([, m]) => m);
  }

  /**
   * PyTorch's named_modules(memo=None, prefix='', remove_duplicate=True): each module once by its
   * first path, or with remove_duplicate false every path a module is reachable by (a layer shared
   * by two slots of a Sequential is listed under both names).
   */
  named_modules(
    ...args: PyArgs<[memo?: Set<Module> | null, prefix?: string, remove_duplicate?: boolean], { memo?: Set<Module> | null; prefix?: string; remove_duplicate?: boolean }>
  ): [string, Module][] {
    const o = parseArgs<{ memo?: Set<Module> | null; prefix?: string; remove_duplicate?: boolean }>("named_modules", ["memo", "prefix", "remove_duplicate"], args);
    const memo = o.memo ?? new Set<Module>();
    if (!(memo instanceof Set)) throw new TypeError_(`named_modules(): argument 'memo' must be a set of modules or None, not ${typeName(memo)}`);
    const prefix = o.prefix ?? "";
    if (typeof prefix !== "string") throw new TypeError_(`named_modules(): argument 'prefix' must be str, not ${typeName(prefix)}`);
    const removeDuplicate = flag("named_modules", "remove_duplicate", o.remove_duplicate, true);
    return this._named_modules(memo, prefix, removeDuplicate);
  }

  private _named_modules(memo: Set<Module>, prefix: string, removeDuplicate: boolean): [string, Module][] {
    if (memo.has(this)) return [];
    if (removeDuplicate) memo.add(this);
    const out: [string, Module][] = [[prefix, this]];
    // every (name, child) slot, as PyTorch walks _modules; the memo drops repeats when asked to
    for (const [name, child] of this._own_children()) {
      out.push(...child._named_modules(memo, prefix ? `${prefix}.${name}` : name, removeDuplicate));
    }
    return out;
  }

  modules(): Module[] {
    return this.named_modules().map(([, m]) => m);
  }

  /**
   * The tensors `own` picks from this module (and, with recurse, every submodule), named by
   * their path, each tensor once (the first name wins): named_parameters and named_buffers.
   */
  private _named_tensors<T extends Tensor>(own: (m: Module) => [string, T][], prefix: string, recurse: boolean): [string, T][] {
    const seen = new Set<Tensor>();
    const out: [string, T][] = [];
    const mods: [string, Module][] = recurse ? this.named_modules(new Set(), prefix) : [[prefix, this]];
    for (const [modPrefix, m] of mods) {
      for (const [name, t] of own(m)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([modPrefix ? `${modPrefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  named_parameters(...args: PyArgs<[prefix?: string, recurse?: boolean], { prefix?: string; recurse?: boolean }>): [string, Parameter][] {
    const o = parseArgs<{ prefix?: string; recurse?: boolean }>("named_parameters", ["prefix", "recurse"], args);
    return this._named_tensors((m) => m._own_parameters(), o.prefix ?? "", flag("named_parameters", "recurse", o.recurse, true));
  }

  parameters(...args: PyArgs<[recurse?: boolean], { recurse?: boolean }>): Parameter[] {
    const recurse = flag("parameters", "recurse", parseArgs<{ recurse?: boolean }>("parameters", ["recurse"], args).recurse, true);
    return this.named_parameters("", recurse).map(([, p]) => p);
  }

  named_buffers(...args: PyArgs<[prefix?: string, recurse?: boolean], { prefix?: string; recurse?: boolean }>): [string, Tensor][] {
    const o = parseArgs<{ prefix?: string; recurse?: boolean }>("named_buffers", ["prefix", "recurse"], args);
    return this._named_tensors((m) => m._own_buffers(), o.prefix ?? "", flag("named_buffers", "recurse", o.recurse, true));
  }

  buffers(...args: PyArgs<[recurse?: boolean], { recurse?: boolean }>): Tensor[] {
    const recurse = flag("buffers", "recurse", parseArgs<{ recurse?: boolean }>("buffers", ["recurse"], args).recurse, true);
    return this.named_buffers("", recurse).map(([, b]) => b);
  }

  /** `model.get_submodule("0.fc")`. */
  get_submodule(target: string): Module {
    if (target === "") return this;
    return target.split(".").reduce<Module>((mod, item) => {
      const next = (mod as unknown as Record<string, unknown>)[item];
      if (!(next instanceof Module)) {
        throw new TorchError(`${mod._get_name()} has no attribute \`${item}\``, "AttributeError");
      }
      return next;
    }, this);
  }

  /** get_parameter("0.weight"): the parameter at a dotted path, as torch 1.13 (AttributeError for a missing name or a non-parameter). */
  get_parameter(target: string): Parameter {
    const [mod, name] = this._owner_of("get_parameter", target);
    const value = (mod as unknown as Record<string, unknown>)[name];
    if (!(value instanceof Parameter)) throw new TorchError(`\`${name}\` is not an nn.Parameter`, "AttributeError");
    return value;
  }

  /** get_buffer("bn.running_mean"): the buffer at a dotted path, as torch 1.13 (AttributeError for a missing name or a non-buffer). */
  get_buffer(target: string): Tensor {
    const [mod, name] = this._owner_of("get_buffer", target);
    if (!(name in mod._buffers)) throw new TorchError(`\`${name}\` is not a buffer`, "AttributeError");
    return (mod as unknown as Record<string, Tensor>)[name];
  }

  /** The module holding a dotted path's last name, and that name (get_parameter / get_buffer). */
  _owner_of(fn: string, target: string): [Module, string] {
    if (typeof target !== "string") throw new TypeError_(`${fn}(): target must be a string, got ${typeof target}`);
    const dot = target.lastIndexOf(".");
    const mod = this.get_submodule(dot === -1 ? "" : target.slice(0, dot));
    const name = target.slice(dot + 1);
    if (!(name in mod)) throw new TorchError(`${mod._get_name()} has no attribute \`${name}\``, "AttributeError");
    return [mod, name];
  }

  /** Calls fn on every submodule (children first) and then on this module; returns this. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- modes and gradients --------------------------------------------------------------
  train(mode_or_options?: boolean | { mode?: boolean }): this {
    const mode = parseArgs<{ mode?: boolean }>("train", ["mode"], mode_or_options === undefined ? [] : [mode_or_options]).mode ?? true;
    if (typeof mode !== "boolean") throw new ValueError("training mode is expected to be boolean");
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  requires_grad_(...args: PyArgs<[requires_grad?: boolean], { requires_grad?: boolean }>): this {
    const requires_grad = flag("requires_grad_", "requires_grad", parseArgs<{ requires_grad?: boolean }>("requires_grad_", ["requires_grad"], args).requires_grad, true);
    for (const p of this.parameters()) p.requires_grad_(requires_grad);
    return this;
  }

  /**
   * PyTorch 1.13 semantics (the fixtures' version): set_to_none defaults to false, so the
   * gradients become zero tensors. (PyTorch 2 changed the default to true.)
   */
  zero_grad(...args: PyArgs<[set_to_none?: boolean], { set_to_none?: boolean }>): void {
    const set_to_none = flag("zero_grad", "set_to_none", parseArgs<{ set_to_none?: boolean }>("zero_grad", ["set_to_none"], args).set_to_none, false);
    for (const p of this.parameters()) {
      if (!p.grad) continue;
      if (set_to_none) p.grad = null;
      else {
        if (p.grad.grad_fn) p.grad = p.grad.detach();
        p.grad.zero_();
        markZeroGrad(p.grad); // the next backward writes its gradient instead of adding to zeros
      }
    }
  }

  /** Converts parameters and buffers in place (used by `double()` and `float()`). */
  _apply_to_tensors(fn: (t: Tensor) => Tensor): this {
    for (const m of this.modules()) {
      for (const [, p] of m._own_parameters()) {
        p.data = fn(p.data);
        if (p.grad) p.grad = fn(p.grad);
      }
      for (const [name, b] of m._own_buffers()) {
        (m as unknown as Record<string, unknown>)[name] = fn(b);
      }
    }
    return this;
  }

  /** Casts floating-point parameters and buffers to float64 (handy for gradient checks). */
  double(): this {
    return this._apply_to_tensors((t) => (t.dtype.is_floating_point ? t.double() : t));
  }

  float(): this {
    return this._apply_to_tensors((t) => (t.dtype.is_floating_point ? t.float() : t));
  }

  /**
   * model.to("cpu") / to(torch.float64) / to({ device, dtype }) / to(tensor): converts floating
   * parameters and buffers to the dtype; the CPU is the only device (others raise, see placement.ts).
   */
  to(...args: [device?: DeviceLike | DType | Tensor | ToOptions | null, dtype?: DType | ToOptions | null, non_blocking?: boolean | ToOptions]): this {
    const { dtype } = parseModuleTo(args);
    if (dtype === null) return this;
    return this._apply_to_tensors((t) => (t.dtype.is_floating_point && t.dtype !== dtype ? t.to(dtype) : t));
  }

  cpu(): this {
    return this;
  }

  /**
   * to_empty(*, device): every parameter and buffer replaced by an uninitialised tensor of its
   * shape and dtype on `device` (PyTorch's way to materialise a module built on the 'meta'
   * device). Only the CPU exists here, so modules are never on 'meta' and other devices raise.
   */
  to_empty(...args: PyArgs<[], { device: DeviceLike }>): this {
    if (args.length !== 1 || !isOptions(args[0])) {
      throw new TypeError_(`to_empty() takes 1 positional argument but ${args.length + 1} were given (device is keyword-only: to_empty({ device: "cpu" }))`);
    }
    checkKeywords("to_empty", args[0], ["device"]);
    const { device } = args[0] as { device?: DeviceLike };
    if (device === undefined) throw new TypeError_("to_empty() missing 1 required keyword-only argument: 'device'");
    checkDevice(device, "to_empty");
    return this._apply_to_tensors((t) => empty_like(t));
  }

  /** Always raises: there is no GPU (the message says so and what to do instead). */
  cuda(device?: number | string): this {
    checkDevice(typeof device === "number" ? `cuda:${device}` : (device ?? "cuda"), "cuda");
    return this;
  }

  /** Always raises: float16 storage does not exist in this engine. */
  half(): this {
    throw unsupportedPrecision("half");
  }

  bfloat16(): this {
    throw unsupportedPrecision("bfloat16");
  }

  // ---- state ----------------------------------------------------------------------------
  /**
   * Parameters and persistent buffers by dotted name, in PyTorch's order (each module's own
   * parameters, then its buffers, then its children). Values are detached aliases, so they
   * share storage with the model, as in PyTorch.
   */
  state_dict(...args: PyArgs<[destination?: StateDict, prefix?: string, keep_vars?: boolean], StateDictOptions>): StateDict {
    const opts = parseArgs<StateDictOptions>("Module.state_dict", ["destination", "prefix", "keep_vars"], args);
    if (args.length > 0 && !isOptions(args[args.length - 1]) || args.length > 1) {
      warnOnce("UserWarning: Positional args are being deprecated, use kwargs instead. Refer to https://pytorch.org/docs/master/generated/torch.nn.Module.html#torch.nn.Module.state_dict for details.");
    }
    // destination: PyTorch fills and returns the caller's dict (merging several modules' states).
    const out: StateDict = opts.destination ?? printableAsOrderedDict({});
    const keep = flag("state_dict", "keep_vars", opts.keep_vars, false);
    const prefix = opts.prefix ?? "";
    if (typeof prefix !== "string") throw new TypeError_(`state_dict(): argument 'prefix' must be str, not ${typeof prefix}`);
    // PyTorch's prefix is prepended verbatim ("model." gives "model.weight"); children add "name.".
    for (const [modPrefix, m] of this._state_modules("")) {
      const p = prefix + (modPrefix ? `${modPrefix}.` : "");
      for (const [name, t] of m._own_parameters()) out[p + name] = keep ? t : t.detach();
      for (const [name, t] of m._own_buffers(true)) out[p + name] = keep ? t : t.detach();
    }
    return out;
  }

  /**
   * Modules by prefix as state_dict walks them: every registered child under every name it
   * has (PyTorch recurses over `_modules` without de-duplication, so a module shared by two
   * names appears under both), guarding only against cycles.
   */
  private _state_modules(prefix: string, path: Set<Module> = new Set()): [string, Module][] {
    if (path.has(this)) return [];
    path.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this._own_children()) out.push(...child._state_modules(prefix ? `${prefix}.${name}` : name, path));
    path.delete(this);
    return out;
  }

  /**
   * Copies tensors into this module's parameters and buffers. Strict by default: missing
   * and unexpected keys and shape mismatches raise one error listing all of them, worded as
   * PyTorch's. Unlike PyTorch, nothing is copied when there is an error.
   */
  load_state_dict(state_dict: StateDict | Map<string, Tensor>, ...args: PyArgs<[strict?: boolean], { strict?: boolean }>): IncompatibleKeys {
    const strict = flag("load_state_dict", "strict", parseArgs<{ strict?: boolean }>("load_state_dict", ["strict"], args).strict, true);
    const sd: Record<string, unknown> = state_dict instanceof Map ? Object.fromEntries(state_dict) : state_dict;
    // Lazy layers (nn/modules/lazy.ts) take their shapes from the saved tensors first, as PyTorch's _lazy_load_hook.
    for (const [name, m] of this.named_modules()) {
      const lazy = m as unknown as { _lazy_load?: (sd: Record<string, unknown>, prefix: string) => void };
      if (typeof lazy._lazy_load === "function") lazy._lazy_load(sd, name === "" ? "" : `${name}.`);
    }
    const targets = this.state_dict({ keep_vars: true });
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [key, target] of Object.entries(targets)) {
      if (!(key in sd)) continue;
      const src = sd[key];
      if (!(src instanceof Tensor)) {
        errors.push(
          `While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${typeName(src)}`,
        );
        continue;
      }
      if (src.shape.join() !== target.shape.join()) {
        errors.push(
          `size mismatch for ${key}: copying a param with shape ${torchSize(src.shape)} from checkpoint, ` +
            `the shape in current model is ${torchSize(target.shape)}.`,
        );
        continue;
      }
      copies.push([target, src]);
    }
    // Post hooks (state_dict_hooks.ts) run on the loaded module and may clear the lists before the
    // strict check, as in PyTorch; without them nothing is copied unless the whole load succeeds.
    const hooked = anyPostHooks(this) && errors.length === 0;
    if (hooked) {
      no_grad(() => {
        for (const [target, src] of copies) target.copy_(src);
      });
    }
    const { missing_keys, unexpected_keys } = incompatibleKeys(this, Object.keys(sd), Object.keys(targets), hooked);
    if (strict) {
      if (unexpected_keys.length > 0) {
        errors.unshift(`Unexpected key(s) in state_dict: ${unexpected_keys.map((k) => `"${k}"`).join(", ")}. `);
      }
      if (missing_keys.length > 0) {
        errors.unshift(`Missing key(s) in state_dict: ${missing_keys.map((k) => `"${k}"`).join(", ")}. `);
      }
    }
    if (errors.length > 0) {
      throw new RuntimeError(`Error(s) in loading state_dict for ${this._get_name()}:\n\t${errors.join("\n\t")}`);
    }
    if (!hooked) {
      no_grad(() => {
        for (const [target, src] of copies) target.copy_(src);
      });
    }
    return new IncompatibleKeysResult(missing_keys, unexpected_keys);
  }

  /** hook(module, incompatible_keys) after load_state_dict has loaded this module (nn/state_dict_hooks.ts). */
  register_load_state_dict_post_hook(hook: LoadStateDictPostHook): RemovableHandle {
    return registerLoadPostHook(this, hook);
  }

  /** PyTorch's OrderedDict of this module's load_state_dict post hooks. */
  get _load_state_dict_post_hooks(): Map<number, LoadStateDictPostHook> {
    return loadPostHooksOf(this);
  }

  // ---- printing -------------------------------------------------------------------------
  _get_name(): string {
    return moduleTypeName(this.constructor);
  }

  /** One-line description of the module's settings, e.g. "in_features=2, out_features=3, bias=True". */
  extra_repr(): string {
    return "";
  }

  /** PyTorch's Module.__repr__. */
  toString(): string {
    const extra = this.extra_repr();
    const extraLines = extra ? extra.split("\n") : [];
    // torch's __repr__ walks _modules, so a child slot registered as None prints "(1): None"
    const children = this._own().filter(([k, v]) => v instanceof Module || (v === null && this._slot_kinds.get(k) === "module"));
    const childLines = children.map(([key, m]) => `(${key}): ${m === null ? "None" : addIndent(String(m), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this._get_name()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join("\n  ")}\n`;
    }
    return `${main})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  get [Symbol.toStringTag](): string {
    return this._get_name();
  }
}

/**
 * What settleAttributes has seen of a module that may be under construction (see the header). A slot is an
 * own property first seen undefined: a TypeScript field declared without a value, waiting for the
 * constructor's body to assign it.
 */
interface Construction {
  /** Enumerable own names seen so far. */
  seen: Set<string>;
  /** Names first seen undefined and still undefined. */
  slots: Set<string>;
  /** A slot was assigned since the fields were last defined: the constructor's body is running. */
  inBody: boolean;
  /** Names a watched null attribute registered (moved last) since the last settle. */
  registered: string[];
  /** Settles in a row that found nothing new and no slot waiting: after a few the module is let go. */
  idle: number;
}
/** Idle settles after which a module is taken as built (a temporary `new nn.ReLU()` is not watched for long). */
const IDLE_SETTLES = 2;
const constructions = new WeakMap<object, Construction>();

/** Values of the plain attributes holding null that settleAttributes watches, per module. */
const watchedValues = new WeakMap<object, Map<string, unknown>>();
/** One getter / setter pair per watched name, shared by every module. */
const watchers = new Map<string, { get(this: Module): unknown; set(this: Module, v: unknown): void }>();

function watcher(name: string): { get(this: Module): unknown; set(this: Module, v: unknown): void } {
  let w = watchers.get(name);
  if (w === undefined) {
    w = {
      get(this: Module): unknown {
        return watchedValues.get(this)?.get(name);
      },
      set(this: Module, v: unknown): void {
        const rec = this as unknown as Record<string, unknown>;
        if (v instanceof Module || v instanceof Parameter || this._slot_kinds.has(name) || this._buffer_names.has(name)) {
          // registered now, as torch's __setattr__: a plain property again, created last
          watchedValues.get(this)?.delete(name);
          delete rec[name];
          rec[name] = v;
          const c = constructions.get(this);
          if (c !== undefined) {
            c.registered.push(name);
            settleAttributes(this);
          }
          return;
        }
        let values = watchedValues.get(this);
        if (values === undefined) watchedValues.set(this, (values = new Map()));
        values.set(name, v);
      },
    };
    watchers.set(name, w);
  }
  return w;
}

/** A plain attribute holding null (not a registered None) becomes watched: see watcher. */
function watchNull(m: Module, k: string): void {
  if (m._slot_kinds.has(k) || m._buffer_names.has(k)) return;
  const d = Object.getOwnPropertyDescriptor(m, k);
  if (d === undefined || !("value" in d) || !d.configurable || !d.writable) return; // watched already, or frozen
  let values = watchedValues.get(m);
  if (values === undefined) watchedValues.set(m, (values = new Map()));
  values.set(k, null);
  Object.defineProperty(m, k, { ...watcher(k), enumerable: d.enumerable, configurable: true });
}

/**
 * Puts a module that may be under construction in torch's first-assignment order (see the header). Names
 * assigned in the constructor's body since the last settle (slots now holding a value, attributes created by
 * name once the body runs, watched attributes just registered) must come after everything assigned before and
 * before every slot still unassigned: such slots move right after the last of them. Fields with initializers
 * keep their declared places (they run before the body, in the order the class lists them). Also watches
 * plain attributes holding null and marks the modules held as built.
 */
function settleAttributes(m: Module): boolean {
  const rec = m as unknown as Record<string, unknown>;
  let c = constructions.get(m);
  if (c === undefined) constructions.set(m, (c = { seen: new Set(), slots: new Set(), inBody: false, registered: [], idle: 0 }));
  const keys = Object.keys(m);
  const assigned: string[] = [];
  const created: string[] = [];
  let newFields = false;
  for (const k of keys) {
    const v = rec[k];
    if (v instanceof Module) markBuilt(v);
    if (!c.seen.has(k)) {
      c.seen.add(k);
      if (v === undefined) {
        if (!(k in Object.getPrototypeOf(m))) c.slots.add(k);
        newFields = true;
      } else created.push(k);
    } else if (v !== undefined && c.slots.delete(k)) assigned.push(k);
    if (v === null) watchNull(m, k);
  }
  if (c.seen.size > keys.length) {
    // deleted names: assigned again, they are new attributes (created last, as torch re-registers them)
    const present = new Set(keys);
    for (const k of c.seen) {
      if (present.has(k)) continue;
      c.seen.delete(k);
      c.slots.delete(k);
    }
  }
  // Attributes created by name while the body runs (not a class's fields being defined) were assigned now; so is
  // one no class of m declares as a field (`declare fc: nn.Linear;` emits none), whenever it appears.
  const byBody = c.inBody && !newFields ? created : created.filter((k) => !declaresField(m, k));
  assigned.push(...byBody);
  assigned.push(...c.registered.splice(0));
  c.inBody = newFields ? false : c.inBody || assigned.length > 0;
  c.idle = newFields || created.length > 0 || assigned.length > 0 || c.slots.size > 0 ? 0 : c.idle + 1;
  if (assigned.length > 0 && c.slots.size > 0) {
    const last = Math.max(...assigned.map((k) => keys.indexOf(k)));
    const waiting = keys.slice(0, last).filter((k) => c.slots.has(k));
    if (waiting.length > 0) {
      const moving = new Set(waiting);
      const order = keys.filter((k) => !moving.has(k));
      order.splice(order.indexOf(keys[last]) + 1, 0, ...waiting);
      reorderOwn(m, keys, order);
    }
  }
  return c.idle < IDLE_SETTLES;
}

/** Per class: its source text (Function.prototype.toString), or null when it is not a class's. */
const classSources = new WeakMap<object, string | null>();

/**
 * Whether a class between m's own and Module declares `name` as an instance field (with or without an initializer),
 * read from the classes' source text: a field is the name alone or before `=` at the top of a statement in the
 * class body (`b;`, `a = new nn.Linear(...)`, as TypeScript compilers emit them at ES2022), or a lowered
 * `__publicField(this, "b")` / `_defineProperty(this, "b", ...)`. A name the source cannot tell (not a class) counts
 * as declared, the order before this rule.
 */
function declaresField(m: Module, name: string): boolean {
  const esc = name.replace(/[$()*+.?[\\\]^{|}]/g, "\\$&");
  const field = new RegExp(`(?:^|[\\n;{}])\\s*${esc}\\s*(?:[;=}\\n]|$)|this,\\s*["']${esc}["']`);
  for (let p = Object.getPrototypeOf(m) as object | null; p !== null && p !== Module.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const ctor = (p as { constructor?: unknown }).constructor;
    if (typeof ctor !== "function") continue;
    let src = classSources.get(ctor);
    if (src === undefined) {
      const text = Function.prototype.toString.call(ctor);
      src = text.startsWith("class") ? text : null;
      classSources.set(ctor, src);
    }
    if (src === null || field.test(src)) return true;
  }
  return false;
}

/** Recreates m's own enumerable properties from the first place `order` differs from `keys` (their creation order). */
function reorderOwn(m: Module, keys: string[], order: string[]): void {
  let i = 0;
  while (i < keys.length && keys[i] === order[i]) i++;
  const rest = order.slice(i).map((k) => [k, Object.getOwnPropertyDescriptor(m, k)] as const);
  if (rest.some(([, d]) => d === undefined || !d.configurable)) return; // frozen: left as it is
  for (const [k] of rest) delete (m as unknown as Record<string, unknown>)[k];
  for (const [k, d] of rest) Object.defineProperty(m, k, d as PropertyDescriptor);
}

setAttributeSettler((m) => settleAttributes(m as Module));

setModuleHooks({
  isModule: (v) => v instanceof Module,
  qualifiedName: (m) => qualifiedModuleName(m.constructor, moduleTypeName(m.constructor)),
  markBuilt,
  wrapsTensors: (owner) => (owner.constructor as { _tensors_become_parameters?: boolean })._tensors_become_parameters === true,
});

/** The printed/saved name of a module class (its own __name__, else its JS name). */
export function moduleTypeName(ctor: unknown): string {
  const c = ctor as { __name__?: string; name?: string };
  if (Object.prototype.hasOwnProperty.call(c, "__name__") && c.__name__) return c.__name__;
  return c.name || "Module";
}

/**
 * Per-call state of full backward hooks (PyTorch's torch.utils.hooks.BackwardHook): inputs
 * and outputs pass through identity nodes so that we see the gradient of the module's
 * output (grad_output) and of its inputs (grad_input) and can call the user's hooks with both.
 */
class BackwardHookState {
  private gradOutputs: (Tensor | null)[] | null = null;
  private inputCount = 0;
  private gradInputs: (Tensor | null)[] = [];
  private pending = 0;

  /** hooks: taken when the module is called (global ones first), as PyTorch's BackwardHook. */
  constructor(
    private readonly module: Module,
    private readonly hooks: BackwardHook[],
  ) {}

  setupInputs(args: unknown[]): unknown[] {
    this.inputCount = args.filter((a) => a instanceof Tensor).length;
    let slot = 0;
    return args.map((a) => {
      if (!(a instanceof Tensor)) return a;
      const index = slot++;
      this.gradInputs[index] = null;
      if (!a.requires_grad) return a;
      this.pending++;
      const wrapped = identity(a, index);
      wrapped.register_hook((g) => {
        this.gradInputs[index] = g;
        if (--this.pending > 0) return undefined;
        const replaced = this.fire(this.gradInputs);
        return replaced ? (replaced[index] ?? undefined) : undefined;
      });
      return wrapped;
    });
  }

  setupOutputs(result: unknown): unknown {
    const outputs = Array.isArray(result) ? result : [result];
    const tensors = outputs.filter((o): o is Tensor => o instanceof Tensor && o.requires_grad);
    if (tensors.length === 0) return result;
    const grads: (Tensor | null)[] = tensors.map(() => null);
    let waiting = tensors.length;
    const allTensors = outputs.filter((o): o is Tensor => o instanceof Tensor);
    const wrap = (o: unknown): unknown => {
      if (!(o instanceof Tensor) || !o.requires_grad) return o;
      const index = tensors.indexOf(o);
      const wrapped = identity(o, allTensors.indexOf(o));
      wrapped.register_hook((g) => {
        grads[index] = g;
        if (--waiting > 0) return undefined;
        this.gradOutputs = grads;
        // No input needs a gradient: PyTorch calls the hooks now, with grad_input all None.
        if (this.pending === 0) this.fire(new Array<Tensor | null>(Math.max(this.inputCount, 1)).fill(null), true);
        return undefined;
      });
      return wrapped;
    };
    return Array.isArray(result) ? result.map(wrap) : wrap(result);
  }

  /** noInputGrad: no input requires grad, so a hook may only return None (or all None), as torch checks. */
  private fire(gradInputs: (Tensor | null)[], noInputGrad = false): (Tensor | null)[] | null {
    let current = gradInputs;
    let replaced = false;
    for (const hook of this.hooks) {
      const r = hook(this.module, current, this.gradOutputs ?? []);
      if (r === undefined || r === null) continue;
      const res = Array.isArray(r) ? r : [r];
      if (noInputGrad) {
        if (!Array.isArray(r) || !res.every((g) => g === null || g === undefined)) {
          throw new RuntimeError("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
        }
        continue;
      }
      // torch 1.13's BackwardHook checks each hook's result against grad_input's length
      if (res.length !== current.length) throw new RuntimeError(`Backward hook returned an invalid number of grad_input, got ${res.length}, but expected ${current.length}`);
      current = res;
      replaced = true;
    }
    return replaced ? current : null;
  }
}

/**
 * An alias of t whose backward passes the gradient through unchanged: output `output` of torch's
 * BackwardHookFunction, a custom Function returning its input as is, so an in-place write into it raises.
 */
function identity(t: Tensor, output: number): Tensor {
  const out = new Tensor(t._data, t.shape, t.dtype, t._strides, t._offset, t._ver);
  markCustomFunctionView(out, "BackwardHookFunctionBackward", output);
  return record(out, "BackwardHookFunctionBackward", [t], (g) => [g], [], true);
}
