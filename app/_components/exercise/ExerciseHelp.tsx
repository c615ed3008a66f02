import styles from "./exercise.module.css";

/** The hints opened so far, rendered on the server from the lesson's own Markdown (instructor-authored). */
export function HintList({ hints }: { hints: string[] }) {
  if (hints.length === 0) return null;
  return (
    <ol className={styles.hints} data-testid="hints">
      {hints.map((html, index) => (
        <li key={index} dangerouslySetInnerHTML={{ __html: html }} />
      ))}
    </ol>
  );
}

export interface SolutionPanelProps {
  attemptsBeforeSolution: number;
  failedAttempts: number;
  /** Asked for the solution before it opened: say what that means first. */
  warning: boolean;
  code: string | null;
  showEarly(): void;
  keepTrying(): void;
  /** Puts the solution in the exercise's editor (asking first when that would overwrite edits). */
  copyIntoEditor(): void;
}

/** The early-solution warning, then the reference solution once shown. */
export function SolutionPanel({ attemptsBeforeSolution, failedAttempts, warning, code, showEarly, keepTrying, copyIntoEditor }: SolutionPanelProps) {
  return (
    <>
      {warning ? (
        <div className={styles.warning} role="alertdialog" aria-label="Show the solution early?">
          <p>
            The solution opens after {attemptsBeforeSolution} failed {attemptsBeforeSolution === 1 ? "attempt" : "attempts"} (you have {failedAttempts}). Looking now
            is recorded and your instructor will see it. Try a hint first?
          </p>
          <button type="button" onClick={showEarly}>
            Show it anyway
          </button>
          <button type="button" onClick={keepTrying}>
            Keep trying
          </button>
        </div>
      ) : null}
      {code !== null ? (
        <div data-testid="solution">
          <h4 className={styles.subhead}>Reference solution</h4>
          <pre className={styles.solution}>{code}</pre>
          <button type="button" onClick={copyIntoEditor}>
            Copy into editor
          </button>
        </div>
      ) : null}
    </>
  );
}
