"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { KernelClient, type KernelStatus } from "@/lib/kernel/client";
import { createKernelWorker } from "@/lib/kernel/create-worker";
import { CellSaver } from "./cell-saver";

interface NotebookContextValue {
  lessonSlug: string;
  kernel: KernelClient | null;
  status: KernelStatus;
  notice: string | null;
  /** The learner's saved code per cell id; undefined until loaded from the server. */
  savedCode: Record<string, string> | undefined;
  saveCode(cellId: string, code: string): void;
}

const NotebookContext = createContext<NotebookContextValue | null>(null);

export function useNotebook(): NotebookContextValue {
  const value = useContext(NotebookContext);
  if (!value) throw new Error("useNotebook must be used inside <NotebookProvider>");
  return value;
}

/** One kernel worker per lesson page, started as soon as the page mounts. */
export function NotebookProvider({ lessonSlug, children }: { lessonSlug: string; children: ReactNode }) {
  const [kernel, setKernel] = useState<KernelClient | null>(null);
  const [status, setStatus] = useState<KernelStatus>("starting");
  const [notice, setNotice] = useState<string | null>(null);
  const [savedCode, setSavedCode] = useState<Record<string, string> | undefined>(undefined);
  const saver = useRef<CellSaver | null>(null);

  useEffect(() => {
    const client = new KernelClient(createKernelWorker);
    const unsubscribe = client.onStatus((next, message) => {
      setStatus(next);
      if (message) setNotice(message);
    });
    // The worker is an external system that can only exist after mount (never on the server).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setKernel(client);
    return () => {
      unsubscribe();
      client.dispose();
    };
  }, []);

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

  const value = useMemo(
    () => ({ lessonSlug, kernel, status, notice, savedCode, saveCode }),
    [lessonSlug, kernel, status, notice, savedCode, saveCode],
  );
  return (
    <NotebookContext.Provider value={value}>
      <KernelStatusBar status={status} notice={notice} />
      {children}
    </NotebookContext.Provider>
  );
}

function KernelStatusBar({ status, notice }: { status: KernelStatus; notice: string | null }) {
  return (
    <div className="kernel-bar" role="status" aria-live="polite">
      <span className={`kernel-dot kernel-${status}`} aria-hidden="true" />
      <span>
        Kernel: <strong data-testid="kernel-status">{status}</strong>
      </span>
      {notice ? <span className="kernel-notice">{notice}</span> : null}
    </div>
  );
}
