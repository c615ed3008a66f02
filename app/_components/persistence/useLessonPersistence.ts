"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ExecuteReply } from "@/lib/kernel/protocol";
import { CellSaver } from "./cell-saver";

export type SaveState = "saved" | "saving" | "offline";

export interface LessonPersistence {
  /** The learner's saved code per cell id; undefined until loaded from the server. */
  savedCode: Record<string, string> | undefined;
  saveState: SaveState;
  saveCode(cellId: string, code: string): void;
  /** Told about every finished execution (progress tracking). */
  recordExecution(cellId: string, reply: ExecuteReply): void;
}

/** Everything the lesson page keeps on the server for the learner: code, and later progress. */
export function useLessonPersistence(lessonSlug: string): LessonPersistence {
  const [savedCode, setSavedCode] = useState<Record<string, string> | undefined>(undefined);
  const [saveState] = useState<SaveState>("saved");
  const saver = useRef<CellSaver | null>(null);

  useEffect(() => {
    const cellSaver = new CellSaver(lessonSlug);
    saver.current = cellSaver;
    let cancelled = false;
    cellSaver
      .load()
      .then((cells) => {
        if (!cancelled) setSavedCode(cells);
      })
      .catch(() => {
        if (!cancelled) setSavedCode({});
      });
    const flush = () => cellSaver.flush();
    const onVisibility = () => {
      if (document.visibilityState === "hidden") flush();
    };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      cancelled = true;
      cellSaver.flush();
      window.removeEventListener("pagehide", flush);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [lessonSlug]);

  const saveCode = useCallback((cellId: string, code: string) => saver.current?.schedule(cellId, code), []);
  const recordExecution = useCallback((cellId: string, reply: ExecuteReply) => {
    void cellId;
    void reply;
  }, []);

  return { savedCode, saveState, saveCode, recordExecution };
}
