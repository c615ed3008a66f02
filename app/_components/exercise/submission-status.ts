/** What the page says while a submission waits for the grader (pure, so it is easy to test). */
import type { QueuedStatus } from "./submission-api";

/** How often to ask: every second at first, every two seconds after 20 s. */
export function pollDelayMs(elapsedMs: number): number {
  return elapsedMs < 20_000 ? 1_000 : 2_000;
}

/** After this long the page explains what is going on, in plain words. */
export const EXPLAIN_AFTER_MS = 60_000;

export interface WaitingText {
  /** The status line (announced to screen readers when it changes). */
  line: string;
  /** A plain explanation once the wait is long; null before. */
  explanation: string | null;
}

export function waitingText(status: QueuedStatus, position: number | null, elapsedMs: number): WaitingText {
  const queued = status === "queued" && position !== null;
  const line = queued ? `The grader is busy: your submission is queued (position ${position}).` : "Grading…";
  if (elapsedMs < EXPLAIN_AFTER_MS) return { line, explanation: null };
  if (queued) {
    const ahead = position - 1;
    const who = ahead === 0 ? "Yours is next" : `${ahead} ${ahead === 1 ? "submission is" : "submissions are"} still ahead of yours`;
    return {
      line,
      explanation: `${who}: the server grades a few submissions at a time and takes turns between learners, so a long queue moves steadily. Your submission is safe and will be graded; this page keeps checking, you do not need to submit again.`,
    };
  }
  return {
    line,
    explanation:
      "Your code is still being graded. Checks that train a model can run until the time limit, and they run slower while the server is busy. The grade will appear here and is recorded even if you leave the page.",
  };
}

export function elapsedLabel(elapsedMs: number): string {
  return `${Math.floor(elapsedMs / 1000)} s`;
}
