"use client";

import { useNotebook } from "./NotebookProvider";
import styles from "./learner-cells.module.css";

/** Below every lesson cell and own cell: add a code cell or a Markdown note of the learner's own there. */
export function InsertCellBar({ after }: { after: string }) {
  const { learnerCells } = useNotebook();
  return (
    <div className={styles.insertBar} data-insert-after={after}>
      <button type="button" className={styles.insertButton} aria-label="Insert code cell below" title="Insert a code cell of your own below (B)" onClick={() => learnerCells.insert(after, "after", "code", "edit")}>
        + Code
      </button>
      <button type="button" className={styles.insertButton} aria-label="Insert note cell below" title="Insert a Markdown note of your own below" onClick={() => learnerCells.insert(after, "after", "note", "edit")}>
        + Note
      </button>
    </div>
  );
}
