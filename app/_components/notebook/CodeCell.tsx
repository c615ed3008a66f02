"use client";

import { useCallback, useRef } from "react";
import { useNotebook } from "./NotebookProvider";
import { CodeEditor } from "./CodeEditor";
import { CellOutputs } from "./CellOutputs";
import { CellGutter } from "./CellGutter";
import { usePersistedCode } from "./usePersistedCode";
import { useCellExecution } from "./useCellExecution";
import { LearnerCellSlot } from "./LearnerCellSlot";
import { focusNextCell } from "./command-mode";
import learnerCellStyles from "./learner-cells.module.css";

export interface CodeCellProps {
  id: string;
  code: string;
  timeoutMs?: string;
}

/** A runnable cell: a Monaco editor, a Run button, its state and its outputs. */
export function CodeCell({ id, code: lessonCode, timeoutMs }: CodeCellProps) {
  const { persistence, setActiveCell } = useNotebook();
  const { saveCode, resetCell } = persistence;
  const container = useRef<HTMLElement>(null);
  const code = usePersistedCode(id, lessonCode, { followExternalCode: true });
  const { kernel, outputs, restored, runState, executionCount, run } = useCellExecution(id, code.current, container, timeoutMs);
  const { replace } = code;

  const reset = useCallback(() => {
    if (!window.confirm("Reset this cell to the lesson’s original code? Your changes to it will be lost.")) return;
    if (resetCell(id) === undefined) saveCode(id, lessonCode);
    replace(lessonCode);
  }, [resetCell, saveCode, id, lessonCode, replace]);

  const runAndAdvance = useCallback(() => {
    void run();
    focusNextCell(container.current);
  }, [run]);

  return (
    <>
      <section
        className={`cell cell-${runState} ${learnerCellStyles.selectable}`}
        ref={container}
        id={id}
        // Focusable itself: command mode (Esc from the editor, J/K) selects the cell.
        tabIndex={0}
        data-cell-id={id}
        data-state={runState}
        aria-label={`Code cell ${id}`}
        onFocusCapture={() => setActiveCell(id)}
        onPointerDown={() => setActiveCell(id)}
      >
        <CellGutter runState={runState} executionCount={executionCount} canRun={kernel !== null} onRun={() => void run()} onReset={reset} />
        <div className="cell-body">
          <CodeEditor key={code.editorKey} modelPath={`file:///cells/${id}.ts`} value={code.value} ariaLabel={`Code of cell ${id}`} onChange={code.onChange} onRun={() => void run()} onRunAndAdvance={runAndAdvance} />
          <CellOutputs outputs={outputs} restored={restored} />
        </div>
      </section>
      <LearnerCellSlot anchor={id} />
    </>
  );
}
