"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ExerciseProgress } from "@/lib/db/submissions";
import type { GradeResult } from "@/lib/grading/types";
import { pollSubmission, submitForGrading, type QueuedStatus } from "./submission-api";
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

  const submit = useCallback(
    async (code: string) => {
      const started = Date.now();
      setStartedAt(started);
      setNow(started);
      setState({ phase: "sending" });
      try {
        const answer = await submitForGrading(slug, exerciseId, code);
        if (answer.kind === "graded") {
          if (alive.current) onGraded(answer.result, answer.progress);
          return;
        }
        let submission = answer.submission;
        let failures = 0;
        while (alive.current) {
          if (submission.status === "queued" || submission.status === "running") setState({ phase: "waiting", status: submission.status, position: submission.position });
          await sleep(pollDelayMs(Date.now() - started));
          if (!alive.current) return;
          try {
            const polled = await pollSubmission(slug, exerciseId, submission.id);
            failures = 0;
            if (polled.kind === "graded") {
              if (alive.current) onGraded(polled.result, polled.progress);
              return;
            }
            if (polled.kind === "lost") {
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
      } catch (failure) {
        if (alive.current) onError(`Submitting failed: ${(failure as Error).message}`);
      } finally {
        if (alive.current) setState({ phase: "idle" });
      }
    },
    [slug, exerciseId, onGraded, onError],
  );

  return { state, elapsedMs: Math.max(0, now - startedAt), submit };
}
