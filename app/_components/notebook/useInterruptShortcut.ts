"use client";

import { useEffect } from "react";

const DOUBLE_PRESS_MS = 600;

/** Jupyter's "I, I": pressing I twice outside an editor interrupts the kernel. */
export function useInterruptShortcut(interrupt: () => void): void {
  useEffect(() => {
    let lastPress = 0;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "i" && event.key !== "I") return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, textarea, select, [contenteditable=true], .monaco-editor")) return;
      const now = Date.now();
      if (now - lastPress <= DOUBLE_PRESS_MS) {
        lastPress = 0;
        interrupt();
      } else {
        lastPress = now;
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [interrupt]);
}
