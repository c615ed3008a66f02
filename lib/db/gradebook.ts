/**
 * What the instructor's gradebook reads: every learner (signed-up or guest) with any exercise
 * activity and their cell per exercise, and one learner's submissions with their code.
 * Instructors are never rows. Only the columns the gradebook shows are selected: a class of
 * 1,000 learners has tens of thousands of submissions, and their code is not needed here.
 */
import { prisma } from "./client";
import { passedAfterSolution, type GradebookCell } from "./submissions";
import type { SubmissionStatus } from "../grading/types";

export interface GradebookIdentity {
  userId: string;
  /** The account's username, or null for a guest (an anonymous learner who never signed up). */
  username: string | null;
  /** The account's display name ("" for guests). */
  name: string;
  email: string | null;
}

export interface GradebookMatrixRow extends GradebookIdentity {
  /** `${lessonSlug}/${exerciseId}` -> cell. */
  cells: Record<string, GradebookCell>;
}

const emptyCell = (): GradebookCell => ({
  bestScore: null,
  maxScore: null,
  passed: false,
  passedAfterSolution: false,
  firstPassedAt: null,
  attempts: 0,
  hintsUsed: 0,
  solutionViewed: false,
  solutionViewedAt: null,
  lastSubmissionAt: null,
  lastStatus: null,
  lessonVersion: null,
});

const identitySelect = { id: true, username: true, name: true, email: true, role: true } as const;

/**
 * Every non-instructor with exercise activity, with one cell per exercise they touched.
 * Submissions are aggregated by the database (best score, last and first passing time per
 * learner and exercise) rather than read one by one: a class of 1,000 has 30,000 and more.
 */
export async function gradebookMatrix(): Promise<GradebookMatrixRow[]> {
  const [users, states, best, firstPasses, unusual] = await Promise.all([
    prisma.user.findMany({ where: { role: { not: "instructor" }, OR: [{ exerciseStates: { some: {} } }, { submissions: { some: {} } }] }, select: identitySelect }),
    prisma.exerciseState.findMany({ select: { userId: true, lessonSlug: true, exerciseId: true, attempts: true, hintsUsed: true, solutionViewed: true, solutionViewedAt: true } }),
    // Per lesson version too, so the gradebook can say which version the best grade was earned on.
    prisma.submission.groupBy({ by: ["userId", "lessonSlug", "exerciseId", "lessonVersion"], _max: { score: true, maxScore: true, createdAt: true } }),
    prisma.submission.groupBy({ by: ["userId", "lessonSlug", "exerciseId"], where: { passed: true }, _min: { createdAt: true } }),
    // Few submissions end other than "graded" (time or memory limit, errors): the last one's status is shown.
    prisma.submission.findMany({ where: { status: { not: "graded" } }, select: { userId: true, lessonSlug: true, exerciseId: true, status: true, createdAt: true } }),
  ]);
  const rows = new Map<string, GradebookMatrixRow>();
  for (const user of users) rows.set(user.id, { userId: user.id, username: user.username, name: user.name, email: user.email, cells: {} });
  // Rows of instructors are not in `rows`: their states and submissions are skipped here.
  const cellOf = (key: { userId: string; lessonSlug: string; exerciseId: string }): GradebookCell | undefined => {
    const row = rows.get(key.userId);
    return row ? (row.cells[`${key.lessonSlug}/${key.exerciseId}`] ??= emptyCell()) : undefined;
  };
  for (const state of states) {
    const cell = cellOf(state);
    if (!cell) continue;
    cell.attempts = state.attempts;
    cell.hintsUsed = state.hintsUsed;
    cell.solutionViewed = state.solutionViewed;
    cell.solutionViewedAt = state.solutionViewedAt?.toISOString() ?? null;
  }
  for (const group of best) {
    const cell = cellOf(group);
    const score = group._max?.score ?? null;
    if (!cell || score === null) continue;
    const better = cell.bestScore === null || score > cell.bestScore || (score === cell.bestScore && group.lessonVersion > (cell.lessonVersion ?? 0));
    if (better) {
      cell.bestScore = score;
      cell.maxScore = group._max?.maxScore ?? null;
      cell.lessonVersion = group.lessonVersion;
    }
    const last = group._max?.createdAt?.toISOString() ?? null;
    if (last && (cell.lastSubmissionAt === null || last > cell.lastSubmissionAt)) cell.lastSubmissionAt = last;
    cell.lastStatus = "graded";
  }
  for (const group of firstPasses) {
    const cell = cellOf(group);
    const first = group._min?.createdAt;
    if (!cell || !first) continue;
    cell.passed = true;
    cell.firstPassedAt = first.toISOString();
  }
  for (const submission of unusual) {
    const cell = cellOf(submission);
    if (cell && cell.lastSubmissionAt === submission.createdAt.toISOString()) cell.lastStatus = submission.status as SubmissionStatus;
  }
  for (const row of rows.values()) for (const cell of Object.values(row.cells)) cell.passedAfterSolution = passedAfterSolution(cell);
  return [...rows.values()];
}

/**
 * Changes whenever anything the gradebook shows may have changed (a submission, an exercise
 * state, an account): counts and latest times, answered from indexes in milliseconds, so a
 * built gradebook can be reused until then.
 */
export async function gradebookStamp(): Promise<string> {
  const [submissions, states, users] = await Promise.all([
    prisma.submission.aggregate({ _count: { _all: true }, _max: { createdAt: true } }),
    prisma.exerciseState.aggregate({ _count: { _all: true }, _max: { updatedAt: true } }),
    prisma.user.aggregate({ _count: { _all: true }, _max: { updatedAt: true } }),
  ]);
  return JSON.stringify([submissions._count._all, submissions._max.createdAt, states._count._all, states._max.updatedAt, users._count._all, users._max.updatedAt]);
}

export interface LearnerSubmission {
  id: string;
  lessonSlug: string;
  exerciseId: string;
  code: string;
  score: number;
  maxScore: number;
  passed: boolean;
  status: SubmissionStatus;
  createdAt: string;
  /** The lesson version it was graded on. */
  lessonVersion: number;
}

export interface LearnerRecord {
  identity: GradebookIdentity;
  /** Newest first. */
  submissions: LearnerSubmission[];
}

/** One learner (never an instructor) and every submission they made, with its code; null if there is no such learner. */
export async function learnerRecord(userId: string): Promise<LearnerRecord | null> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: identitySelect });
  if (!user || user.role === "instructor") return null;
  const submissions = await prisma.submission.findMany({
    where: { userId },
    select: { id: true, lessonSlug: true, exerciseId: true, code: true, score: true, maxScore: true, passed: true, status: true, createdAt: true, lessonVersion: true },
    orderBy: { createdAt: "desc" },
  });
  return {
    identity: { userId: user.id, username: user.username, name: user.name, email: user.email },
    submissions: submissions.map((s) => ({ ...s, status: s.status as SubmissionStatus, createdAt: s.createdAt.toISOString() })),
  };
}
