"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { applyKernelMessage, type CellOutput, type KernelToPage } from "@/lib/kernel/protocol";
import { codeHash, outputStoreFor } from "./output-store";

/** Outputs shown from an earlier session (restored after a reload), until the cell runs again. */
export interface RestoredOutputs {
  executionCount: number | null;
  /** Hash of the code that produced them. */
  codeHash: string;
}

export interface CellOutputsState {
  outputs: CellOutput[];
  /** Set while the outputs shown are an earlier session's. */
  restored: RestoredOutputs | null;
  /** The outputs as they are now, without waiting for a render (for export snapshots). */
  current(): CellOutput[];
  clear(): void;
  /** Folds one kernel message into the outputs (status messages change nothing). */
  apply(message: KernelToPage): void;
  /** Keeps the outputs of the run that just ended (with the code that ran), to show after a reload. */
  keep(executionCount: number | null, code: string): void;
  /** "Clear outputs": forgets the kept outputs too. */
  forget(): void;
  /** The execution count of restored outputs still shown, else null (for export snapshots). */
  restoredCount(): number | null;
}

/**
 * A cell's outputs in nbformat's shapes, built up from the kernel's messages as they arrive. Each
 * run replaces the last one's outputs. With `saved` ({ lessonSlug, cellId }), the outputs of the
 * last run are kept (./output-store.ts) and shown, marked as restored, when the page loads again.
 */
export function useCellOutputs(saved?: { lessonSlug: string; cellId: string }): CellOutputsState {
  const [outputs, setOutputs] = useState<CellOutput[]>([]);
  const [restored, setRestored] = useState<RestoredOutputs | null>(null);
  const latest = useRef<CellOutput[]>([]);
  /** Set once this page ran or cleared the cell: nothing restored may replace that. */
  const touched = useRef(false);
  const restoredExecutionCount = useRef<number | null>(null);
  const lessonSlug = saved?.lessonSlug;
  const cellId = saved?.cellId;
  const update = useCallback((next: CellOutput[]) => {
    latest.current = next;
    setOutputs(next);
  }, []);

  useEffect(() => {
    if (!lessonSlug || !cellId) return;
    let cancelled = false;
    void outputStoreFor(lessonSlug)
      .restored(cellId)
      .then((kept) => {
        if (cancelled || touched.current || !kept || kept.outputs.length === 0) return;
        update(kept.outputs);
        restoredExecutionCount.current = kept.executionCount;
        setRestored({ executionCount: kept.executionCount, codeHash: kept.codeHash });
      });
    return () => {
      cancelled = true;
    };
  }, [lessonSlug, cellId, update]);

  const actions = useMemo(
    () => ({
      current: () => latest.current,
      clear: () => {
        touched.current = true;
        restoredExecutionCount.current = null;
        setRestored(null);
        update([]);
      },
      apply: (message: KernelToPage) => {
        if (message.type !== "status") update(applyKernelMessage(latest.current, message));
      },
      keep: (executionCount: number | null, code: string) => {
        if (lessonSlug && cellId) outputStoreFor(lessonSlug).save(cellId, { outputs: latest.current, executionCount, codeHash: codeHash(code), ranAt: Date.now() });
      },
      forget: () => {
        if (lessonSlug && cellId) outputStoreFor(lessonSlug).forget(cellId);
      },
      restoredCount: () => restoredExecutionCount.current,
    }),
    [update, lessonSlug, cellId],
  );
  return { outputs, restored, ...actions };
}
