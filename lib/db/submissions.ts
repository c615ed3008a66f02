/**
 * Exercise submissions and per-learner exercise state (attempts, hints, solution views).
 * Only the server's grade is ever written here: callers pass a GradeResult from the grader.
 */
import { prisma } from "./client";
import type { CheckResult, GradeResult, SubmissionStatus } from "../grading/types";

export interface ExerciseKey {
  userId: string;
  lessonSlug: string;
  exerciseId: string;
}

export interface ExerciseProgress {
  exerciseId: string;
  attempts: number;
  failedAttempts: number;
  hintsUsed: number;
  solutionViewed: boolean;
  bestScore: number | null;
  maxScore: number | null;
  passed: boolean;
  lastSubmission: {
    at: string;
    score: number;
    maxScore: number;
    passed: boolean;
    status: SubmissionStatus;
    checks: CheckResult[];
    /** The lesson version it was graded on. */
    lessonVersion: number;
    /** Whether the exercise is graded differently now (filled in by the route, which knows the lesson). */
    changedSince?: boolean;
  } | null;
}

function whereKey(key: ExerciseKey) {
  return { userId_lessonSlug_exerciseId: { userId: key.userId, lessonSlug: key.lessonSlug, exerciseId: key.exerciseId } };
}

type Client = Pick<typeof prisma, "submission" | "exerciseState">;

/**
 * Stores a graded submission and counts the attempt. Inside the caller's transaction `db` when
 * given (the grading queue completes its job in the same one); `id` is the grading job's, so a
 * second recording of the same job fails on the primary key instead of counting twice.
 */
export async function recordSubmission(key: ExerciseKey, code: string, result: GradeResult, db?: Client, id?: string): Promise<void> {
  const data = {
    ...(id === undefined ? {} : { id }),
    ...key,
    code,
    score: result.score,
    maxScore: result.maxScore,
    passed: result.passed,
    status: result.status,
    results: JSON.stringify({ checks: result.checks, setupError: result.setupError, durationMs: result.durationMs }),
    lessonVersion: result.lessonVersion ?? 1,
  };
  const upsert = { where: whereKey(key), create: { ...key, attempts: 1 }, update: { attempts: { increment: 1 } } };
  if (db) {
    await db.submission.create({ data });
    await db.exerciseState.upsert(upsert);
    return;
  }
  await prisma.$transaction([prisma.submission.create({ data }), prisma.exerciseState.upsert(upsert)]);
}

/** A recorded submission as the grader reported it. */
export function gradeOf(row: { status: string; score: number; maxScore: number; passed: boolean; results: string }): GradeResult {
  let parsed: { checks?: CheckResult[]; setupError?: string | null; durationMs?: number } = {};
  try {
    parsed = JSON.parse(row.results);
  } catch {
    parsed = {};
  }
  return {
    status: row.status as SubmissionStatus,
    score: row.score,
    maxScore: row.maxScore,
    passed: row.passed,
    checks: Array.isArray(parsed.checks) ? parsed.checks : [],
    setupError: parsed.setupError ?? null,
    durationMs: parsed.durationMs ?? 0,
  };
}

/** Records that hint number `hintNumber` (1-based) was revealed; counts never go down. */
export async function recordHintShown(key: ExerciseKey, hintNumber: number): Promise<void> {
  const current = await prisma.exerciseState.findUnique({ where: whereKey(key), select: { hintsUsed: true } });
  if (current && current.hintsUsed >= hintNumber) return;
  await prisma.exerciseState.upsert({ where: whereKey(key), create: { ...key, hintsUsed: hintNumber }, update: { hintsUsed: hintNumber } });
}

/**
 * Records that the learner opened the reference solution. `solutionViewedAt` keeps the first
 * view (a later view must not turn a pass made after the first view into a clean one); the
 * second statement only fills it when empty, so it also stamps rows from before the column.
 */
export async function recordSolutionViewed(key: ExerciseKey): Promise<void> {
  const now = new Date();
  await prisma.$transaction([
    prisma.exerciseState.upsert({ where: whereKey(key), create: { ...key, solutionViewed: true, solutionViewedAt: now }, update: { solutionViewed: true } }),
    prisma.exerciseState.updateMany({ where: { ...key, solutionViewedAt: null }, data: { solutionViewedAt: now } }),
  ]);
}

export async function failedAttempts(key: ExerciseKey): Promise<number> {
  return prisma.submission.count({ where: { ...key, passed: false } });
}

function parseChecks(results: string): CheckResult[] {
  try {
    const parsed = JSON.parse(results) as { checks?: CheckResult[] };
    return Array.isArray(parsed.checks) ? parsed.checks : [];
  } catch {
    return [];
  }
}

/** One learner's progress on every exercise of a lesson they touched. */
export async function lessonExerciseProgress(userId: string, lessonSlug: string): Promise<Record<string, ExerciseProgress>> {
  const [states, submissions] = await Promise.all([
    prisma.exerciseState.findMany({ where: { userId, lessonSlug } }),
    prisma.submission.findMany({ where: { userId, lessonSlug }, orderBy: { createdAt: "asc" } }),
  ]);
  const progress: Record<string, ExerciseProgress> = {};
  const entry = (exerciseId: string): ExerciseProgress =>
    (progress[exerciseId] ??= { exerciseId, attempts: 0, failedAttempts: 0, hintsUsed: 0, solutionViewed: false, bestScore: null, maxScore: null, passed: false, lastSubmission: null });
  for (const state of states) Object.assign(entry(state.exerciseId), { attempts: state.attempts, hintsUsed: state.hintsUsed, solutionViewed: state.solutionViewed });
  for (const submission of submissions) {
    const item = entry(submission.exerciseId);
    if (!submission.passed) item.failedAttempts++;
    item.bestScore = Math.max(item.bestScore ?? 0, submission.score);
    item.maxScore = submission.maxScore;
    item.passed ||= submission.passed;
    item.lastSubmission = {
      at: submission.createdAt.toISOString(),
      score: submission.score,
      maxScore: submission.maxScore,
      passed: submission.passed,
      status: submission.status as SubmissionStatus,
      checks: parseChecks(submission.results),
      lessonVersion: submission.lessonVersion,
    };
  }
  return progress;
}

export interface GradebookCell {
  bestScore: number | null;
  maxScore: number | null;
  /** Some submission passed every check (with or without the solution). */
  passed: boolean;
  /**
   * The first passing submission came after the learner had viewed the solution: "passed
   * after viewing the solution", not a clean pass. A view whose time is unknown (recorded
   * before the time was kept) counts as before the pass: such a pass cannot be shown clean.
   */
  passedAfterSolution: boolean;
  /** When the first passing submission was made. */
  firstPassedAt: string | null;
  attempts: number;
  hintsUsed: number;
  solutionViewed: boolean;
  /** When the solution was first viewed (null if never, or viewed before this was recorded). */
  solutionViewedAt: string | null;
  lastSubmissionAt: string | null;
  lastStatus: SubmissionStatus | null;
  /** The lesson version the best grade was earned on (the latest such version on a tie). */
  lessonVersion: number | null;
}

/** Whether a pass counts as "after viewing the solution" (see GradebookCell.passedAfterSolution). */
export function passedAfterSolution(cell: Pick<GradebookCell, "passed" | "firstPassedAt" | "solutionViewed" | "solutionViewedAt">): boolean {
  if (!cell.passed || !cell.solutionViewed || cell.firstPassedAt === null) return false;
  if (cell.solutionViewedAt === null) return true;
  return Date.parse(cell.solutionViewedAt) <= Date.parse(cell.firstPassedAt);
}
