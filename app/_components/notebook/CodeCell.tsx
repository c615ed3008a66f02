"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { applyKernelMessage, type CellOutput, type ExecuteReply } from "@/lib/kernel/protocol";
import { useNotebook } from "./NotebookProvider";
import { CodeEditor } from "./CodeEditor";
import { CellOutputs } from "./CellOutputs";

type RunState = "idle" | "queued" | "running" | "done" | "error" | "cancelled";

const STATE_LABEL: Record<RunState, string> = { idle: "", queued: "queued", running: "running", done: "done", error: "error", cancelled: "not run" };

export interface CodeCellProps {
  id: string;
  code: string;
  timeoutMs?: string;
}

/** A runnable cell: a Monaco editor, a Run button, its state and its outputs. */
export function CodeCell({ id, code: lessonCode, timeoutMs }: CodeCellProps) {
  const { kernel, persistence, registry, setActiveCell } = useNotebook();
  const { savedCode, saveCode, recordExecution, resetCell, onExternalCode } = persistence;
  // What the editor should show when it changes from outside (saved code loaded); the
  // learner's typing lives in the editor and in codeRef, never round-trips through state.
  const [editorValue, setEditorValue] = useState(lessonCode);
  const codeRef = useRef(lessonCode);
  const edited = useRef(false);
  const [outputs, setOutputs] = useState<CellOutput[]>([]);
  const outputsRef = useRef<CellOutput[]>([]);
  const [runState, setRunState] = useState<RunState>("idle");
  const [executionCount, setExecutionCount] = useState<number | null>(null);
  const executionCountRef = useRef<number | null>(null);
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

  const updateOutputs = useCallback((next: (current: CellOutput[]) => CellOutput[]) => {
    outputsRef.current = next(outputsRef.current);
    setOutputs(outputsRef.current);
  }, []);

  const run = useCallback(async (): Promise<ExecuteReply | null> => {
    if (!kernel) return null;
    updateOutputs(() => []);
    setRunState("queued");
    const reply = await kernel.execute(id, codeRef.current, {
      timeBudgetMs: timeoutMs ? Number(timeoutMs) : undefined,
      onMessage: (message) => {
        if (message.type === "status") {
          if (message.execution_state === "busy") setRunState("running");
          return;
        }
        updateOutputs((current) => applyKernelMessage(current, message));
      },
    });
    executionCountRef.current = reply.execution_count || null;
    setExecutionCount(executionCountRef.current);
    setRunState(reply.status === "ok" ? "done" : "error");
    recordExecution(id, reply);
    return reply;
  }, [kernel, id, timeoutMs, recordExecution, updateOutputs]);

  useEffect(
    () =>
      registry.register({
        id,
        element: () => container.current,
        run,
        markQueued: () => setRunState("queued"),
        cancelQueued: () => setRunState((state) => (state === "queued" ? "cancelled" : state)),
        clearOutputs: () => {
          updateOutputs(() => []);
          executionCountRef.current = null;
          setExecutionCount(null);
          setRunState("idle");
        },
        snapshot: () => ({ code: codeRef.current, outputs: outputsRef.current, executionCount: executionCountRef.current }),
      }),
    [registry, id, run, updateOutputs],
  );

  const runAndAdvance = useCallback(() => {
    void run();
    focusNextCell(container.current);
  }, [run]);

  const busy = runState === "queued" || runState === "running";
  return (
    <section
      className={`cell cell-${runState}`}
      ref={container}
      id={id}
      data-cell-id={id}
      data-state={runState}
      aria-label={`Code cell ${id}`}
      onFocusCapture={() => setActiveCell(id)}
      onPointerDown={() => setActiveCell(id)}
    >
      <div className="cell-gutter">
        <span className="cell-count" data-testid="execution-count">
          [{busy ? "*" : (executionCount ?? " ")}]
        </span>
        <button type="button" className="cell-run" onClick={() => void run()} disabled={!kernel} aria-label="Run cell" title="Run cell (Shift+Enter)">
          ▶
        </button>
        <button type="button" className="cell-reset" onClick={reset} aria-label="Reset cell" title="Reset cell to the lesson’s original code">
          ↺
        </button>
        <span className="cell-state" data-testid="cell-state">
          {STATE_LABEL[runState]}
        </span>
      </div>
      <div className="cell-body">
        <CodeEditor key={editorKey} modelPath={`file:///cells/${id}.ts`} value={editorValue} ariaLabel={`Code of cell ${id}`} onChange={onChange} onRun={() => void run()} onRunAndAdvance={runAndAdvance} />
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
