"use client";

import { useCallback, useEffect, useState, useRef, type RefObject } from "react";
import type { ExecuteReply } from "@/lib/kernel/protocol";
import { useNotebook } from "./NotebookProvider";
import { useCellOutputs } from "./useCellOutputs";
import { useRestoredOutputs } from "./useRestoredOutputs";

export type RunState = "idle" | "queued" | "running" | "done" | "error" | "cancelled";

/**
 * Running one notebook cell: its run state, execution count and outputs, and its entry in the
 * notebook's registry (so Run all, Clear outputs and Export reach it).
 */
export function useCellExecution(id: string, code: () => string, container: RefObject<HTMLElement | null>, timeoutMs?: string) {
  const { kernel, persistence, registry, lessonSlug } = useNotebook();
  const { recordExecution } = persistence;
  const outputs = useCellOutputs({ lessonSlug, cellId: id });
  const { clear: clearOutputs, apply, current: currentOutputs, keep: keepOutputs, forget: forgetOutputs, restoredCount } = outputs;
  const restored = useRestoredOutputs(outputs.restored, code, container);
  const [runState, setRunState] = useState<RunState>("idle");
  const [executionCount, setExecutionCount] = useState<number | null>(null);
  const executionCountRef = useRef<number | null>(null);

  const run = useCallback(async (): Promise<ExecuteReply | null> => {
    if (!kernel) return null;
    clearOutputs();
    setRunState("queued");
    const source = code();
    const reply = await kernel.execute(id, source, {
      timeBudgetMs: timeoutMs ? Number(timeoutMs) : undefined,
      onMessage: (message) => {
        if (message.type === "status" && message.execution_state === "busy") setRunState("running");
        apply(message);
      },
    });
    executionCountRef.current = reply.execution_count || null;
    setExecutionCount(executionCountRef.current);
    setRunState(reply.status === "ok" ? "done" : "error");
    recordExecution(id, reply);
    keepOutputs(executionCountRef.current, source);
    return reply;
  }, [kernel, id, code, timeoutMs, recordExecution, clearOutputs, apply, keepOutputs]);

  useEffect(
    () =>
      registry.register({
        id,
        element: () => container.current,
        run,
        markQueued: () => setRunState("queued"),
        cancelQueued: () => setRunState((state) => (state === "queued" ? "cancelled" : state)),
        clearOutputs: () => {
          clearOutputs();
          forgetOutputs();
          executionCountRef.current = null;
          setExecutionCount(null);
          setRunState("idle");
        },
        // Restored outputs export with the count they had, as a saved notebook keeps it.
        snapshot: () => ({ code: code(), outputs: currentOutputs(), executionCount: executionCountRef.current ?? restoredCount() }),
      }),
    [registry, id, container, run, code, clearOutputs, forgetOutputs, currentOutputs, restoredCount],
  );

  return { kernel, outputs: outputs.outputs, restored, runState, executionCount, run };
}
