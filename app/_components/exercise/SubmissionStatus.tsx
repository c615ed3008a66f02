import type { SubmissionPhase } from "./useSubmission";
import { elapsedLabel, waitingText } from "./submission-status";
import styles from "./exercise.module.css";

/**
 * The line under the buttons while a submission waits for the grader. The live region is
 * always in the page (screen readers announce changes only to a region that already exists)
 * and holds the state and position alone: the elapsed seconds sit outside it, so a screen
 * reader is not interrupted every second.
 */
export function SubmissionStatus({ state, elapsedMs }: { state: SubmissionPhase; elapsedMs: number }) {
  // While the POST is out the server may already be grading (it waits a moment for a quick grade): say so, with the time.
  const text = state.phase === "waiting" ? waitingText(state.status, state.position, elapsedMs) : state.phase === "sending" ? waitingText("running", null, elapsedMs) : null;
  return (
    <div className={text ? styles.queue : undefined} data-testid="submission-status">
      <span role="status" aria-live="polite">
        {text?.line ?? ""}
      </span>
      {text ? <span className={styles.elapsed}> {elapsedLabel(elapsedMs)}</span> : null}
      {text?.explanation ? <p className={styles.note}>{text.explanation}</p> : null}
    </div>
  );
}
