import type { MimeBundle } from "../protocol";
import { TABLE_MIME, type TableData } from "./mime";
import { formatValue } from "./format-value";

type Cell = string | number | boolean | null;

function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isInteger(value) ? value : Number(value.toPrecision(6));
  if (typeof value === "string" || typeof value === "boolean") return value;
  return formatValue(value, 1);
}

/**
 * A table from rows of objects (`[{ a: 1, b: 2 }, ...]`), an object of columns
 * (`{ a: [1, 2], b: [3, 4] }`) or an array of arrays.
 */
export function tableData(source: unknown, title?: string): TableData {
  if (Array.isArray(source)) {
    if (source.length > 0 && source.every((row) => typeof row === "object" && row !== null && !Array.isArray(row))) {
      const columns = [...new Set(source.flatMap((row) => Object.keys(row as object)))];
      return { title, columns, rows: source.map((row) => columns.map((c) => cellOf((row as Record<string, unknown>)[c]))) };
    }
    if (source.every(Array.isArray)) {
      const width = Math.max(0, ...source.map((row) => (row as unknown[]).length));
      return { title, columns: Array.from({ length: width }, (_, i) => String(i)), rows: source.map((row) => (row as unknown[]).map(cellOf)) };
    }
    return { title, columns: ["index", "value"], rows: source.map((v, i) => [i, cellOf(v)]) };
  }
  if (typeof source === "object" && source !== null) {
    const entries = Object.entries(source);
    if (entries.length > 0 && entries.every(([, v]) => Array.isArray(v))) {
      const length = Math.max(...entries.map(([, v]) => (v as unknown[]).length));
      return { title, columns: entries.map(([k]) => k), rows: Array.from({ length }, (_, i) => entries.map(([, v]) => cellOf((v as unknown[])[i]))) };
    }
    return { title, columns: ["key", "value"], rows: entries.map(([k, v]) => [k, cellOf(v)]) };
  }
  throw new TypeError("table() takes an array of rows, an object of columns, or an object");
}

export function tableText(table: TableData): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map((c) => (c === null ? "" : String(c))))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((row) => String(row[i] ?? "").length)));
  const lines = cells.map((row) => row.map((c, i) => String(c ?? "").padEnd(widths[i])).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return (table.title ? `${table.title}\n` : "") + lines.join("\n");
}

export function tableBundle(table: TableData): MimeBundle {
  return { "text/plain": tableText(table), [TABLE_MIME]: table };
}
