import type { CheckResult, GradeResult } from "@/lib/grading/types";
import { CheckList } from "./CheckList";
import styles from "./exercise.module.css";

/** What Check found (in this browser) and the grade Submit got (from the server). */
export function ExerciseResults({
  note,
  checkResults,
  grade,
  gradeOutdated = null,
}: {
  note: string | null;
  checkResults: CheckResult[] | null;
  grade: GradeResult | null;
  /** Set when the grade was earned on an earlier version of the lesson whose exercise has changed since. */
  gradeOutdated?: { lessonVersion: number } | null;
}) {
  return (
    <>
      {note ? <p className={styles.note}>{note}</p> : null}
      {checkResults ? (
        <div data-testid="check-results">
          <h4 className={styles.subhead}>Check (visible checks, in your browser)</h4>
          <CheckList checks={checkResults} />
        </div>
      ) : null}

      {grade ? (
        <div data-testid="submit-results" className={styles.grade}>
          <h4 className={styles.subhead}>
            Graded on the server: <span data-testid="score">{grade.score} / {grade.maxScore}</span> {grade.passed ? "— all checks passed" : ""}
          </h4>
          {gradeOutdated ? (
            <p className={styles.note} role="note" data-testid="exercise-changed">
              This exercise changed after you submitted: your grade is from version {gradeOutdated.lessonVersion} of the lesson. Submit again to be graded on the
              current version.
            </p>
          ) : null}
          {grade.setupError ? <p className={styles.note}>{grade.setupError}</p> : null}
          <CheckList checks={grade.checks} />
        </div>
      ) : null}
    </>
  );
}
