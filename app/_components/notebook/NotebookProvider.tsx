"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { KernelClient, type KernelStatus } from "@/lib/kernel/client";
import { createKernelWorker } from "@/lib/notebook/create-worker";
import type { NotebookPart } from "@/lib/lessons/notebook-parts";
import { useLessonPersistence, type LessonPersistence } from "../persistence/useLessonPersistence";
import { prefetchPlotlyWhenIdle } from "../plot/plotly-loader";
import { CellRegistry } from "./cell-registry";
import { NotebookToolbar } from "./NotebookToolbar";
import { useInterruptShortcut } from "./useInterruptShortcut";
import { downloadNotebook } from "./export-notebook";

interface NotebookContextValue {
  lessonSlug: string;
  kernel: KernelClient | null;
  status: KernelStatus;
  notice: string | null;
  persistence: LessonPersistence;
  registry: CellRegistry;
  setActiveCell(id: string): void;
}

const NotebookContext = createContext<NotebookContextValue | null>(null);

export function useNotebook(): NotebookContextValue {
  const value = useContext(NotebookContext);
  if (!value) throw new Error("useNotebook must be used inside <NotebookProvider>");
  return value;
}

export interface NotebookProviderProps {
  lessonSlug: string;
  lessonTitle: string;
  /** The lesson's prose and cells in order, for exporting as .ipynb. */
  parts: NotebookPart[];
  children: ReactNode;
}

/** One kernel worker per lesson page, started as soon as the page mounts. */
export function NotebookProvider({ lessonSlug, lessonTitle, parts, children }: NotebookProviderProps) {
  const [kernel, setKernel] = useState<KernelClient | null>(null);
  const [status, setStatus] = useState<KernelStatus>("starting");
  const [notice, setNotice] = useState<string | null>(null);
  const persistence = useLessonPersistence(lessonSlug, kernel);
  const [registry] = useState(() => new CellRegistry());
  const activeCell = useRef<string | null>(null);

  useEffect(() => {
    const client = new KernelClient(createKernelWorker);
    const unsubscribe = client.onStatus((next, message) => {
      setStatus(next);
      if (message) setNotice(message);
    });
    // The worker is an external system that can only exist after mount (never on the server).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setKernel(client);
    const cancelPrefetch = prefetchPlotlyWhenIdle();
    return () => {
      cancelPrefetch();
      unsubscribe();
      client.dispose();
    };
  }, []);

  const interrupt = useCallback(() => {
    if (!kernel) return;
    const how = kernel.interrupt();
    setNotice(how === "interrupted" ? "Interrupted the running cell; names defined before it are kept." : null);
  }, [kernel]);

  useInterruptShortcut(interrupt);

  const actions = useMemo(
    () => ({
      runAll: () => void registry.runSequence(registry.inOrder()),
      runAllAbove: () => {
        const cells = registry.inOrder();
        const index = cells.findIndex((cell) => cell.id === activeCell.current);
        void registry.runSequence(index === -1 ? [] : cells.slice(0, index));
      },
      interrupt,
      restart: () => kernel?.restart(),
      clearOutputs: () => registry.inOrder().forEach((cell) => cell.clearOutputs()),
      exportNotebook: () => downloadNotebook(lessonSlug, lessonTitle, parts, registry),
    }),
    [registry, interrupt, kernel, lessonSlug, lessonTitle, parts],
  );

  const setActiveCell = useCallback((id: string) => {
    activeCell.current = id;
  }, []);

  const value = useMemo(
    () => ({ lessonSlug, kernel, status, notice, persistence, registry, setActiveCell }),
    [lessonSlug, kernel, status, notice, persistence, registry, setActiveCell],
  );
  return (
    <NotebookContext.Provider value={value}>
      <NotebookToolbar status={status} notice={notice} canInterruptInPlace={kernel?.canInterruptInPlace ?? false} saveState={persistence.saveState} {...actions} />
      {children}
    </NotebookContext.Provider>
  );
}
