"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { VisibleCheck } from "@/lib/grading/check-cell";
import type { GradeResult } from "@/lib/grading/types";
import { useNotebook } from "../notebook/NotebookProvider";
import { lessonProgress, openedHints, recordHint, requestSolution, type ExerciseProgress } from "./exercise-api";
import { useCheckRun } from "./useCheckRun";
import { useSubmission } from "./useSubmission";

export interface ExerciseSetup {
  id: string;
  checks: VisibleCheck[];
  hintCount: number;
  attemptsBeforeSolution: number;
  /** The learner's code as it stands now. */
  code(): string;
}

/**
 * What an exercise knows and can do: Check (in this browser), Submit (graded on the server,
 * through the queue), hints opened one at a time, and the solution (early only after a warning).
 */
export function useExercise({ id, checks, hintCount, attemptsBeforeSolution, code }: ExerciseSetup) {
  const { lessonSlug, registry } = useNotebook();
  const checkRun = useCheckRun(id, checks, code);
  const { progress, setProgress, grade, setGrade, hints, setHints, solution, setSolution, gradeOutdated, setGradeOutdated } = useRecordedProgress(lessonSlug, id);
  const [solutionWarning, setSolutionWarning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // The one way a server grade reaches the page, whether it came at once or after a wait in the queue.
  const showGrade = useCallback((result: GradeResult, next: ExerciseProgress) => {
    setGrade(result);
    setGradeOutdated(null);
    setProgress(next);
  }, [setGrade, setGradeOutdated, setProgress]);
  const submission = useSubmission(lessonSlug, id, showGrade, setError);
  const submitting = submission.state.phase !== "idle";
  const { checking } = checkRun;
  const { submit: submitCode } = submission;

  // Check stays available while a submission waits for the grader: it runs in this browser.
  const submit = useCallback(() => {
    if (checking || submitting) return;
    setError(null);
    void submitCode(code());
  }, [checking, submitting, submitCode, code]);

  const hintsShown = hints.length;
  const showHint = useCallback(async () => {
    const next = hintsShown + 1;
    if (next > hintCount) return;
    try {
      const { progress: updated, hints: opened } = await recordHint(lessonSlug, id, next);
      setProgress(updated);
      setHints(opened);
    } catch (failure) {
      setError(`Could not open the hint: ${(failure as Error).message}`);
    }
  }, [hintsShown, hintCount, lessonSlug, id, setProgress, setHints]);

  const failedAttempts = progress?.failedAttempts ?? 0;
  // Once seen, the solution opens again without the warning: looking was recorded already.
  const solutionOpen = failedAttempts >= attemptsBeforeSolution || progress?.solutionViewed === true;
  const showSolution = useCallback(
    async (early: boolean) => {
      setError(null);
      try {
        const { solution: code, progress: updated } = await requestSolution(lessonSlug, id, early);
        setSolution(code);
        setSolutionWarning(false);
        setProgress(updated);
      } catch (failure) {
        setError((failure as Error).message);
      }
    },
    [lessonSlug, id, setProgress, setSolution],
  );
  /** The Show solution button: at once when it has opened, else after a warning. */
  const askForSolution = useCallback(() => (solutionOpen ? void showSolution(false) : setSolutionWarning(true)), [solutionOpen, showSolution]);

  // The export reads the answer and the last grade when it runs.
  const gradeRef = useRef(grade);
  useEffect(() => {
    gradeRef.current = grade;
  }, [grade]);
  useEffect(() => registry.registerExercise(id, () => ({ code: code(), grade: gradeRef.current })), [registry, id, code]);

  return {
    check: checkRun,
    submission: { ...submission, submitting, submit },
    progress,
    grade,
    gradeOutdated,
    hints: { opened: hints, showHint },
    solution: { code: solution, warning: solutionWarning, failedAttempts, ask: askForSolution, showEarly: () => void showSolution(true), keepTrying: () => setSolutionWarning(false) },
    error,
  };
}

/**
 * What the server recorded for this learner on the exercise: progress, the hints opened so far,
 * the solution once seen and, coming back later, the last grade (shown until the next Submit).
 */
function useRecordedProgress(lessonSlug: string, id: string) {
  const [progress, setProgress] = useState<ExerciseProgress | null>(null);
  const [grade, setGrade] = useState<GradeResult | null>(null);
  // Hints arrive from the server, as HTML, only once opened (and recorded).
  const [hints, setHints] = useState<string[]>([]);
  const [solution, setSolution] = useState<string | null>(null);
  // The restored grade was earned on an earlier version of the lesson whose exercise differs.
  const [gradeOutdated, setGradeOutdated] = useState<{ lessonVersion: number } | null>(null);

  useEffect(() => {
    let cancelled = false;
    void lessonProgress(lessonSlug).then((all) => {
      const mine = all[id];
      if (cancelled || !mine) return;
      setProgress(mine);
      if (mine.hintsUsed > 0) void openedHints(lessonSlug, id).then((opened) => !cancelled && setHints((current) => (opened.length > current.length ? opened : current)));
      // Seen before: shown again after a reload (asking again records nothing new).
      if (mine.solutionViewed) {
        void requestSolution(lessonSlug, id, true)
          .then(({ solution: code }) => !cancelled && setSolution((current) => current ?? code))
          .catch(() => undefined);
      }
      const last = mine.lastSubmission;
      if (last) {
        setGrade((current) => current ?? { status: last.status, score: last.score, maxScore: last.maxScore, passed: last.passed, checks: last.checks, setupError: null, durationMs: 0, lessonVersion: last.lessonVersion });
        if (last.changedSince) setGradeOutdated((current) => current ?? { lessonVersion: last.lessonVersion });
      }
    });
    return () => {
      cancelled = true;
    };
  }, [lessonSlug, id]);

  return { progress, setProgress, grade, setGrade, hints, setHints, solution, setSolution, gradeOutdated, setGradeOutdated };
}
