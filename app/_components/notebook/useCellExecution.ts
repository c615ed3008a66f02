"use client";

import { useCallback, useEffect, useState, useRef, type RefObject } from "react";
import type { ExecuteReply } from "@/lib/kernel/protocol";
import { useNotebook } from "./NotebookProvider";
import { useCellOutputs } from "./useCellOutputs";

export type RunState = "idle" | "queued" | "running" | "done" | "error" | "cancelled";

/**
 * Running one notebook cell: its run state, execution count and outputs, and its entry in the
 * notebook's registry (so Run all, Clear outputs and Export reach it).
 */
export function useCellExecution(id: string, code: () => string, container: RefObject<HTMLElement | null>, timeoutMs?: string) {
  const { kernel, persistence, registry } = useNotebook();
  const { recordExecution } = persistence;
  const outputs = useCellOutputs();
  const { clear: clearOutputs, apply, current: currentOutputs } = outputs;
  const [runState, setRunState] = useState<RunState>("idle");
  const [executionCount, setExecutionCount] = useState<number | null>(null);
  const executionCountRef = useRef<number | null>(null);

  const run = useCallback(async (): Promise<ExecuteReply | null> => {
    if (!kernel) return null;
    clearOutputs();
    setRunState("queued");
    const reply = await kernel.execute(id, code(), {
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
    return reply;
  }, [kernel, id, code, timeoutMs, recordExecution, clearOutputs, apply]);

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
          executionCountRef.current = null;
          setExecutionCount(null);
          setRunState("idle");
        },
        snapshot: () => ({ code: code(), outputs: currentOutputs(), executionCount: executionCountRef.current }),
      }),
    [registry, id, container, run, code, clearOutputs, currentOutputs],
  );

  return { kernel, outputs: outputs.outputs, runState, executionCount, run };
}
