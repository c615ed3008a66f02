/**
 * Hooks for every module (torch 1.13's torch.nn.modules.module.register_module_forward_pre_hook,
 * register_module_forward_hook, register_module_full_backward_hook): they run on each module
 * call before the module's own hooks of the same kind, with the same arguments and the same
 * power to replace the input, output or grad_input. Meant for debugging and profiling, as in
 * PyTorch; the handles remove them.
 */
import { TypeError_ } from "../errors";
import type { BackwardHook, ForwardHook, ForwardPreHook, Module, RemovableHandle } from "./module";

export const globalForwardPreHooks = new Map<number, ForwardPreHook>();
export const globalForwardHooks = new Map<number, ForwardHook>();
export const globalBackwardHooks = new Map<number, BackwardHook>();

let nextGlobalHookId = 0;
function register<H>(fn: string, map: Map<number, H>, hook: H, rest: unknown[]): RemovableHandle {
  if (rest.length > 0) throw new TypeError_(`${fn}() takes 1 positional argument but ${rest.length + 1} were given`);
  if (typeof hook !== "function") throw new TypeError_(`${fn}(): hook must be callable`);
  const id = nextGlobalHookId++;
  map.set(id, hook);
  return { id, remove: () => void map.delete(id) };
}

/** True when any global hook is registered (Module's fast path checks this). */
export function anyGlobalHooks(): boolean {
  return globalForwardPreHooks.size > 0 || globalForwardHooks.size > 0 || globalBackwardHooks.size > 0;
}

/** hook(module, args) before every module's forward; a returned value (or array) replaces the args. */
export function register_module_forward_pre_hook(hook: ForwardPreHook, ...rest: never[]): RemovableHandle {
  return register("register_module_forward_pre_hook", globalForwardPreHooks, hook, rest);
}

/** hook(module, args, output) after every module's forward; a returned value replaces the output. */
export function register_module_forward_hook(hook: ForwardHook, ...rest: never[]): RemovableHandle {
  return register("register_module_forward_hook", globalForwardHooks, hook, rest);
}

/** hook(module, grad_input, grad_output) for every module, as Module.register_full_backward_hook. */
export function register_module_full_backward_hook(hook: BackwardHook, ...rest: never[]): RemovableHandle {
  return register("register_module_full_backward_hook", globalBackwardHooks, hook, rest);
}

/**
 * PyTorch's deprecated register_module_backward_hook; like Module.register_backward_hook here,
 * it behaves as the full backward hook.
 */
export function register_module_backward_hook(hook: BackwardHook, ...rest: never[]): RemovableHandle {
  return register("register_module_backward_hook", globalBackwardHooks, hook, rest);
}

/** The backward hooks a call of `module` runs: the global ones, then the module's own. */
export function backwardHooksOf(module: Module): BackwardHook[] {
  return [...globalBackwardHooks.values(), ...module._backward_hooks.values()];
}
