import { visit } from "unist-util-visit";
import { collectCells } from "../lessons/cells";
import { readLesson } from "../lessons/files";
import { parseLessonTree } from "../lessons/parse";

export interface LessonParts {
  cellIds: string[];
  /** The lesson's original code per cell id (what "Reset cell" restores). */
  originalCode: Record<string, string>;
  exerciseIds: string[];
}

const cache = new Map<string, LessonParts>();

/** The cell and exercise ids of a lesson (what "completed" means), parsed once per process. */
export function lessonParts(slug: string): LessonParts {
  const known = cache.get(slug);
  if (known) return known;
  const tree = parseLessonTree(readLesson(slug).body);
  const exerciseIds: string[] = [];
  visit(tree, (node) => {
    const element = node as { type: string; name?: string | null; attributes?: { type: string; name?: string; value?: unknown }[] };
    if (element.type !== "mdxJsxFlowElement" || element.name !== "Exercise") return;
    const id = element.attributes?.find((a) => a.type === "mdxJsxAttribute" && a.name === "id")?.value;
    if (typeof id === "string") exerciseIds.push(id);
  });
  const cells = collectCells(tree);
  const parts = { cellIds: cells.map((cell) => cell.id), originalCode: Object.fromEntries(cells.map((cell) => [cell.id, cell.code])), exerciseIds };
  cache.set(slug, parts);
  return parts;
}
