/**
 * torch.nn.utils.stateless.functional_call (PyTorch 1.13's location; torch.func has it from 2.0):
 * calls the module with some of its parameters and buffers replaced by the given tensors, for
 * that call only, so gradients flow to the given tensors and the module is left untouched.
 *
 *   functional_call(model, { "0.weight": w, "0.bias": b }, [x])   // args: an array is the tuple
 *   functional_call(model, params, x)                             // a single argument
 *
 * PyTorch swaps the class for one whose __getattribute__ answers the replaced names; here the
 * replaced names are own properties of each submodule, set before the call and restored after
 * (a parametrized name, an accessor on the class, is shadowed by an own property meanwhile).
 */
import { checkKeywords, isOptions } from "../../args";
import { RuntimeError, TypeError_ } from "../../errors";
import { leadingArgs } from "../../leading_args";
import { Tensor } from "../../tensor";
import { Module } from "../module";
import { unguardSlot } from "../slot_guards";

type Slots = Record<string, unknown>;

/**
 * The submodule a dotted name's path leads to, by getattr at each step as torch 1.13's _apply_func_submodules:
 * a missing name raises Module.__getattr__'s "'Sequential' object has no attribute 'fc'" (the module at that step).
 */
function submodule(root: Module, path: string[], full: string): Module {
  let m: Module = root;
  for (const p of path) {
    const next = (m as unknown as Slots)[p];
    if (next === undefined || next === null) throw new TorchAttributeError(`'${m._get_name()}' object has no attribute '${p}'`);
    if (!(next instanceof Module)) throw new TorchAttributeError(`'${m._get_name()}.${p}' is not a module (in '${full}')`);
    m = next;
  }
  return m;
}

class TorchAttributeError extends RuntimeError {
  constructor(message: string) {
    super(message);
    this.name = "AttributeError";
  }
}

/** Runs fn with module's tensors at the given dotted names replaced, restoring them afterwards. */
export function reparametrizeModule<T>(module: Module, parametersAndBuffers: Record<string, Tensor> | Map<string, Tensor>, fn: () => T): T {
  const entries = parametersAndBuffers instanceof Map ? [...parametersAndBuffers.entries()] : Object.entries(parametersAndBuffers);
  const restore: (() => void)[] = [];
  try {
    for (const [name, tensor] of entries) {
      if (!(tensor instanceof Tensor)) throw new TypeError_(`functional_call(): expected a Tensor for '${name}', got ${typeof tensor}`);
      const path = name.split(".");
      const leaf = path.pop() as string;
      const owner = submodule(module, path, name);
      unguardSlot(owner, leaf); // a plain property while swapped, so restoring it restores the value
      const own = Object.getOwnPropertyDescriptor(owner, leaf);
      Object.defineProperty(owner, leaf, { value: tensor, writable: true, configurable: true, enumerable: own ? own.enumerable : false });
      restore.push(() => {
        if (own) Object.defineProperty(owner, leaf, own);
        else delete (owner as unknown as Slots)[leaf];
      });
    }
    return fn();
  } finally {
    for (const r of restore.reverse()) r();
  }
}

/** module(...args) with parameters_and_buffers (dotted names, as state_dict keys) in place of the module's own. */
export function functional_call(
  module: Module,
  parameters_and_buffers: Record<string, Tensor> | Map<string, Tensor>,
  args: unknown,
  kwargs?: Record<string, unknown> | null,
): unknown;
/** functional_call(module=m, parameters_and_buffers=params, args=(x,), kwargs=None): every argument by keyword. */
export function functional_call(options: {
  module: Module;
  parameters_and_buffers: Record<string, Tensor> | Map<string, Tensor>;
  args: unknown;
  kwargs?: Record<string, unknown> | null;
}): unknown;
export function functional_call(...all: unknown[]): unknown {
  const fn = "functional_call";
  // parameters_and_buffers and kwargs are dicts (plain objects) themselves: only an object naming these parameters is taken as keywords.
  const names = ["module", "parameters_and_buffers", "args", "kwargs"];
  const last = all[all.length - 1];
  // An options object naming these parameters holds keywords only (torch 1.13 takes no other): checked here, since a
  // leftover key would otherwise land where the kwargs dict goes.
  if (isOptions(last) && Object.keys(last).some((k) => names.includes(k))) checkKeywords(fn, last, names);
  const given = leadingArgs(fn, names, 3, all, { objectValues: true });
  const [module, parameters_and_buffers, args, kwargs = null, ...more] = given as [
    Module, Record<string, Tensor> | Map<string, Tensor>, unknown, Record<string, unknown> | null | undefined, ...unknown[],
  ];
  if (more.length > 0) {
    const extra = more[0];
    if (isOptions(extra) && Object.keys(extra).length > 0) throw new TypeError_(`${fn}() got an unexpected keyword argument '${Object.keys(extra)[0]}'`);
    throw new TypeError_(`${fn}() takes from 3 to 4 positional arguments but ${given.length} were given`);
  }
  if (!(module instanceof Module)) throw new TypeError_(`functional_call(): expected a Module, got ${typeof module}`);
  const call = module as unknown as (...a: unknown[]) => unknown;
  const positional = Array.isArray(args) ? args : [args];
  const extra = kwargs && Object.keys(kwargs).length > 0 ? [kwargs] : [];
  return reparametrizeModule(module, parameters_and_buffers, () => call(...positional, ...extra));
}

export const stateless = { functional_call };
