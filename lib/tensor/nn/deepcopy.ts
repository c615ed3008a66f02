/**
 * copy.deepcopy of a module without running constructors (so no random draws): same class,
 * settings and hooks, parameters and buffers cloned, submodules copied recursively (a module
 * shared inside the original is shared inside the copy). Used by TransformerEncoder/Decoder's
 * layer clones, nn.utils.fusion and optim.swa_utils.AveragedModel; a leaf module (tensor, Module,
 * Parameter only) so nn.utils and optim can import it without a cycle through nn/index.
 */
import { Tensor } from "../tensor";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { loadPostHooksOf } from "./state_dict_hooks";

export function deepcopyModule<M extends Module>(m: M, memo: Map<unknown, unknown> = new Map()): M {
  const known = memo.get(m);
  if (known) return known as M;
  const copy = new Module();
  Object.setPrototypeOf(copy, Object.getPrototypeOf(m) as object);
  memo.set(m, copy);
  copy.training = m.training;
  copy._buffer_names = new Map(m._buffer_names);
  copy._slot_kinds = new Map(m._slot_kinds);
  copy._forward_pre_hooks = new Map(m._forward_pre_hooks);
  copy._forward_hooks = new Map(m._forward_hooks);
  copy._backward_hooks = new Map(m._backward_hooks);
  for (const [id, hook] of loadPostHooksOf(m)) loadPostHooksOf(copy).set(id, hook);
  const src = m as unknown as Record<string, unknown>;
  const dst = copy as unknown as Record<string, unknown>;
  for (const k of Object.keys(src)) dst[k] = copyValue(src[k], memo);
  return copy as M;
}

function copyValue(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return v;
  if (memo.has(v)) return memo.get(v);
  let out: unknown;
  if (v instanceof Module) return deepcopyModule(v, memo);
  if (v instanceof Parameter) out = new Parameter(v.detach().clone(), v.requires_grad);
  else if (v instanceof Tensor) out = v.detach().clone();
  else if (Array.isArray(v)) out = v.map((x) => copyValue(x, memo));
  else if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x, memo)]));
  } else return v; // functions, dtypes, generators: shared, as deepcopy shares functions
  memo.set(v, out);
  return out;
}
