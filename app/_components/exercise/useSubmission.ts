"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ExerciseProgress } from "@/lib/db/submissions";
import type { GradeResult } from "@/lib/grading/types";
import { newSubmissionId, pollSubmission, ServerUnreachableError, submitForGrading, type QueuedStatus, type SubmissionProgress } from "./submission-api";
import { pollDelayMs } from "./submission-status";

export type SubmissionPhase =
  | { phase: "idle" }
  /** The POST is on its way (the server waits a moment for a quick grade before answering). */
  | { phase: "sending" }
  /** The grader answered 202: the submission waits in the queue or is being graded. */
  | { phase: "waiting"; status: QueuedStatus; position: number | null };

/** Polls that fail in a row (network blips) before the page gives up and says so. */
const MAX_POLL_FAILURES = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Submit and, when the grader is busy, the wait for the grade: polls the queued submission
 * (1 s, then 2 s after 20 s) and ticks the elapsed time every second. `onGraded` receives the
 * grade the same way whether it came at once or after the wait. Unmounting stops the polling;
 * the server grades and records the submission anyway.
 */
export function useSubmission(slug: string, exerciseId: string, onGraded: (result: GradeResult, progress: ExerciseProgress) => void, onError: (message: string) => void) {
  const [state, setState] = useState<SubmissionPhase>({ phase: "idle" });
  const [startedAt, setStartedAt] = useState(0);
  const [now, setNow] = useState(0);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  // The clock ticks from the moment Submit is pressed: the server holds the request a while for a quick grade.
  const waiting = state.phase !== "idle";
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [waiting]);

  /** Polls a queued submission until its grade (or its loss) arrives, or the page goes away. */
  const waitForGrade = useCallback(
    async (queued: SubmissionProgress, started: number) => {
      let submission = queued;
      let failures = 0;
      while (alive.current) {
        if (submission.status === "queued" || submission.status === "running") setState({ phase: "waiting", status: submission.status, position: submission.position });
        await sleep(pollDelayMs(Date.now() - started));
        if (!alive.current) return;
        try {
          const polled = await pollSubmission(slug, exerciseId, submission.id);
          failures = 0;
          if (polled.kind === "graded") {
            forgetPending(slug, exerciseId);
            if (alive.current) onGraded(polled.result, polled.progress);
            return;
          }
          if (polled.kind === "lost") {
            forgetPending(slug, exerciseId);
            if (alive.current) onError(polled.message);
            return;
          }
          submission = polled.submission;
        } catch (failure) {
          if (++failures >= MAX_POLL_FAILURES) {
            if (alive.current) onError(`Lost contact with the server while waiting for the grade (${(failure as Error).message}). Your submission is still graded and recorded: reload the page to see it.`);
            return;
          }
        }
      }
    },
    [slug, exerciseId, onGraded, onError],
  );

  /**
   * Sends the submission (again, after a reload: the same id is the same submission) and waits
   * for its grade. The pending entry is written before the POST leaves, so a reload at any moment
   * after the click (the POST on its way, or the 202 not yet read) still finds it.
   */
  const send = useCallback(
    async (pending: PendingSubmission) => {
      try {
        const answer = await submitForGrading(slug, exerciseId, pending.code, pending.id);
        if (answer.kind === "graded") {
          forgetPending(slug, exerciseId);
          if (alive.current) onGraded(answer.result, answer.progress);
          return;
        }
        await waitForGrade(answer.submission, pending.startedAt);
      } catch (failure) {
        if (failure instanceof ServerUnreachableError && pending.id) {
          // No answer: the server may have it. Kept, so a reload sends it again with its id (one submission either way).
          if (alive.current) onError(`Could not reach the server (${failure.message}). Your submission is kept: reload the page to send it again, or press Submit.`);
          return;
        }
        // Refused (429, 400…): nothing to resume; the learner sees why and may submit again.
        forgetPending(slug, exerciseId);
        if (alive.current) onError(`Submitting failed: ${(failure as Error).message}`);
      } finally {
        if (alive.current) setState({ phase: "idle" });
      }
    },
    [slug, exerciseId, onGraded, onError, waitForGrade],
  );

  const submit = useCallback(
    async (code: string) => {
      const started = Date.now();
      setStartedAt(started);
      setNow(started);
      setState({ phase: "sending" });
      const pending: PendingSubmission = { id: newSubmissionId(), startedAt: started, code };
      if (pending.id) rememberPending(slug, exerciseId, { ...pending, id: pending.id });
      await send(pending);
    },
    [slug, exerciseId, send],
  );

  // A reload after Submit, before the grade: the page sends the submission again with its id. The
  // server answers the one it has (waiting or graded) or, if the first POST never reached it,
  // takes it now; either way one submission, and the page goes on waiting for it.
  const resume = useCallback(
    async (pending: StoredSubmission) => {
      setStartedAt(pending.startedAt);
      setNow(Date.now());
      setState({ phase: "sending" });
      await send(pending);
    },
    [send],
  );
  useEffect(() => {
    const pending = pendingSubmission(slug, exerciseId);
    // Read from sessionStorage, which the server render cannot see: the wait resumes after mount.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (pending) void resume(pending);
    // Once per mount: a later Submit waits for its own submission.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [slug, exerciseId]);

  return { state, elapsedMs: Math.max(0, now - startedAt), submit };
}

/** A submission sent (or being sent) but not yet graded. */
interface PendingSubmission {
  /** The page's id for it (undefined without crypto.randomUUID: the server picks one, and nothing is kept). */
  id: string | undefined;
  startedAt: number;
  code: string;
}

/** As kept for this tab (sessionStorage) from the click to the grade, so a reload can send it again and wait on. */
type StoredSubmission = PendingSubmission & { id: string };

const pendingKey = (slug: string, exerciseId: string) => `gradbook:pending-submission:${slug}/${exerciseId}`;

function rememberPending(slug: string, exerciseId: string, pending: StoredSubmission): void {
  try {
    sessionStorage.setItem(pendingKey(slug, exerciseId), JSON.stringify(pending));
  } catch {
    // No storage (private mode): a reload forgets the wait, as before; the grade is still recorded.
  }
}

function forgetPending(slug: string, exerciseId: string): void {
  try {
    sessionStorage.removeItem(pendingKey(slug, exerciseId));
  } catch {
    // As above.
  }
}

/** At most this old: the server keeps a finished submission's answer a few minutes only. */
const PENDING_MAX_AGE_MS = 30 * 60_000;

function pendingSubmission(slug: string, exerciseId: string): StoredSubmission | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(pendingKey(slug, exerciseId)) ?? "null") as StoredSubmission | null;
    if (stored && typeof stored.id === "string" && typeof stored.startedAt === "number" && typeof stored.code === "string" && Date.now() - stored.startedAt < PENDING_MAX_AGE_MS) return stored;
    if (stored) forgetPending(slug, exerciseId);
  } catch {
    // Unreadable: nothing to resume.
  }
  return null;
}
