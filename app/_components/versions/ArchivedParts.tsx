import type { ReactNode } from "react";
import styles from "./versions.module.css";

/**
 * What an earlier version's MDX elements render as: the same words and code, read-only.
 * Nothing here runs code, saves work or submits: those happen in the current version.
 */
export function ArchivedCell({ id, code }: { id: string; code: string }) {
  return (
    <figure className={styles.cell} data-testid="archived-cell" data-cell-id={id}>
      <figcaption className={styles.cellId}>cell {id}</figcaption>
      <pre>
        <code>{code}</code>
      </pre>
    </figure>
  );
}

export function ArchivedExercise({ id, title, points, starter, children }: { id: string; title: string; points: string; starter: string; children?: ReactNode }) {
  return (
    <section className={styles.exercise} data-testid="archived-exercise" data-exercise-id={id} aria-label={`Exercise: ${title}`}>
      <h3>
        Exercise: {title} <span className={styles.muted}>({points} {points === "1" ? "point" : "points"})</span>
      </h3>
      {children}
      <p className={styles.muted}>Starter code of this version:</p>
      <pre>
        <code>{starter}</code>
      </pre>
    </section>
  );
}

export function ArchivedHint({ children }: { children?: ReactNode }) {
  return (
    <details className={styles.hint}>
      <summary>Hint</summary>
      {children}
    </details>
  );
}

export function ArchivedExperimentCompare({ name, metric }: { name: string; metric: string }) {
  return (
    <p className={styles.muted}>
      (A live chart comparing your “{name}” runs by {metric} appears here in the current version.)
    </p>
  );
}
