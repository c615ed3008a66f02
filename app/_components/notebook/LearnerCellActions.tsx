"use client";

import type { OwnCell } from "./learner-cell-order";
import { useNotebook } from "./NotebookProvider";
import styles from "./learner-cells.module.css";

/** The badge that marks a cell as the learner's own, and its Move / Delete / kind buttons. */
export function LearnerCellActions({ cell, index }: { cell: OwnCell; index: number }) {
  const { learnerCells } = useNotebook();
  const what = cell.kind === "note" ? "note" : "cell";
  return (
    <div className={styles.actions} role="group" aria-label={`Your ${what} ${index}`}>
      <span className={styles.badge} data-testid="own-cell-badge">
        Your {what}
      </span>
      <button type="button" aria-label={`Move your ${what} up`} title="Move up" onClick={() => learnerCells.move(cell.cellId, -1)}>
        ↑
      </button>
      <button type="button" aria-label={`Move your ${what} down`} title="Move down" onClick={() => learnerCells.move(cell.cellId, 1)}>
        ↓
      </button>
      <button type="button" onClick={() => learnerCells.setKind(cell.cellId, cell.kind === "note" ? "code" : "note")} title={cell.kind === "note" ? "Make it a code cell (Y)" : "Make it a Markdown note (M)"}>
        {cell.kind === "note" ? "To code" : "To note"}
      </button>
      <button type="button" aria-label={`Delete your ${what}`} title="Delete (D, D); Undo brings it back" onClick={() => learnerCells.remove(cell.cellId)}>
        Delete
      </button>
    </div>
  );
}
