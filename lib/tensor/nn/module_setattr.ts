/**
 * torch.nn.Module.__setattr__'s rules for a name already registered, enforced on assignment:
 *
 *   a parameter's name   takes an nn.Parameter (which replaces it) or null; anything else raises
 *                        "cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)";
 *   a child module's     takes a Module or null, else "... as child module 'fc' (torch.nn.Module or None expected)";
 *   a buffer's           takes a tensor (the buffer's new value) or null, else "... as buffer 'running_mean' (torch.Tensor or None expected)";
 *
 * and a Parameter or Module given to a buffer's name turns it into a parameter / child, as PyTorch's
 * remove_from(self._buffers) does. Registration itself stays as it was (module.ts: an own property holding
 * a Parameter or Module is registered), so only writes need watching: every module is a Proxy of its callable
 * function object with a `set` and a `deleteProperty` trap and no `get` trap, and a call without hooks
 * runs forward on the function object itself (module.ts), so forward's reads do not go through the Proxy. A child slot set to null, or a name given
 * to register_parameter / add_module with null, keeps its kind in `_reserved_slots`, so `m.fc = null;
 * m.fc = torch.zeros(3)` raises as in PyTorch (a parameter set to null does not: see checkAssignment).
 */
import { TypeError_ } from "../errors";
import { Tensor } from "../tensor";
import { Parameter } from "./parameter";

export type SlotKind = "parameter" | "module";

/** The module internals the rules read (module.ts ModuleInternals). */
interface Slots {
  _buffer_names: Map<string, boolean>;
  _reserved_slots: Map<string, SlotKind>;
}

/**
 * The traps every module's Proxy uses. `isModule` and `typeName` come from module.ts (this file cannot
 * import Module without a cycle); typeName gives Python's type names ('int', 'torch.FloatTensor').
 */
export function attributeGuard(isModule: (v: unknown) => boolean, typeName: (v: unknown) => string): ProxyHandler<object> {
  return {
    set(target, key, value, receiver) {
      if (typeof key === "string") checkAssignment(target as object & Slots, key, value, isModule, typeName);
      return Reflect.set(target, key, value, receiver);
    },
    deleteProperty(target, key) {
      if (typeof key === "string") (target as object & Slots)._reserved_slots.delete(key);
      return Reflect.deleteProperty(target, key);
    },
  };
}

/** What `name` is registered as: an own data property holding a Parameter / Module, or a slot reserved by a null. */
function slotKind(target: object & Slots, name: string, isModule: (v: unknown) => boolean): SlotKind | null {
  const own = Object.getOwnPropertyDescriptor(target, name);
  if (!own || !("value" in own)) return null;
  if (own.value instanceof Parameter) return "parameter";
  if (isModule(own.value)) return "module";
  return own.value === null ? (target._reserved_slots.get(name) ?? null) : null;
}

/** Raises, before anything changes, when `value` may not be assigned to `name`; else updates the bookkeeping. */
function checkAssignment(target: object & Slots, name: string, value: unknown, isModule: (v: unknown) => boolean, typeName: (v: unknown) => string): void {
  if (value instanceof Parameter) {
    target._buffer_names.delete(name);
    target._reserved_slots.delete(name);
    return;
  }
  const kind = slotKind(target, name, isModule);
  if (kind === "parameter") {
    if (value !== null) throw new TypeError_(`cannot assign '${typeName(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
    // Not reserved here (register_parameter(name, null) does reserve): weight_norm / spectral_norm write null
    // for PyTorch's `del module._parameters[name]` and then a plain tensor, so a null written over a
    // parameter frees the name, where PyTorch would keep refusing a tensor there.
    return;
  }
  if (isModule(value)) {
    target._buffer_names.delete(name);
    target._reserved_slots.delete(name);
    return;
  }
  if (kind === "module") {
    if (value !== null) throw new TypeError_(`cannot assign '${typeName(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    target._reserved_slots.set(name, kind);
    return;
  }
  if (target._buffer_names.has(name) && value !== null && !(value instanceof Tensor)) {
    throw new TypeError_(`cannot assign '${typeName(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
  }
}

/** Off only in bench/module_setattr_ab.ts, which times modules built with and without the Proxy. */
export const attributeGuardSwitch = { on: true };
