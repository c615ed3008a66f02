import { visit } from "unist-util-visit";
import { collectCells } from "./cells";
import { readLesson } from "./files";
import { parseLessonTree } from "./parse";

export interface LessonParts {
  cellIds: string[];
  /** The lesson's original code per cell id (what "Reset cell" restores). */
  originalCode: Record<string, string>;
  exerciseIds: string[];
  /** Earlier ids of renamed cells, by current id (`was=` in the cell's fence). */
  formerIds: Record<string, string[]>;
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
  const parts = {
    cellIds: cells.map((cell) => cell.id),
    originalCode: Object.fromEntries(cells.map((cell) => [cell.id, cell.code])),
    exerciseIds,
    formerIds: Object.fromEntries(cells.filter((cell) => cell.was.length > 0).map((cell) => [cell.id, cell.was])),
  };
  cache.set(slug, parts);
  return parts;
}

/**
 * The cell id an exercise's editor saves its code under. Must match
 * app/_components/exercise/ExerciseClient.tsx (`exercise-${id}`).
 */
export function exerciseCellId(exerciseId: string): string {
  return `exercise-${exerciseId}`;
}

const savable = new Map<string, ReadonlySet<string>>();

/**
 * The ids a learner may save code under in a lesson: its cells and its exercises' editors.
 * Refusing every other id bounds the saved rows per learner and lesson to this set's size
 * (CellState is unique per learner, lesson and cell).
 */
export function savableCellIds(slug: string): ReadonlySet<string> {
  let ids = savable.get(slug);
  if (!ids) {
    const parts = lessonParts(slug);
    savable.set(slug, (ids = new Set([...parts.cellIds, ...parts.exerciseIds.map(exerciseCellId)])));
  }
  return ids;
}

/**
 * A learner's saved code, matched to the lesson as it is now. Work is attached by id, so a cell
 * that moved keeps it; a renamed cell (`was=old-id`) takes the code saved under its old id when
 * it has none of its own; whatever matches no cell or exercise any more (removed in a revision)
 * is returned as `earlier`, never dropped.
 */
export function attachSavedWork<Row extends { cellId: string }>(slug: string, rows: readonly Row[]): { cells: Row[]; earlier: Row[] } {
  const parts = lessonParts(slug);
  const byId = new Map(rows.map((row) => [row.cellId, row]));
  const current = savableCellIds(slug);
  const cells = rows.filter((row) => current.has(row.cellId));
  const taken = new Set<string>();
  for (const [id, formerIds] of Object.entries(parts.formerIds)) {
    if (byId.has(id)) {
      formerIds.forEach((former) => taken.add(former));
      continue;
    }
    const former = formerIds.map((old) => byId.get(old)).find((row) => row !== undefined);
    if (former) {
      cells.push({ ...former, cellId: id });
      taken.add(former.cellId);
    }
  }
  const earlier = rows.filter((row) => !current.has(row.cellId) && !taken.has(row.cellId));
  return { cells, earlier };
}
