/**
 * copy.deepcopy of a module without running constructors (so no random draws): same class,
 * settings and hooks, parameters and buffers cloned, submodules copied recursively (a module
 * shared inside the original is shared inside the copy). Used by TransformerEncoder/Decoder's
 * layer clones, nn.utils.fusion and optim.swa_utils.AveragedModel; a leaf module (tensor, Module,
 * Parameter only) so nn.utils and optim can import it without a cycle through nn/index.
 */
import { RuntimeError } from "../errors";
import { Tensor } from "../tensor";
import { Module } from "./module";
import { Parameter } from "./parameter";
import { loadPostHooksOf } from "./state_dict_hooks";

const NON_LEAF = "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the moment";

/**
 * strict: Python's copy.deepcopy, which refuses a tensor attribute that is no graph leaf (weight_norm's computed
 * `weight`); the engine's own copies (TransformerEncoder's layers, fusion, AveragedModel, torch.func's functional
 * modules) carry such an attribute over, detached, and its forward pre-hook recomputes it from the copy's tensors.
 */
export function deepcopyModule<M extends Module>(m: M, memo: Map<unknown, unknown> = new Map(), strict = false): M {
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
  for (const k of Object.keys(src)) dst[k] = copyValue(src[k], memo, strict);
  return copy as M;
}

function copyValue(v: unknown, memo: Map<unknown, unknown>, strict: boolean): unknown {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) return v;
  if (memo.has(v)) return memo.get(v);
  let out: unknown;
  if (v instanceof Module) return deepcopyModule(v, memo, strict);
  if (v instanceof Parameter) out = new Parameter(v.detach().clone(), v.requires_grad);
  else if (v instanceof Tensor) {
    // torch's Tensor.__deepcopy__ on a module's attribute too: weight_norm's computed `weight` is no graph leaf, so
    // copy.deepcopy(student) of DINO's head fails in torch 1.13 (DINO builds its teacher separately)
    if (strict && !v.is_leaf) throw new RuntimeError(NON_LEAF);
    out = v.detach().clone();
  } else if (Array.isArray(v)) out = v.map((x) => copyValue(x, memo, strict));
  else if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x, memo, strict)]));
  } else return v; // functions, dtypes, generators: shared, as deepcopy shares functions
  memo.set(v, out);
  return out;
}

/**
 * Python's copy.deepcopy for what a course writes it on: a module (deepcopyModule: no constructor runs, so no random
 * draws, as `clones(module, N)` in the Annotated Transformer), a state_dict or other plain object / array of tensors,
 * a tensor (a graph leaf: a copy with the same requires_grad; a non-leaf raises torch 1.13's RuntimeError).
 */
export function deepcopy<T>(x: T, memo: Map<unknown, unknown> = new Map()): T {
  if (x instanceof Module) return deepcopyModule(x, memo, true);
  if (x instanceof Tensor && !(x instanceof Parameter)) {
    if (!x.is_leaf) throw new RuntimeError(NON_LEAF);
    if (memo.has(x)) return memo.get(x) as T;
    const out = x.detach().clone().requires_grad_(x.requires_grad);
    memo.set(x, out);
    return out as T;
  }
  if (Array.isArray(x) || (x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype)) {
    if (memo.has(x)) return memo.get(x) as T;
    const out: unknown = Array.isArray(x) ? x.map((v) => deepcopy(v, memo)) : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, deepcopy(v, memo)]));
    memo.set(x, out);
    return out as T;
  }
  return copyValue(x, memo, true) as T;
}
