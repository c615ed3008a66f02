import type { RootContent } from "mdast";
import { visit } from "unist-util-visit";
import { collectCells, isCellBlock } from "./cells";
import { EXERCISE_ELEMENT, HINT_ELEMENT, hintsOfParagraph, isExerciseCodeLang, isJsxElement, parseExerciseNode, type MdxJsxElementNode } from "./exercises";
import { parseLessonTree } from "./parse";

/**
 * A lesson as a notebook: prose, runnable cells and exercises, in order. An exercise carries
 * only what the page shows before any attempt: its instructions (Markdown) and starter code.
 */
export type NotebookPart =
  | { kind: "markdown"; source: string }
  | { kind: "code"; cellId: string; source: string }
  | { kind: "exercise"; exerciseId: string; title: string; instructions: string; starter: string };

/** Top-level MDX nodes that are components (charts, imports): left out of the export. */
const COMPONENT_NODES = new Set(["mdxJsxFlowElement", "mdxjsEsm", "mdxFlowExpression"]);

/**
 * Splits a lesson body into markdown, code and exercise parts for the .ipynb export. Other
 * components are skipped; of an exercise only the instructions and starter are taken, so
 * nothing it keeps from the learner (hidden and visible checks, hints, the solution) can leave
 * the server this way.
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
    } else if (isJsxElement(node, EXERCISE_ELEMENT)) {
      const exercise = parseExerciseNode(node, cells);
      parts.push({ kind: "exercise", exerciseId: exercise.id, title: exercise.title, instructions: instructionsOf(node, body), starter: exercise.starter });
    } else if (!COMPONENT_NODES.has(node.type)) {
      pushMarkdown(node);
    }
  }
  return parts;
}

/** Hints open one at a time on the page: a block holding one anywhere stays out of the export. */
function containsHint(node: RootContent): boolean {
  let found = false;
  visit(node, (child) => {
    if (isJsxElement(child, HINT_ELEMENT)) found = true;
  });
  return found;
}

/** An exercise's prose: its children without the role code blocks and hints, as written. */
function instructionsOf(exercise: MdxJsxElementNode, body: string): string {
  const prose = exercise.children.filter((child) => !(child.type === "code" && isExerciseCodeLang(child.lang)) && !hintsOfParagraph(child) && !containsHint(child));
  return prose
    .map((child) => (child.position?.start.offset !== undefined && child.position.end.offset !== undefined ? body.slice(child.position.start.offset, child.position.end.offset) : ""))
    .filter(Boolean)
    .join("\n\n");
}
