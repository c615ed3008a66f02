"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { useNotebook } from "./NotebookProvider";
import { CodeEditor } from "./CodeEditor";
import { CellOutputs } from "./CellOutputs";
import { CellGutter } from "./CellGutter";
import { useCellExecution } from "./useCellExecution";
import { LearnerCellActions } from "./LearnerCellActions";
import { NoteCell } from "./NoteCell";
import { focusNextCell } from "./command-mode";
import type { OwnCell } from "./learner-cell-order";
import styles from "./learner-cells.module.css";

/** A cell the learner added: code or a Markdown note. */
export function LearnerCell({ cell, index }: { cell: OwnCell; index: number }) {
  return cell.kind === "note" ? <NoteCell cell={cell} index={index} /> : <LearnerCodeCell cell={cell} index={index} />;
}

/**
 * The learner's own code cell: runs in the lesson's kernel in page order with the lesson's cells
 * (Run all, Run all above, execution counts, interrupt), saved with its place in the notebook.
 */
function LearnerCodeCell({ cell, index }: { cell: OwnCell; index: number }) {
  const { cellId } = cell;
  const { learnerCells, setActiveCell } = useNotebook();
  const container = useRef<HTMLElement>(null);
  const code = useCallback(() => learnerCells.get(cellId)?.code ?? "", [learnerCells, cellId]);
  const { kernel, outputs, restored, runState, executionCount, run } = useCellExecution(cellId, code, container);
  // Inserted just now: take focus once (the editor for a click on Insert, the cell for A/B).
  const [focusMode] = useState(() => learnerCells.takeFocus(cellId));

  useEffect(() => {
    if (focusMode === "command") container.current?.focus();
  }, [focusMode]);

  const runAndAdvance = useCallback(() => {
    void run();
    focusNextCell(container.current);
  }, [run]);

  return (
    <section
      className={`cell cell-${runState} ${styles.ownCell} ${styles.selectable}`}
      ref={container}
      id={cellId}
      tabIndex={0}
      data-cell-id={cellId}
      data-own-cell="code"
      data-state={runState}
      aria-label={`Your code cell ${index}`}
      onFocusCapture={() => setActiveCell(cellId)}
      onPointerDown={() => setActiveCell(cellId)}
    >
      <CellGutter runState={runState} executionCount={executionCount} canRun={kernel !== null} onRun={() => void run()} />
      <div className="cell-body">
        <LearnerCellActions cell={cell} index={index} />
        <CodeEditor
          modelPath={`file:///cells/${cellId}.ts`}
          value={cell.code}
          ariaLabel={`Code of your cell ${index}`}
          autoFocus={focusMode === "edit"}
          onChange={(next) => learnerCells.setCode(cellId, next)}
          onRun={() => void run()}
          onRunAndAdvance={runAndAdvance}
        />
        <CellOutputs outputs={outputs} restored={restored} />
      </div>
    </section>
  );
}
