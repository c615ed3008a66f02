/**
 * torch's Module.__setattr__ checks for names already registered: a parameter's name takes only a Parameter or
 * None (`model.fc.weight = torch.randn(3, 2)` raises TypeError), a child module's only a Module or None, a
 * buffer's only a tensor or None. Without them the plain tensor silently replaced the parameter: forward used
 * it while the optimizer kept stepping the old one.
 *
 * Module finds what it holds by scanning its own properties (nn/module.ts's header), so nothing sees a write.
 * Each time a module's own properties are walked (parameters(), children(), state_dict(), zero_grad(), a
 * print...: in practice before any training loop, as the optimizer is built from parameters()), the names
 * holding a parameter, a child or a buffer become accessors whose setter applies torch's rules; the values
 * live in a per-module map. A name deleted (`delete m.weight`, as pruning and weight_norm do) is a plain
 * attribute again, as after Python's `del`. A module's first call guards it too, if nothing walked it before;
 * writes between its construction and its first walk or call are not checked.
 */
import { TypeError_ } from "../errors";
import { Tensor } from "../tensor";
import { Parameter } from "./parameter";

/** The module state the rules read and update (nn/module.ts's ModuleInternals). */
export interface SlotOwner {
  _slot_kinds: Map<string, "parameter" | "module">;
  _buffer_names: Map<string, boolean>;
}

/** Installed by nn/module.ts (this file cannot import it: it imports this one). */
export interface ModuleHooks {
  isModule(v: unknown): boolean;
  /** torch.typename of a module: its class qualified by torch's file, or __main__ for a learner's class. */
  qualifiedName(m: object): string;
  /** A child assigned to a slot is fully built (nn/attribute_order.ts). */
  markBuilt(m: object): void;
  /** ParameterList / ParameterDict: a plain tensor assigned to an entry is wrapped in a Parameter, as torch's __setitem__. */
  wrapsTensors(owner: object): boolean;
}

let hooks: ModuleHooks;
export function setModuleHooks(h: ModuleHooks): void {
  hooks = h;
}

const values = new WeakMap<object, Map<string, unknown>>();
/** One getter / setter pair per name, shared by every module (so property access sites stay monomorphic). */
const accessors = new Map<string, PropertyDescriptor>();

function accessor(name: string): PropertyDescriptor {
  let d = accessors.get(name);
  if (d === undefined) {
    d = {
      get(this: object): unknown {
        return values.get(this)?.get(name);
      },
      set(this: SlotOwner, v: unknown): void {
        assign(this, name, v);
      },
      enumerable: true,
      configurable: true,
    };
    accessors.set(name, d);
  }
  return d;
}

/** torch.typename, as torch's messages print a value's type: torch.FloatTensor, int, list, torch.nn.modules.linear.Linear... */
export function torchTypename(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (v instanceof Tensor) return v.type() as string;
  if (hooks.isModule(v)) return hooks.qualifiedName(v as object);
  if (Array.isArray(v)) return "list";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (typeof v === "function") {
    // a layer class where an instance belongs (nn.Sequential(nn.Linear(2, 3), nn.ReLU)): torch.typename of a type is its
    // module path and name, "torch.nn.modules.activation.ReLU"
    const proto: unknown = (v as { prototype?: unknown }).prototype;
    return proto !== undefined && hooks.isModule(proto) ? hooks.qualifiedName(proto as object) : "function";
  }
  if (v !== null && typeof v === "object") return Object.getPrototypeOf(v) === Object.prototype ? "dict" : ((v as object).constructor?.name ?? "object");
  return typeof v;
}

type Kind = "parameter" | "module" | "buffer" | null;

function kindOf(m: SlotOwner, name: string, current: unknown): Kind {
  if (current instanceof Parameter) return "parameter";
  if (hooks.isModule(current)) return "module";
  if (m._buffer_names.has(name)) return "buffer";
  if (current === null || current === undefined) return m._slot_kinds.get(name) ?? null;
  return null;
}

/** torch 1.13's Module.__setattr__ for a name that holds a parameter, a child or a buffer. */
function assign(m: SlotOwner, name: string, v: unknown): void {
  const store = values.get(m) as Map<string, unknown>;
  const kind = kindOf(m, name, store.get(name));
  const value = v === undefined ? null : v;
  if (value instanceof Tensor && !(value instanceof Parameter) && kind === "parameter" && hooks.wrapsTensors(m)) {
    store.set(name, new Parameter(value));
    return;
  }
  if (value instanceof Parameter) {
    m._buffer_names.delete(name);
    if (m._slot_kinds.has(name)) m._slot_kinds.set(name, "parameter");
  } else if (kind === "parameter") {
    if (value !== null) throw new TypeError_(`cannot assign '${torchTypename(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
    m._slot_kinds.set(name, "parameter");
  } else if (hooks.isModule(value)) {
    m._buffer_names.delete(name);
    if (m._slot_kinds.has(name)) m._slot_kinds.set(name, "module");
    hooks.markBuilt(value as object);
  } else if (kind === "module") {
    if (value !== null) throw new TypeError_(`cannot assign '${torchTypename(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    m._slot_kinds.set(name, "module");
  } else if (kind === "buffer" && value !== null && !(value instanceof Tensor)) {
    throw new TypeError_(`cannot assign '${torchTypename(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
  }
  store.set(name, value);
}

/**
 * Guards the registered names among m's own (name, value) pairs (read just now, in order). Cheap when nothing
 * changed: a name already guarded reads back its stored value.
 */
export function guardSlots(m: SlotOwner, own: readonly (readonly [string, unknown])[]): void {
  let store = values.get(m);
  for (const [k, v] of own) {
    if (store !== undefined && store.get(k) === v && store.has(k)) continue; // guarded (or a deleted name set back to the same value)
    const registered = v instanceof Parameter || hooks.isModule(v) || m._buffer_names.has(k) || (v === null && m._slot_kinds.has(k));
    if (!registered) continue;
    const d = Object.getOwnPropertyDescriptor(m, k);
    if (d === undefined || !("value" in d) || !d.configurable || !d.writable || !d.enumerable) continue; // an accessor of another kind, or frozen
    if (store === undefined) values.set(m, (store = new Map()));
    store.set(k, v);
    Object.defineProperty(m, k, accessor(k));
  }
}

/** The name becomes a plain data property holding its value again (nn.utils.stateless swaps it for a call). */
export function unguardSlot(m: object, name: string): void {
  const d = Object.getOwnPropertyDescriptor(m, name);
  if (d?.get === undefined || d.get !== accessors.get(name)?.get) return;
  Object.defineProperty(m, name, { value: values.get(m)?.get(name), writable: true, configurable: true, enumerable: true });
}
