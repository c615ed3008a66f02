import { Prisma } from "../generated/prisma/client";
import { prisma } from "./client";
import { mergeExerciseState, mergeLessonProgress } from "./merge-state";
import { parseCellIds } from "./progress";

/**
 * Moves an anonymous learner's work onto an account, then deletes the anonymous row, in one
 * transaction. Runs and submissions (no uniqueness) move as they are. Rows keyed per cell,
 * lesson or exercise move when the account has none; when it has one, the two combine: for
 * cells the newer version wins, lesson progress and exercise state keep the union of both
 * (lib/db/merge-state.ts). Used on sign-up (the account is empty: everything moves) and on
 * sign-in. The counts are the guest's rows that moved or were merged into the account's.
 */
export async function moveAnonymousWork(anonymousId: string, accountId: string): Promise<{ cells: number; progress: number; runs: number; submissions: number; exerciseStates: number }> {
  if (anonymousId === accountId) return { cells: 0, progress: 0, runs: 0, submissions: 0, exerciseStates: 0 };
  forgetAnonymousLearner(anonymousId);
  return prisma.$transaction(async (tx) => {
    const anonymous = await tx.user.findUnique({ where: { id: anonymousId }, select: { username: true } });
    // Only a true anonymous row may be merged: never another account's.
    if (!anonymous || anonymous.username !== null) return { cells: 0, progress: 0, runs: 0, submissions: 0, exerciseStates: 0 };

    let cells = 0;
    for (const cell of await tx.cellState.findMany({ where: { userId: anonymousId } })) {
      const mine = await tx.cellState.findUnique({ where: { userId_lessonSlug_cellId: { userId: accountId, lessonSlug: cell.lessonSlug, cellId: cell.cellId } } });
      if (!mine) {
        await tx.cellState.update({ where: { id: cell.id }, data: { userId: accountId } });
        cells++;
      } else if (mine.version < cell.version) {
        await tx.cellState.update({ where: { id: mine.id }, data: { code: cell.code, version: cell.version, executionCount: cell.executionCount, lastStatus: cell.lastStatus, kind: cell.kind, anchor: cell.anchor, position: cell.position, deleted: cell.deleted } });
        cells++;
      }
    }
    let progress = 0;
    for (const row of await tx.lessonProgress.findMany({ where: { userId: anonymousId } })) {
      const mine = await tx.lessonProgress.findUnique({ where: { userId_lessonSlug: { userId: accountId, lessonSlug: row.lessonSlug } } });
      if (!mine) {
        await tx.lessonProgress.update({ where: { id: row.id }, data: { userId: accountId } });
      } else {
        const merged = mergeLessonProgress({ ...mine, cellsRun: parseCellIds(mine.cellsRun) }, { ...row, cellsRun: parseCellIds(row.cellsRun) });
        await tx.lessonProgress.update({ where: { id: mine.id }, data: { ...merged, cellsRun: JSON.stringify(merged.cellsRun) } });
      }
      progress++;
    }
    let exerciseStates = 0;
    for (const row of await tx.exerciseState.findMany({ where: { userId: anonymousId } })) {
      const mine = await tx.exerciseState.findUnique({ where: { userId_lessonSlug_exerciseId: { userId: accountId, lessonSlug: row.lessonSlug, exerciseId: row.exerciseId } } });
      if (!mine) {
        await tx.exerciseState.update({ where: { id: row.id }, data: { userId: accountId } });
      } else {
        await tx.exerciseState.update({ where: { id: mine.id }, data: mergeExerciseState(mine, row) });
      }
      exerciseStates++;
    }
    const runs = (await tx.experimentRun.updateMany({ where: { userId: anonymousId }, data: { userId: accountId } })).count;
    const submissions = (await tx.submission.updateMany({ where: { userId: anonymousId }, data: { userId: accountId } })).count;
    await tx.user.delete({ where: { id: anonymousId } });
    return { cells, progress, runs, submissions, exerciseStates };
  });
}

/**
 * Anonymous learners whose row was seen recently, so that the learner lookup behind every
 * autosave and metric batch (lib/auth/request-user.ts) is not a database read each time: an id
 * seen within ANONYMOUS_ROW_TTL_MS as an anonymous row (no username) is answered from memory.
 * Only that answer is kept; a missing row or an account row is read every time. An anonymous row
 * goes away only when its work moves onto an account (moveAnonymousWork), which forgets it here;
 * another app instance may answer from memory for up to the TTL after that, and a write it lets
 * through then fails on the missing row (500, nothing stored) rather than storing anywhere else.
 */
export const ANONYMOUS_ROW_TTL_MS = 5_000;
const ANONYMOUS_ROWS_KEPT = 50_000;
const anonymousRowsSeen = new Map<string, number>();

export type LearnerRow = "anonymous" | "account" | "missing";

/** Whether `id` names an anonymous learner's row, an account's, or none. */
export async function learnerRowOf(id: string, now = Date.now()): Promise<LearnerRow> {
  const seenUntil = anonymousRowsSeen.get(id);
  if (seenUntil !== undefined && seenUntil > now) return "anonymous";
  const row = await prisma.user.findUnique({ where: { id }, select: { username: true } });
  if (!row) return "missing";
  if (row.username !== null) return "account";
  rememberAnonymousLearner(id, now);
  return "anonymous";
}

/**
 * Creates an anonymous learner's row unless it exists. Two first requests of one learner at
 * once (an autosave and a Submit) may both try: on PostgreSQL an upsert is a read then an insert,
 * so the second insert fails on the primary key, which only means the row is there.
 */
export async function ensureAnonymousRow(id: string): Promise<void> {
  try {
    await prisma.user.upsert({ where: { id }, create: { id }, update: {} });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
  }
  rememberAnonymousLearner(id);
}

/** Notes that an anonymous learner's row exists (just read or just created). */
export function rememberAnonymousLearner(id: string, now = Date.now()): void {
  anonymousRowsSeen.delete(id);
  if (anonymousRowsSeen.size >= ANONYMOUS_ROWS_KEPT) anonymousRowsSeen.delete(anonymousRowsSeen.keys().next().value!);
  anonymousRowsSeen.set(id, now + ANONYMOUS_ROW_TTL_MS);
}

export function forgetAnonymousLearner(id: string): void {
  anonymousRowsSeen.delete(id);
}
