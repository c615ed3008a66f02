/**
 * Module classes by name, for loading saved models. Built-in layers are registered by
 * nn/index.ts; a learner's own classes (a custom activation, a model class) must be
 * registered with nn.register_module(name, Class) before a saved model that uses them can be
 * loaded, just as PyTorch needs the class definition to unpickle a model.
 */
import { TypeError_, ValueError } from "../errors";
import { Module, moduleTypeName } from "./module";

export type ModuleClass = new (...args: never[]) => Module;

const registry = new Map<string, ModuleClass>();

/** nn.register_module("Swish", Swish) or nn.register_module(Swish) (uses the class name). */
export function register_module(name: string | ModuleClass, cls?: ModuleClass): ModuleClass {
  const klass = typeof name === "string" ? cls : name;
  if (typeof klass !== "function" || !(klass.prototype instanceof Module || (klass as unknown) === Module)) {
    throw new TypeError_("register_module: expected a subclass of nn.Module");
  }
  const key = typeof name === "string" ? name : moduleTypeName(klass);
  if (!key) throw new ValueError("register_module: the class needs a name");
  registry.set(key, klass);
  return klass;
}

export function lookup_module(name: string): ModuleClass | undefined {
  return registry.get(name);
}
