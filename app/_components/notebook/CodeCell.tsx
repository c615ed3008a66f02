"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { applyKernelMessage, type CellOutput } from "@/lib/kernel/protocol";
import { useNotebook } from "./NotebookProvider";
import { CodeEditor } from "./CodeEditor";
import { CellOutputs } from "./CellOutputs";

type RunState = "idle" | "queued" | "running" | "done" | "error";

export interface CodeCellProps {
  id: string;
  code: string;
  timeoutMs?: string;
}

/** A runnable cell: a Monaco editor, a Run button and its outputs. */
export function CodeCell({ id, code: lessonCode, timeoutMs }: CodeCellProps) {
  const { kernel, persistence } = useNotebook();
  const { savedCode, saveCode, recordExecution, resetCell, onExternalCode } = persistence;
  // What the editor should show when it changes from outside (saved code loaded); the
  // learner's typing lives in the editor and in codeRef, never round-trips through state.
  const [editorValue, setEditorValue] = useState(lessonCode);
  const codeRef = useRef(lessonCode);
  const edited = useRef(false);
  const [outputs, setOutputs] = useState<CellOutput[]>([]);
  const [runState, setRunState] = useState<RunState>("idle");
  const [executionCount, setExecutionCount] = useState<number | null>(null);
  const container = useRef<HTMLElement>(null);
  // Code from outside this editor (a newer save in another tab, a reset) remounts the editor with it.
  const [editorKey, setEditorKey] = useState(0);
  const showExternalCode = useCallback((code: string) => {
    codeRef.current = code;
    setEditorValue(code);
    setEditorKey((key) => key + 1);
  }, []);
  useEffect(() => onExternalCode((cellId, code) => cellId === id && showExternalCode(code)), [onExternalCode, id, showExternalCode]);
  const reset = useCallback(() => {
    if (!window.confirm("Reset this cell to the lesson’s original code? Your changes to it will be lost.")) return;
    if (resetCell(id) === undefined) saveCode(id, lessonCode);
    showExternalCode(lessonCode);
  }, [resetCell, saveCode, id, lessonCode, showExternalCode]);

  useEffect(() => {
    const saved = savedCode?.[id];
    if (saved !== undefined && !edited.current) {
      codeRef.current = saved;
      setEditorValue(saved);
    }
  }, [savedCode, id]);

  const onChange = useCallback(
    (next: string) => {
      edited.current = true;
      codeRef.current = next;
      saveCode(id, next);
    },
    [id, saveCode],
  );

  const run = useCallback(async () => {
    if (!kernel) return;
    setOutputs([]);
    setRunState("queued");
    const reply = await kernel.execute(id, codeRef.current, {
      timeBudgetMs: timeoutMs ? Number(timeoutMs) : undefined,
      onMessage: (message) => {
        if (message.type === "status") return;
        setRunState((state) => (state === "queued" ? "running" : state));
        setOutputs((current) => applyKernelMessage(current, message));
      },
    });
    setExecutionCount(reply.execution_count || null);
    recordExecution(id, reply);
    setRunState(reply.status === "ok" ? "done" : "error");
  }, [kernel, id, timeoutMs, recordExecution]);

  const runAndAdvance = useCallback(() => {
    void run();
    focusNextCell(container.current);
  }, [run]);

  return (
    <section className={`cell cell-${runState}`} ref={container} data-cell-id={id} aria-label={`Code cell ${id}`}>
      <div className="cell-gutter">
        <span className="cell-count" data-testid="execution-count">
          [{runState === "queued" || runState === "running" ? "*" : (executionCount ?? " ")}]
        </span>
        <button type="button" className="cell-run" onClick={() => void run()} disabled={!kernel} aria-label="Run cell" title="Run cell (Shift+Enter)">
          ▶
        </button>
        <button type="button" className="cell-reset" onClick={reset} aria-label="Reset cell" title="Reset cell to the lesson’s original code">
          ↺
        </button>
      </div>
      <div className="cell-body">
        <CodeEditor key={editorKey} value={editorValue} ariaLabel={`Code of cell ${id}`} onChange={onChange} onRun={() => void run()} onRunAndAdvance={runAndAdvance} />
        <CellOutputs outputs={outputs} />
      </div>
    </section>
  );
}

function focusNextCell(current: HTMLElement | null): void {
  const cells = Array.from(document.querySelectorAll<HTMLElement>("section.cell"));
  const next = cells[cells.indexOf(current as HTMLElement) + 1];
  next?.querySelector<HTMLTextAreaElement>("textarea")?.focus();
}
