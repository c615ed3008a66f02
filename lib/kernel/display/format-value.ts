/**
 * Plain-text rendering of any value a cell returns or prints, in the spirit of Node's
 * util.inspect: short, one level of structure at a time, never throwing.
 */
import { nn, torch } from "../../tensor";

const MAX_ITEMS = 100;
const MAX_DEPTH = 3;

export function formatValue(value: unknown, depth = 0, seen: Set<object> = new Set()): string {
  // Modules are callable (typeof "function"): print their repr, as PyTorch does, not [Function].
  if (value instanceof nn.Module) return String(value);
  switch (typeof value) {
    case "string":
      return depth === 0 ? value : JSON.stringify(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "boolean":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      // torch.Tensor is the class behind a Proxy (callable without new), whose source text reads as native code
      return value === torch.Tensor || /^class\s/.test(Function.prototype.toString.call(value))
        ? `[class ${(value as { name: string }).name || "(anonymous)"}]`
        : `[Function: ${(value as { name: string }).name || "(anonymous)"}]`;
  }
  if (value === null) return "null";
  const object = value as object;
  if (seen.has(object)) return "[Circular]";
  if (hasOwnToString(object)) return String(object);
  if (object instanceof Error) return `${object.name}: ${object.message}`;
  if (object instanceof Date) return object.toISOString();
  if (object instanceof RegExp) return String(object);
  if (depth >= MAX_DEPTH) return Array.isArray(object) ? "[Array]" : "[Object]";
  seen.add(object);
  try {
    if (Array.isArray(object) || ArrayBuffer.isView(object)) {
      const items = Array.from(object as ArrayLike<unknown>);
      const shown = items.slice(0, MAX_ITEMS).map((item) => formatValue(item, depth + 1, seen));
      if (items.length > MAX_ITEMS) shown.push(`... ${items.length - MAX_ITEMS} more items`);
      const prefix = Array.isArray(object) ? "" : `${object.constructor.name}(${items.length}) `;
      return `${prefix}[${shown.join(", ")}]`;
    }
    if (object instanceof Map) {
      const entries = [...object.entries()].slice(0, MAX_ITEMS).map(([k, v]) => `${formatValue(k, depth + 1, seen)} => ${formatValue(v, depth + 1, seen)}`);
      return `Map(${object.size}) {${entries.length ? ` ${entries.join(", ")} ` : ""}}`;
    }
    if (object instanceof Set) {
      const entries = [...object.values()].slice(0, MAX_ITEMS).map((v) => formatValue(v, depth + 1, seen));
      return `Set(${object.size}) {${entries.length ? ` ${entries.join(", ")} ` : ""}}`;
    }
    if (object instanceof Promise) return "Promise { <pending> }";
    const keys = Object.keys(object);
    const body = keys.slice(0, MAX_ITEMS).map((key) => `${formatKey(key)}: ${formatValue((object as Record<string, unknown>)[key], depth + 1, seen)}`);
    if (keys.length > MAX_ITEMS) body.push(`... ${keys.length - MAX_ITEMS} more keys`);
    const name = object.constructor && object.constructor !== Object ? `${object.constructor.name} ` : "";
    return `${name}{${body.length ? ` ${body.join(", ")} ` : ""}}`;
  } finally {
    seen.delete(object);
  }
}

/** Tensors and modules print themselves the PyTorch way through their own toString. */
function hasOwnToString(object: object): boolean {
  const toString = (object as { toString?: unknown }).toString;
  return typeof toString === "function" && toString !== Object.prototype.toString && toString !== Array.prototype.toString && !(object instanceof Error) && !(object instanceof Date) && !(object instanceof RegExp);
}

function formatKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}
