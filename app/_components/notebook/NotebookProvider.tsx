"use client";

import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { KernelClient, type KernelStatus } from "@/lib/kernel/client";
import { createKernelWorker } from "@/lib/kernel/create-worker";
import { useLessonPersistence, type LessonPersistence } from "../persistence/useLessonPersistence";

interface NotebookContextValue {
  lessonSlug: string;
  kernel: KernelClient | null;
  status: KernelStatus;
  notice: string | null;
  persistence: LessonPersistence;
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
  const persistence = useLessonPersistence(lessonSlug, kernel);

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

  const value = useMemo(() => ({ lessonSlug, kernel, status, notice, persistence }), [lessonSlug, kernel, status, notice, persistence]);
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
