"use client";

import type { RunState } from "./useCellExecution";

const STATE_LABEL: Record<RunState, string> = { idle: "", queued: "queued", running: "running", done: "done", error: "error", cancelled: "not run" };

export interface CellGutterProps {
  runState: RunState;
  executionCount: number | null;
  canRun: boolean;
  onRun(): void;
  /** Absent for the learner's own cells: they have no lesson code to go back to. */
  onReset?(): void;
}

/** The left edge of a cell: execution count ([*] while busy), Run, Reset and the run state. */
export function CellGutter({ runState, executionCount, canRun, onRun, onReset }: CellGutterProps) {
  const busy = runState === "queued" || runState === "running";
  return (
    <div className="cell-gutter">
      <span className="cell-count" data-testid="execution-count">
        [{busy ? "*" : (executionCount ?? " ")}]
      </span>
      <button type="button" className="cell-run" onClick={onRun} disabled={!canRun} aria-label="Run cell" title="Run cell (Shift+Enter)">
        ▶
      </button>
      {onReset ? (
        <button type="button" className="cell-reset" onClick={onReset} aria-label="Reset cell" title="Reset cell to the lesson’s original code">
          ↺
        </button>
      ) : null}
      <span className="cell-state" data-testid="cell-state">
        {STATE_LABEL[runState]}
      </span>
    </div>
  );
}
