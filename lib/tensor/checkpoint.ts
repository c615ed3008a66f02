/**
 * General checkpoints for torch.save / torch.load: a plain object such as
 *   { epoch, model_state_dict, optimizer_state_dict, loss }
 * with nested plain objects, arrays, numbers (NaN and infinities included), strings, booleans,
 * null and tensors. The file stays a safetensors file: every tensor is stored under its path
 * ("model_state_dict/fc.weight", "optimizer_state_dict/state/0/exp_avg"), so Python's
 * safetensors opens it, and the object's shape is JSON in the metadata with a
 * { "__tensor__": path } placeholder where each tensor was.
 */
import { TypeError_ } from "./errors";
import { Module } from "./nn/module";
import { Parameter } from "./nn/parameter";
import { Tensor } from "./tensor";

/** Metadata key holding the JSON structure of a saved general object. */
export const OBJECT_KEY = "gradbook.object";

export type Checkpoint = number | string | boolean | null | Tensor | Checkpoint[] | { [key: string]: Checkpoint };

type Encoded = number | string | boolean | null | Encoded[] | { [key: string]: Encoded };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

/** True when `obj` is a plain object whose values are all tensors (a state dict). */
export function isStateDict(obj: unknown): boolean {
  return isPlainObject(obj) && Object.values(obj).every((v) => v instanceof Tensor);
}

function typeName(v: unknown): string {
  if (typeof v !== "object" || v === null) return typeof v;
  return (v.constructor as { name?: string } | undefined)?.name ?? "object";
}

/**
 * Splits `obj` into its tensors (by path) and a JSON-able structure. Anything else (a Module,
 * a Map, a function, a class instance) is a TypeError naming where it is.
 */
export function encodeCheckpoint(obj: unknown): { tensors: Map<string, Tensor>; structure: string } {
  const tensors = new Map<string, Tensor>();
  const seen = new Set<object>();
  // a tensor met again is stored once and its placeholder repeated, so it loads as one object (pickle's memo)
  const placeholders = new Map<Tensor, Record<string, Encoded>>();
  const walk = (v: unknown, path: string): Encoded => {
    if (v instanceof Tensor) {
      const again = placeholders.get(v);
      if (again !== undefined) return again;
      let key = path || "tensor";
      for (let i = 1; tensors.has(key); i++) key = `${path}#${i}`;
      tensors.set(key, v.detach());
      const enc: Record<string, Encoded> = { __tensor__: key };
      if (v instanceof Parameter) enc.parameter = true;
      if (v.requires_grad) enc.requires_grad = true;
      placeholders.set(v, enc);
      return enc;
    }
    if (typeof v === "number") return Number.isFinite(v) ? v : { __number__: String(v) };
    if (typeof v === "string" || typeof v === "boolean" || v === null) return v;
    if (typeof v === "object") {
      if (seen.has(v)) throw new TypeError_(`torch.save: the object refers to itself at '${path}' (cycles cannot be saved)`);
      if (Array.isArray(v)) {
        seen.add(v);
        const out = v.map((x, i) => walk(x, join(path, String(i))));
        seen.delete(v);
        return out;
      }
      if (isPlainObject(v)) {
        seen.add(v);
        const out: Record<string, Encoded> = {};
        for (const [k, x] of Object.entries(v)) {
          if (x === undefined) continue;
          if (k.startsWith("__") && k.endsWith("__")) throw new TypeError_(`torch.save: key '${k}' at '${path || "/"}' is reserved`);
          out[k] = walk(x, join(path, k));
        }
        seen.delete(v);
        return out;
      }
    }
    const where = path || "the top level";
    const what = v instanceof Module ? v._get_name() : typeof v === "function" ? "function" : typeName(v);
    const hint = v instanceof Module || typeof v !== "function" ? " (save a model as model.state_dict() inside a checkpoint, or save the model on its own)" : "";
    throw new TypeError_(`torch.save: cannot save a ${what} at '${where}'; a checkpoint holds plain objects, arrays, numbers, strings, booleans, null and tensors${hint}`);
  };
  const structure = JSON.stringify(walk(obj, ""));
  return { tensors, structure };
}

function join(path: string, key: string): string {
  return path ? `${path}/${key}` : key;
}

/** Rebuilds the object saved by encodeCheckpoint from its structure and tensors. */
export function decodeCheckpoint(structure: string, tensors: Record<string, Tensor>): Checkpoint {
  const made = new Map<string, Tensor>();
  const walk = (v: Encoded): Checkpoint => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object") {
      if (typeof v.__tensor__ === "string") {
        const key = v.__tensor__;
        const t = tensors[key];
        if (!t) throw new TypeError_(`torch.load: the file has no tensor '${key}' that its structure refers to`);
        let out = made.get(key);
        if (out === undefined) made.set(key, (out = v.parameter ? new Parameter(t, v.requires_grad === true) : v.requires_grad ? t.requires_grad_(true) : t));
        return out;
      }
      if (typeof v.__number__ === "string") return Number(v.__number__);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(JSON.parse(structure) as Encoded);
}
