"use client";

import { useEffect } from "react";

const DOUBLE_PRESS_MS = 600;

/** Jupyter's "I, I": pressing I twice outside an editor interrupts the kernel. */
export function useInterruptShortcut(interrupt: () => void): void {
  useEffect(() => {
    let lastPress = -Infinity;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "i" && event.key !== "I") return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=true], .monaco-editor")) return;
      // The event's own time, not the handler's: on a busy page both presses can wait in the
      // queue and be handled together, or far apart, while the learner pressed them quickly.
      const now = event.timeStamp;
      if (now - lastPress <= DOUBLE_PRESS_MS) {
        lastPress = -Infinity;
        interrupt();
      } else {
        lastPress = now;
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [interrupt]);
}
