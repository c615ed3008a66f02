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
import { LearnerCellStore } from "./LearnerCellStore";
import { LearnerCellSlot, LearnerCellToast, OrphanLearnerCells } from "./LearnerCellSlot";
import { TOP_ANCHOR } from "./learner-cell-order";
import { useCommandMode } from "./command-mode";
import { ShortcutsHelp } from "./ShortcutsHelp";

interface NotebookContextValue {
  lessonSlug: string;
  kernel: KernelClient | null;
  status: KernelStatus;
  notice: string | null;
  persistence: LessonPersistence;
  registry: CellRegistry;
  /** The cells the learner added, and every change to them. */
  learnerCells: LearnerCellStore;
  /** The lesson's code cell ids in order (own cells are placed after them). */
  lessonCellIds: readonly string[];
  setActiveCell(id: string): void;
}

const NotebookContext = createContext<NotebookContextValue | null>(null);

export function useNotebook(): NotebookContextValue {
  const value = useContext(NotebookContext);
  if (!value) throw new Error("useNotebook must be used inside <NotebookProvider>");
  return value;
}

/** The kernel's status, or null outside a <NotebookProvider> (a page without a kernel). */
export function useKernelStatus(): KernelStatus | null {
  return useContext(NotebookContext)?.status ?? null;
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
  const lessonCellIds = useMemo(() => parts.flatMap((part) => (part.kind === "code" ? [part.cellId] : [])), [parts]);
  const { saveLearnerCell, savedLearnerCells, onExternalCode } = persistence;
  // saveLearnerCell is stable for the page's life (it reads the current saver when called).
  const [learnerCells] = useState(() => new LearnerCellStore(lessonCellIds, saveLearnerCell));
  const [helpOpen, setHelpOpen] = useState(false);
  const ranSinceStart = useRef(false);

  useEffect(() => {
    if (savedLearnerCells) learnerCells.load(savedLearnerCells);
  }, [learnerCells, savedLearnerCells]);
  useEffect(() => onExternalCode((cellId, code, placement) => placement && learnerCells.external(cellId, code, placement)), [learnerCells, onExternalCode]);
  // Restarting loses every name the cells defined: worth a confirmation only once a cell ran.
  useEffect(
    () =>
      kernel?.onStatus((next) => {
        if (next === "busy") ranSinceStart.current = true;
        else if (next === "starting") ranSinceStart.current = false;
      }),
    [kernel],
  );
  const openHelp = useCallback(() => setHelpOpen(true), []);
  useCommandMode({ store: learnerCells, registry, openHelp });

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
      restart: () => {
        if (ranSinceStart.current && !window.confirm("Restart the kernel? Every name your cells defined is lost; run the cells again afterwards.")) return;
        kernel?.restart();
      },
      clearOutputs: () => registry.inOrder().forEach((cell) => cell.clearOutputs()),
      exportNotebook: () => downloadNotebook(lessonSlug, lessonTitle, parts, registry, learnerCells),
      openShortcuts: openHelp,
    }),
    [registry, interrupt, kernel, lessonSlug, lessonTitle, parts, learnerCells, openHelp],
  );

  const setActiveCell = useCallback((id: string) => {
    activeCell.current = id;
  }, []);

  const value = useMemo(
    () => ({ lessonSlug, kernel, status, notice, persistence, registry, learnerCells, lessonCellIds, setActiveCell }),
    [lessonSlug, kernel, status, notice, persistence, registry, learnerCells, lessonCellIds, setActiveCell],
  );
  return (
    <NotebookContext.Provider value={value}>
      <NotebookToolbar status={status} notice={notice} canInterruptInPlace={kernel?.canInterruptInPlace ?? false} saveState={persistence.saveState} {...actions} />
      <LearnerCellSlot anchor={TOP_ANCHOR} />
      {children}
      <OrphanLearnerCells />
      <LearnerCellToast />
      <ShortcutsHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </NotebookContext.Provider>
  );
}
