"use client";

import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { applyKernelMessage, type CellOutput } from "@/lib/kernel/protocol";
import { checkCellCode, type VisibleCheck } from "@/lib/grading/check-cell";
import type { CheckResult, GradeResult } from "@/lib/grading/types";
import { useNotebook } from "../notebook/NotebookProvider";
import { CodeEditor } from "../notebook/CodeEditor";
import { CellOutputs } from "../notebook/CellOutputs";
import { onCheckResults } from "./grading-comm";
import { lessonProgress, openedHints, recordHint, requestSolution, type ExerciseProgress } from "./exercise-api";
import { CheckList } from "./CheckList";
import { SubmissionStatus } from "./SubmissionStatus";
import { useSubmission } from "./useSubmission";
import styles from "./exercise.module.css";

export interface ExerciseClientProps {
  id: string;
  title: string;
  points: number;
  attemptsBeforeSolution: number;
  starter: string;
  checks: VisibleCheck[];
  hiddenCheckCount: number;
  hasSolution: boolean;
  instructions: ReactNode;
  hintCount: number;
}

type Busy = "checking" | null;

/** An exercise: instructions, an editor with the learner's code, Check / Submit / hints / solution. */
export function ExerciseClient(props: ExerciseClientProps) {
  const { id, title, points, attemptsBeforeSolution, starter, checks, hiddenCheckCount, hasSolution, instructions, hintCount } = props;
  const { kernel, lessonSlug, persistence } = useNotebook();
  const { savedCode, saveCode } = persistence;
  const cellId = `exercise-${id}`;
  const [editorValue, setEditorValue] = useState(starter);
  const codeRef = useRef(starter);
  const edited = useRef(false);
  const [busy, setBusy] = useState<Busy>(null);
  const [outputs, setOutputs] = useState<CellOutput[]>([]);
  const [checkResults, setCheckResults] = useState<CheckResult[] | null>(null);
  const [checkNote, setCheckNote] = useState<string | null>(null);
  const [grade, setGrade] = useState<GradeResult | null>(null);
  const [progress, setProgress] = useState<ExerciseProgress | null>(null);
  // Hints arrive from the server, as HTML, only once opened (and recorded).
  const [hints, setHints] = useState<string[]>([]);
  const hintsShown = hints.length;
  const [solution, setSolution] = useState<string | null>(null);
  const [solutionWarning, setSolutionWarning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const saved = savedCode?.[cellId];
    if (saved !== undefined && !edited.current) {
      codeRef.current = saved;
      setEditorValue(saved);
    }
  }, [savedCode, cellId]);

  useEffect(() => {
    let cancelled = false;
    void lessonProgress(lessonSlug).then((all) => {
      const mine = all[id];
      if (cancelled || !mine) return;
      setProgress(mine);
      if (mine.hintsUsed > 0) void openedHints(lessonSlug, id).then((opened) => !cancelled && setHints((current) => (opened.length > current.length ? opened : current)));
      // Coming back later: show the last grade the server recorded until the next Submit.
      const last = mine.lastSubmission;
      if (last) setGrade((current) => current ?? { status: last.status, score: last.score, maxScore: last.maxScore, passed: last.passed, checks: last.checks, setupError: null, durationMs: 0 });
    });
    return () => {
      cancelled = true;
    };
  }, [lessonSlug, id]);

  const onChange = useCallback(
    (next: string) => {
      edited.current = true;
      codeRef.current = next;
      saveCode(cellId, next);
    },
    [cellId, saveCode],
  );

  const check = useCallback(async () => {
    if (!kernel || busy) return;
    setBusy("checking");
    setOutputs([]);
    setCheckResults(null);
    setCheckNote(null);
    try {
      const collect = (message: Parameters<typeof applyKernelMessage>[1]) => {
        if (message.type !== "status") setOutputs((current) => applyKernelMessage(current, message));
      };
      // The learner's code runs as a cell first, so its names join the notebook's state.
      const ran = await kernel.execute(cellId, codeRef.current, { onMessage: collect });
      if (ran.status !== "ok") {
        setCheckNote("Your code raised an error (shown above). Fix it, then check again.");
        return;
      }
      if (checks.length === 0) {
        setCheckNote("This exercise has no visible checks: Submit to have it graded.");
        return;
      }
      let received: CheckResult[] | null = null;
      const stop = onCheckResults(kernel, id, (results) => {
        received = results;
      });
      try {
        const reply = await kernel.execute(`${cellId}-checks`, checkCellCode(id, checks), { onMessage: collect });
        if (reply.status !== "ok" || !received) setCheckNote("The checks could not finish (see the error above).");
      } finally {
        stop();
      }
      setCheckResults(received);
    } finally {
      setBusy(null);
    }
  }, [kernel, busy, cellId, checks, id]);

  // The one way a server grade reaches the page, whether it came at once or after a wait in the queue.
  const showGrade = useCallback((result: GradeResult, next: ExerciseProgress) => {
    setGrade(result);
    setProgress(next);
  }, []);
  const { state: submissionState, elapsedMs: submissionElapsedMs, submit: submitCode } = useSubmission(lessonSlug, id, showGrade, setError);
  const submitting = submissionState.phase !== "idle";

  // Check stays available while a submission waits for the grader: it runs in this browser.
  const submit = useCallback(() => {
    if (busy || submitting) return;
    setError(null);
    void submitCode(codeRef.current);
  }, [busy, submitting, submitCode]);

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
  }, [hintsShown, hintCount, lessonSlug, id]);

  const failed = progress?.failedAttempts ?? 0;
  const solutionOpen = failed >= attemptsBeforeSolution;

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
    [lessonSlug, id],
  );

  return (
    <section className={styles.exercise} data-testid={`exercise-${id}`} aria-label={`Exercise: ${title}`}>
      <header className={styles.header}>
        <h3 className={styles.title}>Exercise: {title}</h3>
        <span className={styles.points}>
          {points} {points === 1 ? "point" : "points"}
        </span>
      </header>
      <div className={styles.instructions}>{instructions}</div>
      <div className={styles.editor}>
        <CodeEditor value={editorValue} ariaLabel={`Your code for exercise ${title}`} onChange={onChange} onRun={() => void check()} onRunAndAdvance={() => void check()} />
      </div>
      <div className={styles.actions}>
        <button type="button" onClick={() => void check()} disabled={!kernel || busy !== null}>
          {busy === "checking" ? "Checking…" : "Check"}
        </button>
        <button type="button" className={styles.primary} onClick={submit} disabled={busy !== null || submitting}>
          {submitting ? "Grading…" : "Submit"}
        </button>
        {hintCount > 0 ? (
          <button type="button" onClick={() => void showHint()} disabled={hintsShown >= hintCount}>
            {hintsShown >= hintCount ? "No more hints" : `Show hint (${hintsShown + 1} of ${hintCount})`}
          </button>
        ) : null}
        {hasSolution && solution === null ? (
          <button type="button" onClick={() => (solutionOpen ? void showSolution(false) : setSolutionWarning(true))}>
            Show solution
          </button>
        ) : null}
        <span className={styles.meta} data-testid="exercise-attempts">
          Attempts: {progress?.attempts ?? 0}
          {progress?.bestScore != null ? ` · best ${progress.bestScore} / ${points}` : ""}
          {hiddenCheckCount > 0 ? ` · ${hiddenCheckCount} hidden ${hiddenCheckCount === 1 ? "check" : "checks"} run on Submit` : ""}
        </span>
      </div>

      <SubmissionStatus state={submissionState} elapsedMs={submissionElapsedMs} />
      <CellOutputs outputs={outputs} />
      {checkNote ? <p className={styles.note}>{checkNote}</p> : null}
      {checkResults ? (
        <div data-testid="check-results">
          <h4 className={styles.subhead}>Check (visible checks, in your browser)</h4>
          <CheckList checks={checkResults} />
        </div>
      ) : null}

      {grade ? (
        <div data-testid="submit-results" className={styles.grade}>
          <h4 className={styles.subhead}>
            Graded on the server: <span data-testid="score">{grade.score} / {grade.maxScore}</span> {grade.passed ? "— all checks passed" : ""}
          </h4>
          {grade.setupError ? <p className={styles.note}>{grade.setupError}</p> : null}
          <CheckList checks={grade.checks} />
        </div>
      ) : null}

      {error ? (
        <p className={styles.error} role="alert">
          {error}
        </p>
      ) : null}

      {hintsShown > 0 ? (
        <ol className={styles.hints} data-testid="hints">
          {hints.map((html, index) => (
            // Rendered on the server from the lesson's own Markdown (instructor-authored).
            <li key={index} dangerouslySetInnerHTML={{ __html: html }} />
          ))}
        </ol>
      ) : null}

      {solutionWarning ? (
        <div className={styles.warning} role="alertdialog" aria-label="Show the solution early?">
          <p>
            The solution opens after {attemptsBeforeSolution} failed {attemptsBeforeSolution === 1 ? "attempt" : "attempts"} (you have {failed}). Looking now is
            recorded and your instructor will see it. Try a hint first?
          </p>
          <button type="button" onClick={() => void showSolution(true)}>
            Show it anyway
          </button>
          <button type="button" onClick={() => setSolutionWarning(false)}>
            Keep trying
          </button>
        </div>
      ) : null}
      {solution !== null ? (
        <div data-testid="solution">
          <h4 className={styles.subhead}>Reference solution</h4>
          <pre className={styles.solution}>{solution}</pre>
        </div>
      ) : null}
    </section>
  );
}
