import { z } from "zod";
import { prisma } from "./client";

const cellIdsSchema = z.array(z.string());

/** The stored `cellsRun` JSON as a list; anything malformed reads as none. */
export function parseCellIds(json: string): string[] {
  const parsed = cellIdsSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : [];
}

export interface LessonProgressSummary {
  lessonSlug: string;
  cellsRun: string[];
  lastCellId: string | null;
  lastOpenedAt: Date;
  completedAt: Date | null;
  exercisesPassed: string[];
}

export async function recordLessonOpened(userId: string, lessonSlug: string): Promise<void> {
  const now = new Date();
  await prisma.lessonProgress.upsert({ where: { userId_lessonSlug: { userId, lessonSlug } }, create: { userId, lessonSlug }, update: { lastOpenedAt: now } });
}

/**
 * Notes a cell run. `lessonCellIds` is the lesson's full list of cells: when every one has run
 * without error and every exercise has passed, the lesson is marked completed.
 */
export async function recordCellExecuted(userId: string, lessonSlug: string, cellId: string, status: "ok" | "error", lessonCellIds: string[], lessonExerciseIds: string[]): Promise<LessonProgressSummary> {
  return prisma.$transaction(async (tx) => {
    const key = { userId_lessonSlug: { userId, lessonSlug } };
    const row = await tx.lessonProgress.findUnique({ where: key });
    const cellsRun = new Set(row ? parseCellIds(row.cellsRun) : []);
    if (status === "ok") cellsRun.add(cellId);
    const passed = await passedExercises(userId, lessonSlug, tx);
    const complete = lessonCellIds.every((id) => cellsRun.has(id)) && lessonExerciseIds.every((id) => passed.includes(id));
    const data = { cellsRun: JSON.stringify([...cellsRun].sort()), lastCellId: cellId, lastOpenedAt: new Date() };
    const saved = await tx.lessonProgress.upsert({
      where: key,
      create: { userId, lessonSlug, ...data, completedAt: complete ? new Date() : null },
      update: { ...data, ...(complete && !row?.completedAt ? { completedAt: new Date() } : {}) },
    });
    return { lessonSlug, cellsRun: parseCellIds(saved.cellsRun), lastCellId: saved.lastCellId, lastOpenedAt: saved.lastOpenedAt, completedAt: saved.completedAt, exercisesPassed: passed };
  });
}

type Tx = Pick<typeof prisma, "submission">;

async function passedExercises(userId: string, lessonSlug: string, db: Tx = prisma): Promise<string[]> {
  const rows = await db.submission.findMany({ where: { userId, lessonSlug, passed: true }, select: { exerciseId: true }, distinct: ["exerciseId"] });
  return rows.map((r) => r.exerciseId).sort();
}

/** Every lesson the learner has touched, with exercises passed (from graded submissions). */
export async function progressOf(userId: string): Promise<LessonProgressSummary[]> {
  const [rows, passed] = await Promise.all([
    prisma.lessonProgress.findMany({ where: { userId }, orderBy: { lastOpenedAt: "desc" } }),
    prisma.submission.findMany({ where: { userId, passed: true }, select: { lessonSlug: true, exerciseId: true }, distinct: ["lessonSlug", "exerciseId"] }),
  ]);
  return rows.map((row) => ({
    lessonSlug: row.lessonSlug,
    cellsRun: parseCellIds(row.cellsRun),
    lastCellId: row.lastCellId,
    lastOpenedAt: row.lastOpenedAt,
    completedAt: row.completedAt,
    exercisesPassed: passed.filter((p) => p.lessonSlug === row.lessonSlug).map((p) => p.exerciseId).sort(),
  }));
}
