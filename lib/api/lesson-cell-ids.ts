import { lessonParts } from "./learner-lesson-parts";
import { errorResponse } from "./responses";

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
 * 400 for a well-formed cell id the lesson does not have, null when it has it. `where` names
 * the part of the request that carried it, as the zod errors of responses.ts do.
 */
export function unknownCellResponse(slug: string, cellId: string, known: ReadonlySet<string> | readonly string[], where: "request body" | "URL parameter"): Response | null {
  const has = "has" in known ? known.has(cellId) : known.includes(cellId);
  return has ? null : errorResponse(400, `Invalid ${where}: cellId: lesson "${slug}" has no cell "${cellId}"`);
}
