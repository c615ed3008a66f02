/**
 * The server's one grading queue for Submit: a job is the learner's code for one exercise;
 * running it grades the code in the sandbox and records the grade, so the grade is stored
 * when grading finishes whether or not the learner's page is still asking.
 *
 * Limits come from the environment, read once when the queue is first used:
 * GRADER_CONCURRENCY (2), GRADER_MAX_PER_CLIENT (4), GRADER_MAX_WAITING (200).
 */
import { recordSubmission, type ExerciseKey } from "../db/submissions";
import { findExercise } from "../lessons/exercises";
import { gradeExercise } from "../grading/grade-exercise";
import { createGradingQueue, type GradingQueue } from "../grading/queue";
import type { GradeResult } from "../grading/types";

/** Plain data, so a durable queue could store it: the exercise is looked up when the job runs. */
export interface SubmissionJob {
  key: ExerciseKey;
  code: string;
}

export type SubmissionQueue = GradingQueue<SubmissionJob, GradeResult>;

/** A whole number from the environment, at least `min`; a bad value is an error naming the variable. */
export function integerFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  return value;
}

export async function gradeAndRecord({ key, code }: SubmissionJob): Promise<GradeResult> {
  const found = findExercise(key.lessonSlug, key.exerciseId);
  // The route checked the exercise exists; it can only vanish if the lesson changed since.
  if (!found) throw new Error(`Exercise ${key.lessonSlug}/${key.exerciseId} no longer exists`);
  const result = await gradeExercise({ exercise: found.exercise, dependencies: found.dependencies, learnerCode: code });
  await recordSubmission(key, code, result);
  return result;
}

// Kept on globalThis so the dev server's module reloads do not start a second queue.
const holder = globalThis as typeof globalThis & { __gradbookSubmissionQueue?: SubmissionQueue };

export function submissionQueue(): SubmissionQueue {
  holder.__gradbookSubmissionQueue ??= createGradingQueue({
    run: gradeAndRecord,
    concurrency: integerFromEnv("GRADER_CONCURRENCY", 2),
    maxPerClient: integerFromEnv("GRADER_MAX_PER_CLIENT", 4),
    maxWaiting: integerFromEnv("GRADER_MAX_WAITING", 200),
  });
  return holder.__gradbookSubmissionQueue;
}
