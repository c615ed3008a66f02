"use client";

import { useEffect, useState } from "react";

interface Activity {
  queued: number;
  running: number;
  /** The running cell's id and when it started running (page clock). */
  runningCell: { id: string; since: number } | null;
}

const IDLE: Activity = { queued: 0, running: 0, runningCell: null };

export function elapsedText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * Queued and running cells, read from the cells' `data-state` (every runnable cell has it), so
 * the toolbar counts what the learner sees whoever queued them (Run all, Shift+Enter, an
 * exercise's Check). A MutationObserver watches only that attribute; the running cell's start
 * is remembered the moment it turns "running".
 */
function useCellActivity(): Activity {
  const [activity, setActivity] = useState<Activity>(IDLE);
  useEffect(() => {
    let current = IDLE;
    const read = () => {
      const queued = document.querySelectorAll('[data-state="queued"][data-cell-id]').length;
      const runningCells = document.querySelectorAll<HTMLElement>('[data-state="running"][data-cell-id]');
      const id = runningCells[0]?.dataset.cellId ?? null;
      const runningCell = id === null ? null : current.runningCell?.id === id ? current.runningCell : { id, since: Date.now() };
      if (queued === current.queued && runningCells.length === current.running && runningCell === current.runningCell) return;
      current = { queued, running: runningCells.length, runningCell };
      setActivity(current);
    };
    read();
    const observer = new MutationObserver(read);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
    return () => observer.disconnect();
  }, []);
  return activity;
}

/** A clock that ticks every second while `on`. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

/**
 * The toolbar's "what is the kernel doing": the running cell and for how long, and how many
 * cells wait their turn. The running cell's own state line shows the same time (a data
 * attribute its CSS prints), so a long cell is visibly alive where the learner is looking.
 */
export function KernelActivity() {
  const { queued, running, runningCell } = useCellActivity();
  const now = useNow(runningCell !== null);
  const elapsed = runningCell ? elapsedText(Math.max(0, now - runningCell.since)) : null;

  useEffect(() => {
    if (!runningCell || elapsed === null) return;
    const state = document.querySelector(`[data-cell-id="${CSS.escape(runningCell.id)}"] [data-testid="cell-state"]`);
    state?.setAttribute("data-elapsed", elapsed);
    return () => state?.removeAttribute("data-elapsed");
  }, [runningCell, elapsed]);

  if (queued === 0 && running === 0) return null;
  return (
    <span className="kernel-activity" data-testid="kernel-activity" data-queued={queued} data-running={running}>
      {running > 0 ? (
        <>
          running <a href={`#${runningCell?.id ?? ""}`}>{running === 1 ? "1 cell" : `${running} cells`}</a>
          {elapsed ? <span data-testid="running-elapsed"> {elapsed}</span> : null}
        </>
      ) : null}
      {running > 0 && queued > 0 ? " · " : null}
      {queued > 0 ? `${queued} queued` : null}
    </span>
  );
}
