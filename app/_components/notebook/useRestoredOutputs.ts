"use client";

import { useEffect, useState, type RefObject } from "react";
import { codeHash } from "./output-store";
import type { RestoredOutputs } from "./useCellOutputs";

/** What the page says about outputs restored from an earlier session. */
export interface RestoredNotice {
  executionCount: number | null;
  /** The cell's code is no longer the code that produced them. */
  codeChanged: boolean;
}

const RECHECK_MS = 1000;

/**
 * Whether restored outputs still belong to the cell's code: checked when they appear, on every
 * edit in the cell (input events bubble from the editor) and every second (code replaced from
 * outside: saved code loading, another tab, a reset), for as long as they are shown.
 */
export function useRestoredOutputs(restored: RestoredOutputs | null, code: () => string, container: RefObject<HTMLElement | null>): RestoredNotice | null {
  const [codeChanged, setCodeChanged] = useState(false);
  useEffect(() => {
    if (!restored) return;
    const check = () => setCodeChanged(codeHash(code()) !== restored.codeHash);
    check();
    const element = container.current;
    element?.addEventListener("input", check);
    const timer = setInterval(check, RECHECK_MS);
    return () => {
      element?.removeEventListener("input", check);
      clearInterval(timer);
    };
  }, [restored, code, container]);
  return restored ? { executionCount: restored.executionCount, codeChanged } : null;
}
