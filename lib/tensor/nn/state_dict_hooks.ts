/**
 * Module.register_load_state_dict_post_hook (torch 1.13): hook(module, incompatible_keys) runs
 * after load_state_dict has loaded that module and its children, with the missing_keys and
 * unexpected_keys found so far (PyTorch's load() recursion: a module's own keys, then the
 * state_dict keys under its prefix that name neither a child nor its own state, then the
 * children; the hook after them). A hook may edit the lists in place (so strict=True no longer
 * complains); returning a value is an AssertionError, as in PyTorch.
 */
import { TorchError } from "../errors";
import type { Module, RemovableHandle } from "./module";

export interface IncompatibleKeysLists {
  missing_keys: string[];
  unexpected_keys: string[];
}
/**
 * What load_state_dict returns: PyTorch's _IncompatibleKeys namedtuple, which prints as
 * `<All keys matched successfully>` when both lists are empty (print(model.load_state_dict(sd))).
 */
export class IncompatibleKeysResult implements IncompatibleKeysLists {
  constructor(
    public missing_keys: string[],
    public unexpected_keys: string[],
  ) {}
  toString(): string {
    if (this.missing_keys.length === 0 && this.unexpected_keys.length === 0) return "<All keys matched successfully>";
    const list = (keys: string[]) => `[${keys.map((k) => `'${k}'`).join(", ")}]`;
    return `_IncompatibleKeys(missing_keys=${list(this.missing_keys)}, unexpected_keys=${list(this.unexpected_keys)})`;
  }
}
export type LoadStateDictPostHook = (module: Module, incompatible_keys: IncompatibleKeysLists) => unknown;

const postHooks = new WeakMap<Module, Map<number, LoadStateDictPostHook>>();
let nextId = 0;

export function registerLoadPostHook(module: Module, hook: LoadStateDictPostHook): RemovableHandle {
  let hooks = postHooks.get(module);
  if (!hooks) postHooks.set(module, (hooks = new Map()));
  const id = nextId++;
  hooks.set(id, hook);
  const map = hooks;
  return { id, remove: () => void map.delete(id) };
}

/** The module's post hooks, in registration order (PyTorch's _load_state_dict_post_hooks). */
export function loadPostHooksOf(module: Module): Map<number, LoadStateDictPostHook> {
  let hooks = postHooks.get(module);
  if (!hooks) postHooks.set(module, (hooks = new Map()));
  return hooks;
}

function anyPostHooks(root: Module): boolean {
  return root.named_modules().some(([, m]) => (postHooks.get(m)?.size ?? 0) > 0);
}

/**
 * Missing and unexpected keys in PyTorch's order, running each module's post hooks when its
 * subtree is done (when `runHooks`). `ownKeys` is the module's state_dict (keep_vars) keys.
 */
export function incompatibleKeys(root: Module, sdKeys: readonly string[], ownKeys: readonly string[], runHooks: boolean): IncompatibleKeysLists {
  const result: IncompatibleKeysLists = { missing_keys: [], unexpected_keys: [] };
  const present = new Set(sdKeys);
  const visit = (m: Module, prefix: string) => {
    const children = m._own_children();
    const childNames = new Set(children.map(([k]) => k));
    const local = ownKeys.filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes("."));
    const localNames = new Set(local.map((k) => k.slice(prefix.length)));
    for (const key of local) if (!present.has(key)) result.missing_keys.push(key);
    for (const key of sdKeys) {
      if (!key.startsWith(prefix)) continue;
      const first = key.slice(prefix.length).split(".")[0];
      if (!childNames.has(first) && !localNames.has(first)) result.unexpected_keys.push(key);
    }
    for (const [name, child] of children) visit(child, `${prefix}${name}.`);
    if (!runHooks) return;
    for (const hook of [...(postHooks.get(m)?.values() ?? [])]) {
      const out = hook(m, result);
      if (out !== undefined && out !== null) {
        throw new TorchError(
          "Hooks registered with ``register_load_state_dict_post_hook`` are notexpected to return new values, if incompatible_keys need to be modified,it should be done inplace.",
          "AssertionError",
        );
      }
    }
  };
  visit(root, "");
  return result;
}

export { anyPostHooks };
