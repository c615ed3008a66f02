/**
 * The server's grading queue for Submit, kept in the database (lib/db/grading-jobs.ts): a job
 * is the learner's code for one exercise; a grader worker grades it in the sandbox and records
 * the grade, so the grade is stored whether or not the learner's page is still asking, and a
 * worker dying mid-grade only delays it.
 *
 * Who grades: on SQLite the app process runs the worker itself; on PostgreSQL separate
 * `npm run grader` processes do (any number, on any machine reaching the database), unless
 * GRADER_IN_PROCESS=1. Settings, read once: GRADER_CONCURRENCY (2 jobs at once per worker),
 * GRADER_MAX_PER_CLIENT (4 per address), GRADER_MAX_WAITING (5000 waiting in all),
 * GRADER_LEASE_MS (30000), GRADER_POLL_MS (250).
 */
import { databaseProvider } from "../db/client";
import { gradingJobStore, type SubmissionJob } from "../db/grading-jobs";
import { databaseVerdicts } from "../db/verdicts";
import { findExercise } from "../lessons/exercises";
import { readLesson } from "../lessons/files";
import { gradeExercise, shareVerdictsThrough } from "../grading/grade-exercise";
import { createGradingQueue, startGradingWorker, type GradingQueue, type GradingWorker } from "../grading/queue";
import type { GradeResult } from "../grading/types";

export type { SubmissionJob };
export type SubmissionQueue = GradingQueue<SubmissionJob, GradeResult>;

/** A whole number from the environment, at least `min`; a bad value is an error naming the variable. */
export function integerFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  return value;
}

/** Grades one submission. Recording is the queue's (in the transaction that completes the job). */
export async function gradeSubmission({ key, code }: SubmissionJob): Promise<GradeResult> {
  const found = findExercise(key.lessonSlug, key.exerciseId);
  // The route checked the exercise exists; it can only vanish if the lesson changed since.
  if (!found) throw new Error(`Exercise ${key.lessonSlug}/${key.exerciseId} no longer exists`);
  const result = await gradeExercise({ exercise: found.exercise, dependencies: found.dependencies, learnerCode: code });
  // Which version of the lesson this grade was earned on: the page says when the exercise changed since.
  return { ...result, lessonVersion: readLesson(key.lessonSlug).frontmatter.version };
}

/** A grader worker on this process: what `npm run grader` runs, and the app itself on SQLite. */
export function startSubmissionWorker(name?: string): GradingWorker {
  shareVerdictsThrough(databaseVerdicts);
  return startGradingWorker({
    store: gradingJobStore,
    run: gradeSubmission,
    concurrency: integerFromEnv("GRADER_CONCURRENCY", 2),
    leaseMs: integerFromEnv("GRADER_LEASE_MS", 30_000, 100),
    pollMs: integerFromEnv("GRADER_POLL_MS", 250, 10),
    name,
  });
}

function gradesInProcess(): boolean {
  const setting = process.env.GRADER_IN_PROCESS?.trim().toLowerCase();
  if (setting === undefined || setting === "") return databaseProvider === "sqlite";
  return !["0", "false", "no"].includes(setting);
}

// Kept on globalThis so the dev server's module reloads do not start a second queue or worker.
const holder = globalThis as typeof globalThis & { __gradbookSubmissionQueue?: SubmissionQueue; __gradbookGradingWorker?: GradingWorker };

/**
 * Starts this process's worker when the app grades in process (SQLite, or GRADER_IN_PROCESS=1):
 * called at server boot (instrumentation.ts), so jobs left queued by a restart, or written by
 * another process, are graded without waiting for a request. Null when other processes grade.
 */
export function startInProcessGrading(): GradingWorker | null {
  if (!gradesInProcess()) return null;
  return (holder.__gradbookGradingWorker ??= startSubmissionWorker());
}

/** Stops the in-process worker (SIGTERM): it claims nothing more and finishes the jobs in hand. */
export async function stopInProcessGrading(): Promise<void> {
  const worker = holder.__gradbookGradingWorker;
  if (!worker) return;
  holder.__gradbookGradingWorker = undefined;
  await worker.stop();
}

export function submissionQueue(): SubmissionQueue {
  if (!holder.__gradbookSubmissionQueue) {
    startInProcessGrading();
    holder.__gradbookSubmissionQueue = createGradingQueue({
      store: gradingJobStore,
      limits: { maxPerClient: integerFromEnv("GRADER_MAX_PER_CLIENT", 4), maxWaiting: integerFromEnv("GRADER_MAX_WAITING", 5_000) },
      onEnqueued: () => holder.__gradbookGradingWorker?.poke(),
    });
  }
  return holder.__gradbookSubmissionQueue;
}
