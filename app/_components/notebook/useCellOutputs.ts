"use client";

import { useCallback, useMemo, useRef, useState } from "react";
import { applyKernelMessage, type CellOutput, type KernelToPage } from "@/lib/kernel/protocol";

export interface CellOutputsState {
  outputs: CellOutput[];
  /** The outputs as they are now, without waiting for a render (for export snapshots). */
  current(): CellOutput[];
  clear(): void;
  /** Folds one kernel message into the outputs (status messages change nothing). */
  apply(message: KernelToPage): void;
}

/** A cell's outputs in nbformat's shapes, built up from the kernel's messages as they arrive. */
export function useCellOutputs(): CellOutputsState {
  const [outputs, setOutputs] = useState<CellOutput[]>([]);
  const latest = useRef<CellOutput[]>([]);
  const update = useCallback((next: CellOutput[]) => {
    latest.current = next;
    setOutputs(next);
  }, []);
  const actions = useMemo(
    () => ({
      current: () => latest.current,
      clear: () => update([]),
      apply: (message: KernelToPage) => {
        if (message.type !== "status") update(applyKernelMessage(latest.current, message));
      },
    }),
    [update],
  );
  return { outputs, ...actions };
}
