/**
 * torch.nn.utils.skip_init(module_cls, ...args): the module without its parameter
 * initialisation. PyTorch builds it on the meta device and then allocates uninitialised
 * storage, so no random numbers are drawn; here the module is built normally with the global
 * generator's state saved and restored around it (the stream is left as if nothing was drawn),
 * and every parameter and buffer is replaced by an uninitialised (zero-filled) tensor of its shape.
 */
import { no_grad } from "../../autograd/grad_mode";
import { RuntimeError } from "../../errors";
import { zeros_like } from "../../ops/creation";
import { default_generator } from "../../random";
import { Module } from "../module";

export function skip_init<M extends Module, A extends unknown[]>(module_cls: new (...args: A) => M, ...args: A): M {
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
