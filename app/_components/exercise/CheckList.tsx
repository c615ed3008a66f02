import type { CheckResult, CheckStatus } from "@/lib/grading/types";
import styles from "./exercise.module.css";

const LABELS: Record<CheckStatus, string> = {
  passed: "passed",
  failed: "failed",
  time_limit: "time limit exceeded",
  memory_limit: "memory limit exceeded",
  authoring_error: "broken check (not counted)",
};

/** One line per check: pass or fail, its name, and what differed. */
export function CheckList({ checks }: { checks: readonly CheckResult[] }) {
  return (
    <ul className={styles.checks}>
      {checks.map((check) => (
        <li key={`${check.hidden ? "h" : "v"}:${check.name}`} className={check.status === "passed" ? styles.pass : styles.fail} data-status={check.status}>
          <span className={styles.mark} aria-hidden="true">
            {check.status === "passed" ? "✓" : check.status === "authoring_error" ? "!" : "✗"}
          </span>
          <span className={styles.checkName}>{check.name}</span>
          {check.hidden ? <span className={styles.tag}>hidden</span> : null}
          {check.free ? (
            <span className={styles.tag} title="A sanity check: it carries no points">
              no points
            </span>
          ) : null}
          <span className={styles.status}>{LABELS[check.status]}</span>
          {check.message ? <div className={styles.message}>{check.message}</div> : null}
        </li>
      ))}
    </ul>
  );
}
