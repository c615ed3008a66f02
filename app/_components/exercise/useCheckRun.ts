"use client";

import { useCallback, useState } from "react";
import { checkCellCode, type VisibleCheck } from "@/lib/grading/check-cell";
import type { CheckResult } from "@/lib/grading/types";
import { useNotebook } from "../notebook/NotebookProvider";
import { useCellOutputs } from "../notebook/useCellOutputs";
import { onCheckResults } from "./grading-comm";

/**
 * "Check": runs the learner's code as a cell (so its names join the notebook's state), then
 * the visible checks, in this browser's kernel. The outputs of both show under the editor.
 */
export function useCheckRun(id: string, checks: VisibleCheck[], code: () => string) {
  const { kernel } = useNotebook();
  const cellId = `exercise-${id}`;
  const { outputs, clear, apply } = useCellOutputs();
  const [checking, setChecking] = useState(false);
  const [results, setResults] = useState<CheckResult[] | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const check = useCallback(async () => {
    if (!kernel || checking) return;
    setChecking(true);
    clear();
    setResults(null);
    setNote(null);
    try {
      const ran = await kernel.execute(cellId, code(), { onMessage: apply });
      if (ran.status !== "ok") {
        setNote("Your code raised an error (shown above). Fix it, then check again.");
        return;
      }
      if (checks.length === 0) {
        setNote("This exercise has no visible checks: Submit to have it graded.");
        return;
      }
      let received: CheckResult[] | null = null;
      const stop = onCheckResults(kernel, id, (results) => {
        received = results;
      });
      try {
        const reply = await kernel.execute(`${cellId}-checks`, checkCellCode(id, checks), { onMessage: apply });
        if (reply.status !== "ok" || !received) setNote("The checks could not finish (see the error above).");
      } finally {
        stop();
      }
      setResults(received);
    } finally {
      setChecking(false);
    }
  }, [kernel, checking, cellId, code, checks, id, clear, apply]);

  return { canCheck: kernel !== null && !checking, checking, outputs, results, note, check };
}
