/**
 * torch.nn.utils.skip_init(module_cls, ...args): the module without its parameter
 * initialisation. PyTorch builds it on the meta device and then allocates uninitialised
 * storage, so no random numbers are drawn; here the module is built normally with the global
 * generator's state saved and restored around it (the stream is left as if nothing was drawn),
 * and every parameter and buffer is replaced by an uninitialised (zero-filled) tensor of its shape.
 */
import { isOptions } from "../../args";
import { no_grad } from "../../autograd/grad_mode";
import { RuntimeError } from "../../errors";
import { zeros_like } from "../../ops/creation";
import { default_generator } from "../../random";
import { Module } from "../module";

export function skip_init<M extends Module, A extends unknown[]>(module_cls: new (...args: A) => M, ...args: A): M;
/** skip_init(module_cls=nn.Linear, in_features=10, out_features=1): the class by keyword too, the other keywords its constructor's. */
export function skip_init<M extends Module>(options: { module_cls: new (...args: never) => M; [kwarg: string]: unknown }): M;
export function skip_init<M extends Module>(...all: unknown[]): M {
  let [module_cls, ...args] = all as [new (...a: unknown[]) => M, ...unknown[]];
  if (all.length === 1 && isOptions(all[0]) && "module_cls" in all[0]) {
    const { module_cls: cls, ...kwargs } = all[0] as { module_cls: new (...a: unknown[]) => M };
    module_cls = cls;
    args = Object.keys(kwargs).length > 0 ? [kwargs] : [];
  }
  if (typeof module_cls !== "function" || !(module_cls.prototype instanceof Module)) {
    throw new RuntimeError(`Expected a Module; got ${String((module_cls as { name?: string } | null)?.name ?? module_cls)}`);
  }
  const state = default_generator.get_state();
  let m: M;
  try {
    m = new module_cls(...args);
  } finally {
    default_generator.set_state(state);
  }
  no_grad(() => {
    for (const t of [...m.parameters(), ...m.buffers()]) t.data = zeros_like(t);
  });
  return m;
}
