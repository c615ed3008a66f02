import type { RootContent } from "mdast";
import { collectCells, isCellBlock } from "./cells";
import { parseLessonTree } from "./parse";

/** A lesson as a notebook: prose and runnable cells, in order. */
export type NotebookPart = { kind: "markdown"; source: string } | { kind: "code"; cellId: string; source: string };

/** Top-level MDX nodes that are components (exercises, charts): left out of the export. */
const COMPONENT_NODES = new Set(["mdxJsxFlowElement", "mdxjsEsm", "mdxFlowExpression"]);

/**
 * Splits a lesson body into markdown and code parts for the .ipynb export. Components
 * are skipped entirely, so nothing an exercise keeps from the learner (hidden checks,
 * solutions) can leave the server this way.
 */
export function notebookParts(body: string): NotebookPart[] {
  const tree = parseLessonTree(body);
  const cells = collectCells(tree);
  let cellIndex = 0;
  const parts: NotebookPart[] = [];
  const pushMarkdown = (node: RootContent) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return;
    const source = body.slice(start, end);
    const last = parts.at(-1);
    if (last?.kind === "markdown") last.source += `\n\n${source}`;
    else parts.push({ kind: "markdown", source });
  };
  for (const node of tree.children) {
    if (node.type === "code" && isCellBlock(node)) {
      const cell = cells[cellIndex++];
      parts.push({ kind: "code", cellId: cell.id, source: cell.code });
    } else if (!COMPONENT_NODES.has(node.type)) {
      pushMarkdown(node);
    }
  }
  return parts;
}
