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
