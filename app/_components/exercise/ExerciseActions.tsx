import type { ExerciseProgress } from "./exercise-api";
import styles from "./exercise.module.css";

export interface ExerciseActionsProps {
  points: number;
  hiddenCheckCount: number;
  progress: ExerciseProgress | null;
  check: { canCheck: boolean; checking: boolean; check(): Promise<void> };
  submission: { submitting: boolean; submit(): void };
  hints: { shown: number; count: number; showHint(): Promise<void> };
  /** The Show solution button, when the exercise has a solution not shown yet. */
  askForSolution: (() => void) | null;
}

/** The row under the editor: Check, Submit, the next hint, the solution, and the attempts so far. */
export function ExerciseActions({ points, hiddenCheckCount, progress, check, submission, hints, askForSolution }: ExerciseActionsProps) {
  return (
    <div className={styles.actions}>
      <button type="button" onClick={() => void check.check()} disabled={!check.canCheck}>
        {check.checking ? "Checking…" : "Check"}
      </button>
      <button type="button" className={styles.primary} onClick={submission.submit} disabled={check.checking || submission.submitting}>
        {submission.submitting ? "Grading…" : "Submit"}
      </button>
      {hints.count > 0 ? (
        <button type="button" onClick={() => void hints.showHint()} disabled={hints.shown >= hints.count}>
          {hints.shown >= hints.count ? "No more hints" : `Show hint (${hints.shown + 1} of ${hints.count})`}
        </button>
      ) : null}
      {askForSolution ? (
        <button type="button" onClick={askForSolution}>
          Show solution
        </button>
      ) : null}
      <span className={styles.meta} data-testid="exercise-attempts">
        Attempts: {progress?.attempts ?? 0}
        {progress?.bestScore != null ? ` · best ${progress.bestScore} / ${points}` : ""}
        {hiddenCheckCount > 0 ? ` · ${hiddenCheckCount} hidden ${hiddenCheckCount === 1 ? "check" : "checks"} run on Submit` : ""}
      </span>
    </div>
  );
}
