/**
 * How a guest's row and an account's row for the same exercise or lesson combine when the
 * guest signs in (lib/db/users.ts). Pure: the caller reads both rows and writes the result in
 * its transaction. Nothing either identity did is lost.
 */

export interface ExerciseStateFields {
  attempts: number;
  hintsUsed: number;
  solutionViewed: boolean;
  solutionViewedAt: Date | null;
}

/**
 * - attempts: the sum. recordSubmission counts one attempt per stored submission, and the
 *   guest's submissions all move to the account, so the sum keeps attempts equal to the
 *   submissions the account now has (a max would undercount them).
 * - hintsUsed: the max. It is the number of the last hint revealed (hints open in order), so
 *   the larger one covers the smaller.
 * - solutionViewed: either.
 * - solutionViewedAt: the earliest view. A view without a time (recorded before the time was
 *   kept) may be the earliest, so it stays unknown: the gradebook then never shows the pass
 *   as clean, as it would not have for that identity alone.
 */
export function mergeExerciseState(a: ExerciseStateFields, b: ExerciseStateFields): ExerciseStateFields {
  const unknownView = (s: ExerciseStateFields) => s.solutionViewed && s.solutionViewedAt === null;
  const times = [a, b].map((s) => s.solutionViewedAt).filter((t): t is Date => t !== null);
  const earliest = times.length === 0 || unknownView(a) || unknownView(b) ? null : new Date(Math.min(...times.map((t) => t.getTime())));
  return {
    attempts: a.attempts + b.attempts,
    hintsUsed: Math.max(a.hintsUsed, b.hintsUsed),
    solutionViewed: a.solutionViewed || b.solutionViewed,
    solutionViewedAt: earliest,
  };
}

export interface LessonProgressFields {
  openedAt: Date;
  lastOpenedAt: Date;
  /** The cell ids run at least once (parsed from the stored JSON). */
  cellsRun: string[];
  lastCellId: string | null;
  completedAt: Date | null;
}

/** Cells run: the union; first and last opened: the earliest and the latest (with that visit's last cell); completed: the earliest. */
export function mergeLessonProgress(a: LessonProgressFields, b: LessonProgressFields): LessonProgressFields {
  const later = a.lastOpenedAt >= b.lastOpenedAt ? a : b;
  const completed = [a.completedAt, b.completedAt].filter((t): t is Date => t !== null);
  return {
    openedAt: a.openedAt <= b.openedAt ? a.openedAt : b.openedAt,
    lastOpenedAt: later.lastOpenedAt,
    cellsRun: [...new Set([...a.cellsRun, ...b.cellsRun])].sort(),
    lastCellId: later.lastCellId ?? (later === a ? b : a).lastCellId,
    completedAt: completed.length === 0 ? null : new Date(Math.min(...completed.map((t) => t.getTime()))),
  };
}
