import { prisma } from "./client";

/** A cell's last outputs as the page stored them: nbformat-shaped outputs, kept as JSON text. */
export interface StoredCellOutputs {
  cellId: string;
  outputs: unknown[];
  executionCount: number | null;
  codeHash: string;
  /** When the run ended (client time, ms). */
  ranAt: number;
}

/** The learner's stored outputs for every cell of a lesson. */
export async function lessonCellOutputs(userId: string, lessonSlug: string): Promise<StoredCellOutputs[]> {
  const rows = await prisma.cellOutputs.findMany({ where: { userId, lessonSlug }, orderBy: { cellId: "asc" } });
  return rows.map((row) => ({ cellId: row.cellId, outputs: JSON.parse(row.outputs) as unknown[], executionCount: row.executionCount, codeHash: row.codeHash, ranAt: Number(row.ranAt) }));
}

/**
 * Stores a cell's outputs unless a later run's are stored already (two devices: the newest run
 * wins). Answers whether they were stored. One row per learner, lesson and cell.
 */
export async function saveCellOutputs(userId: string, lessonSlug: string, cell: StoredCellOutputs, retried = false): Promise<boolean> {
  const data = { outputs: JSON.stringify(cell.outputs), executionCount: cell.executionCount, codeHash: cell.codeHash, ranAt: BigInt(cell.ranAt) };
  const updated = await prisma.cellOutputs.updateMany({ where: { userId, lessonSlug, cellId: cell.cellId, ranAt: { lte: BigInt(cell.ranAt) } }, data });
  if (updated.count === 1) return true;
  const existing = await prisma.cellOutputs.findUnique({ where: { userId_lessonSlug_cellId: { userId, lessonSlug, cellId: cell.cellId } }, select: { id: true } });
  if (existing) return false;
  try {
    await prisma.cellOutputs.create({ data: { userId, lessonSlug, cellId: cell.cellId, ...data } });
    return true;
  } catch (error) {
    // Another request created the row first: decide once more against it.
    if (retried) throw error;
    return saveCellOutputs(userId, lessonSlug, cell, true);
  }
}

/** "Clear outputs": forgets the cell's stored outputs. */
export async function deleteCellOutputs(userId: string, lessonSlug: string, cellId: string): Promise<void> {
  await prisma.cellOutputs.deleteMany({ where: { userId, lessonSlug, cellId } });
}

/** Whether the learner has a live cell of their own with this id in the lesson. */
export async function hasLearnerCell(userId: string, lessonSlug: string, cellId: string): Promise<boolean> {
  return (await prisma.cellState.count({ where: { userId, lessonSlug, cellId, kind: "code", deleted: false } })) > 0;
}
