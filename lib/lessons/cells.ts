import type { Code, Root } from "mdast";
import { visit } from "unist-util-visit";

/** A runnable cell as written in a lesson: a ```ts cell fenced block. */
export interface LessonCell {
  id: string;
  code: string;
  /** 1-based line of the fence in the MDX body. */
  line: number;
  /** Per-cell time budget in milliseconds, when the author set one (`timeout=30s`). */
  timeoutMs: number | null;
  /** Whether the author marked the cell as expected to fail (`raises`). */
  raises: boolean;
  /** Ids the cell had in earlier versions of the lesson (`was=old-id,older-id`): saved work follows the cell. */
  was: string[];
}

const CELL_LANGS = new Set(["ts", "typescript", "tsx"]);

/** `cell id=first timeout=30s` -> { cell: "", id: "first", timeout: "30s" } */
export function parseMeta(meta: string | null | undefined): Map<string, string> {
  const entries = new Map<string, string>();
  for (const token of (meta ?? "").trim().split(/\s+/).filter(Boolean)) {
    const eq = token.indexOf("=");
    if (eq === -1) entries.set(token, "");
    else entries.set(token.slice(0, eq), token.slice(eq + 1).replace(/^["']|["']$/g, ""));
  }
  return entries;
}

export function isCellBlock(node: Code): boolean {
  return CELL_LANGS.has(node.lang ?? "") && parseMeta(node.meta).has("cell");
}

export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|min)?$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  return match[2] === "ms" ? value : match[2] === "min" ? value * 60_000 : value * 1000;
}

/** Every cell of a lesson in order; cells without an explicit id get `cell-<n>`. */
export function collectCells(tree: Root): LessonCell[] {
  const cells: LessonCell[] = [];
  visit(tree, "code", (node: Code) => {
    if (!isCellBlock(node)) return;
    const meta = parseMeta(node.meta);
    const timeout = meta.get("timeout");
    cells.push({
      id: meta.get("id") || `cell-${cells.length + 1}`,
      code: node.value,
      line: node.position?.start.line ?? 0,
      timeoutMs: timeout ? parseDuration(timeout) : null,
      raises: meta.has("raises"),
      was: (meta.get("was") ?? "").split(",").filter(Boolean),
    });
  });
  return cells;
}
