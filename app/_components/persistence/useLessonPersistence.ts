"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { KernelClient } from "@/lib/kernel/client";
import type { ExecuteReply } from "@/lib/kernel/protocol";
import type { EXPERIMENTS_COMM_TARGET } from "@/lib/kernel/worker/experiments";
import { ExperimentTracker } from "../experiments/experiment-tracker";
import { registerSaver } from "./active-savers";
import { CellSaver, type LoadedLearnerCell, type SaveState } from "./cell-saver";
import type { LearnerCellPlacement } from "./save-queue";
import { ProgressReporter } from "./progress-reporter";

export type { SaveState };

// Spelled out rather than imported so the page bundle does not pull in the worker module.
const EXPERIMENTS_TARGET: typeof EXPERIMENTS_COMM_TARGET = "experiments";

export interface LessonPersistence {
  /** The learner's saved code per cell id; undefined until loaded (server + unsent local edits). */
  savedCode: Record<string, string> | undefined;
  /** "saved" | "saving" | "offline", for the notebook toolbar. */
  saveState: SaveState;
  saveCode(cellId: string, code: string): void;
  /** The cells the learner added to this lesson (deleted ones too); undefined until loaded. */
  savedLearnerCells: LoadedLearnerCell[] | undefined;
  /** Autosaves a cell the learner added: its code and placement, as one versioned edit. */
  saveLearnerCell(cellId: string, code: string, placement: LearnerCellPlacement): void;
  /** Told about every finished execution (progress tracking, experiment runs cut short). */
  recordExecution(cellId: string, reply: ExecuteReply): void;
  /** Restores the lesson's original code for the cell (saved as the newest edit); returns it. */
  resetCell(cellId: string): string | undefined;
  /**
   * Subscribes to code that changed outside this tab's editor: newer code saved in another tab,
   * or a reset. The cell should show it. Returns the unsubscribe function.
   */
  onExternalCode(listener: (cellId: string, code: string, learnerCell?: LearnerCellPlacement) => void): () => void;
}

/**
 * Everything the lesson page keeps on the server for the learner: code (autosaved through an
 * IndexedDB queue), progress, and experiment runs logged by cells (when given the kernel).
 */
export function useLessonPersistence(lessonSlug: string, kernel: KernelClient | null = null): LessonPersistence {
  const [savedCode, setSavedCode] = useState<Record<string, string> | undefined>(undefined);
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [savedLearnerCells, setSavedLearnerCells] = useState<LoadedLearnerCell[] | undefined>(undefined);
  const [saver, setSaver] = useState<CellSaver | null>(null);
  const saverRef = useRef<CellSaver | null>(null);
  const progress = useMemo(() => new ProgressReporter(lessonSlug), [lessonSlug]);
  /** The code each cell shows now (original, saved, then edits): hashed when a run starts. */
  const [currentCode] = useState(() => new Map<string, string>());
  const tracker = useMemo(() => new ExperimentTracker(lessonSlug, (cellId) => currentCode.get(cellId)), [lessonSlug, currentCode]);

  useEffect(() => {
    const cellSaver = new CellSaver(lessonSlug);
    saverRef.current = cellSaver;
    // The saver is an external system (IndexedDB, network) that only exists in the browser.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSaver(cellSaver);
    let cancelled = false;
    const offState = cellSaver.onState(setSaveState);
    const unregister = registerSaver(cellSaver);
    const offCode = cellSaver.onExternalCode((cellId, code) => currentCode.set(cellId, code));
    cellSaver.load().then((loaded) => {
      if (cancelled) return;
      for (const [cellId, code] of Object.entries({ ...loaded.original, ...loaded.code })) currentCode.set(cellId, code);
      setSavedCode(loaded.code);
      setSavedLearnerCells(loaded.learnerCells);
    });
    progress.opened();

    const flush = () => {
      cellSaver.flush(true);
      tracker.flushAll();
    };
    const onVisibility = () => {
      if (document.visibilityState === "hidden") flush();
      else void cellSaver.refresh();
    };
    const onOnline = () => cellSaver.retryNow();
    window.addEventListener("pagehide", flush);
    window.addEventListener("online", onOnline);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      cancelled = true;
      offState();
      offCode();
      unregister();
      cellSaver.dispose();
      tracker.dispose();
      window.removeEventListener("pagehide", flush);
      window.removeEventListener("online", onOnline);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [lessonSlug, progress, tracker, currentCode]);

  useEffect(() => {
    if (!kernel) return;
    const offComm = kernel.onComm(EXPERIMENTS_TARGET, (data, cellId) => tracker.handle(data, cellId));
    const offStatus = kernel.onStatus((status, notice) => {
      if (status === "dead") tracker.kernelLost("crashed", notice ?? "the kernel crashed");
      else if (notice && status === "starting") tracker.kernelLost("interrupted", notice);
    });
    return () => {
      offComm();
      offStatus();
    };
  }, [kernel, tracker]);

  const saveCode = useCallback((cellId: string, code: string) => {
    currentCode.set(cellId, code);
    saverRef.current?.edit(cellId, code);
  }, [currentCode]);

  const saveLearnerCell = useCallback(
    (cellId: string, code: string, placement: LearnerCellPlacement) => {
      currentCode.set(cellId, code);
      saverRef.current?.edit(cellId, code, placement);
    },
    [currentCode],
  );

  const recordExecution = useCallback(
    (cellId: string, reply: ExecuteReply) => {
      // Lesson progress counts the lesson's cells; the learner's own cells ("own-...") are not among them.
      if (!cellId.startsWith("own-")) progress.executed(cellId, reply);
      tracker.executionEnded(cellId, reply);
    },
    [progress, tracker],
  );

  const resetCell = useCallback((cellId: string) => {
    const original = saverRef.current?.reset(cellId);
    if (original !== undefined) currentCode.set(cellId, original);
    return original;
  }, [currentCode]);

  const onExternalCode = useCallback((listener: (cellId: string, code: string, learnerCell?: LearnerCellPlacement) => void) => saver?.onExternalCode(listener) ?? (() => {}), [saver]);

  return useMemo(
    () => ({ savedCode, saveState, saveCode, savedLearnerCells, saveLearnerCell, recordExecution, resetCell, onExternalCode }),
    [savedCode, saveState, saveCode, savedLearnerCells, saveLearnerCell, recordExecution, resetCell, onExternalCode],
  );
}
