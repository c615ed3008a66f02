"use client";

import { Fragment, useSyncExternalStore } from "react";
import { useNotebook } from "./NotebookProvider";
import { InsertCellBar } from "./InsertCellBar";
import { LearnerCell } from "./LearnerCell";
import { cellsAfter, orphanCells, orderedEntries, TOP_ANCHOR, type OwnCell } from "./learner-cell-order";
import type { LearnerCellSnapshot } from "./LearnerCellStore";
import styles from "./learner-cells.module.css";

const EMPTY: LearnerCellSnapshot = { cells: [], editingNotes: new Set(), lastDeleted: null, notice: null };

/** The learner's own cells as the page shows them now (re-rendered on every structural change). */
export function useLearnerCellSnapshot(): LearnerCellSnapshot {
  const { learnerCells } = useNotebook();
  return useSyncExternalStore(learnerCells.subscribe, learnerCells.getSnapshot, () => EMPTY);
}

/** 1-based numbers of the own cells in page order, for their labels ("Your code cell 2"). */
function useOwnNumbers(): Map<string, number> {
  const { lessonCellIds } = useNotebook();
  const { cells } = useLearnerCellSnapshot();
  const numbers = new Map<string, number>();
  for (const entry of orderedEntries(lessonCellIds, cells)) if (entry.type === "own") numbers.set(entry.cell.cellId, numbers.size + 1);
  return numbers;
}

function OwnCells({ cells }: { cells: OwnCell[] }) {
  const numbers = useOwnNumbers();
  return cells.map((cell) => (
    <Fragment key={cell.cellId}>
      <LearnerCell cell={cell} index={numbers.get(cell.cellId) ?? 0} />
      <InsertCellBar after={cell.cellId} />
    </Fragment>
  ));
}

/** After a lesson cell (or at the top, anchor ""): the Insert bar, then the learner's cells placed there. */
export function LearnerCellSlot({ anchor }: { anchor: string }) {
  const { cells } = useLearnerCellSnapshot();
  return (
    <>
      {anchor === TOP_ANCHOR ? null : <InsertCellBar after={anchor} />}
      <OwnCells cells={cellsAfter(cells, anchor)} />
    </>
  );
}

/** Cells whose lesson cell a newer version of the lesson no longer has: kept, at the end. */
export function OrphanLearnerCells() {
  const { lessonCellIds } = useNotebook();
  const orphans = orphanCells(useLearnerCellSnapshot().cells, lessonCellIds);
  if (orphans.length === 0) return null;
  return (
    <section className={styles.orphans} aria-labelledby="orphan-cells-heading" data-testid="orphan-cells">
      <h2 id="orphan-cells-heading">Your cells from an earlier version of this lesson</h2>
      <p className="lead">The lesson changed and the cell these followed is gone; they are kept here.</p>
      <OwnCells cells={orphans} />
    </section>
  );
}

/** "Cell deleted — Undo", and notes on shortcuts that did nothing. */
export function LearnerCellToast() {
  const { learnerCells } = useNotebook();
  const { lastDeleted, notice } = useLearnerCellSnapshot();
  if (!lastDeleted && !notice) return null;
  return (
    <div className={styles.toast} role="status" data-testid="learner-cell-toast">
      {lastDeleted ? (
        <>
          <span>Your {lastDeleted.kind === "note" ? "note" : "cell"} was deleted.</span>
          <button type="button" onClick={() => learnerCells.undo()}>
            Undo
          </button>
          <button type="button" aria-label="Dismiss" onClick={() => learnerCells.dismissUndo()}>
            ✕
          </button>
        </>
      ) : (
        <>
          <span>{notice}</span>
          <button type="button" aria-label="Dismiss" onClick={() => learnerCells.tell(null)}>
            ✕
          </button>
        </>
      )}
    </div>
  );
}
