/**
 * Weight tying across torch.save(model) / torch.load: a model whose paths hold the same module, parameter or
 * buffer (GPT's `head.weight = tok_emb.weight`, a layer shared by two slots) comes back holding one object under
 * those paths, as unpickling restores Python's shared references. Without it the loaded model had two
 * independent parameters where the saved one had one: training after loading moved them apart.
 *
 * The file stores every path's tensor (state_dict lists each path), so a safetensors reader sees a plain state
 * dict; serialize.ts records which later paths repeat an earlier one in the metadata, and relinks them on load.
 */
import { Module } from "./nn/module";

/** Each path (in state_dict order) holding an object an earlier path holds, mapped to that earlier path. */
export function tiedPaths(model: Module): Record<string, string> {
  const first = new Map<object, string>();
  const tied: Record<string, string> = {};
  const seen = (path: string, v: object): boolean => {
    const earlier = first.get(v);
    if (earlier === undefined) first.set(v, path);
    else tied[path] = earlier;
    return earlier !== undefined;
  };
  const walk = (m: Module, prefix: string): void => {
    for (const [name, p] of m._own_parameters()) seen(prefix + name, p);
    for (const [name, b] of m._own_buffers()) seen(prefix + name, b);
    // a repeated child is relinked whole, so what it holds need not be listed
    for (const [name, child] of m._own_children()) if (!seen(prefix + name, child)) walk(child, `${prefix}${name}.`);
  };
  walk(model, "");
  return tied;
}

function owner(model: Module, path: string): [Record<string, unknown>, string] {
  const parts = path.split(".");
  const leaf = parts.pop() as string;
  let m: unknown = model;
  for (const p of parts) m = (m as Record<string, unknown>)[p];
  return [m as Record<string, unknown>, leaf];
}

/** Makes each tied path of a rebuilt model hold the object at its earlier path again. */
export function relink(model: Module, tied: Record<string, string>): void {
  for (const [path, earlier] of Object.entries(tied)) {
    const [from, fromLeaf] = owner(model, earlier);
    const [to, toLeaf] = owner(model, path);
    to[toLeaf] = from[fromLeaf];
  }
}
