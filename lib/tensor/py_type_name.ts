import { TypeError_, ValueError } from "./errors";

/**
 * Python's type(v).__name__ for a value a learner passed where torch wanted something else, as torch's
 * messages print it: NoneType, int, float, bool, str, list, dict for a plain object, function, or the
 * class name of an instance (Tensor, a model's class, an optimizer's).
 */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  if (typeof v === "object" && (ctor === undefined || ctor === "Object")) return "dict";
  return ctor === undefined || ctor === "Function" ? "function" : ctor;
}

/** The classes of torch.return_types results, by name (one each, made on first use). */
const RETURN_TYPES = new Map<string, new () => object>();

/**
 * A new, empty torch.return_types.<name> object (x.max(0), x.sort(), torch.aminmax(x) fill it): an instance of a class
 * of that name, so pyTypeName (and every "must be Tensor, not ..." message built on a constructor's name) prints
 * torch's "torch.return_types.max", and the result is no plain options object (args.ts's isOptions): torch.exp(x.max(0))
 * raises torch's TypeError instead of reading the result's fields as keywords.
 */
export function returnTypeObject(name: string): object {
  let cls = RETURN_TYPES.get(name);
  if (!cls) {
    cls = class {};
    Object.defineProperty(cls, "name", { value: `torch.return_types.${name}` });
    RETURN_TYPES.set(name, cls);
  }
  return new cls();
}

/** Python's repr of a str, as a message quotes it: 'abc', or "it's" when the text holds a single quote only. */
function pyStrRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * Python's float(v), for the arguments torch's Python code converts so (clip_grad_value_'s clip_value,
 * clip_grad_norm_'s max_norm and norm_type): a number, a bool, a numeric string ('0.1', 'inf', 'nan'), or a
 * one-element tensor (Tensor.__float__); else Python's own errors: "float() argument must be a string or a real
 * number, not 'NoneType'" (TypeError), "could not convert string to float: 'abc'" and "only one element tensors can
 * be converted to Python scalars" (ValueError).
 */
export function pyFloat(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const s = v.trim().replace(/(\d)_(?=\d)/g, "$1");
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
    if (special) return special[2].toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
    throw new ValueError(`could not convert string to float: ${pyStrRepr(v)}`);
  }
  const t = v as { numel?: unknown; item?: unknown } | null;
  if (t !== null && typeof t === "object" && typeof t.numel === "function" && typeof t.item === "function") {
    if ((t.numel as () => number).call(t) !== 1) throw new ValueError("only one element tensors can be converted to Python scalars");
    return Number((t.item as () => number).call(t));
  }
  throw new TypeError_(`float() argument must be a string or a real number, not '${pyTypeName(v)}'`);
}
