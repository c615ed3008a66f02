import { prisma } from "./client";

export interface SavedCell {
  cellId: string;
  code: string;
  /** The edit time (ms) of the stored code; the client sends a larger one to replace it. */
  version: number;
  executionCount: number;
  lastStatus: string | null;
  updatedAt: Date;
}

const savedCellSelect = { cellId: true, code: true, version: true, executionCount: true, lastStatus: true, updatedAt: true } as const;

function toSavedCell(row: { cellId: string; code: string; version: bigint; executionCount: number; lastStatus: string | null; updatedAt: Date }): SavedCell {
  return { ...row, version: Number(row.version) };
}

export async function savedCells(userId: string, lessonSlug: string): Promise<SavedCell[]> {
  const rows = await prisma.cellState.findMany({ where: { userId, lessonSlug }, select: savedCellSelect, orderBy: { cellId: "asc" } });
  return rows.map(toSavedCell);
}

export type SaveCellResult =
  /** Stored (or already stored: a retried write is a no-op). */
  | { outcome: "saved"; cell: SavedCell }
  /** Refused: the stored code is newer; the caller learns it. */
  | { outcome: "stale"; cell: SavedCell };

/**
 * Stores a cell's code if `version` is newer than what is stored. Idempotent: sending the same
 * (version, code) twice stores once and answers "saved" both times, so a client queue can retry
 * blindly. The compare-and-set runs as one conditional UPDATE, so two concurrent writers cannot
 * both win.
 */
export async function saveCell(userId: string, lessonSlug: string, cellId: string, code: string, version: number, retried = false): Promise<SaveCellResult> {
  const key = { userId_lessonSlug_cellId: { userId, lessonSlug, cellId } };
  const updated = await prisma.cellState.updateMany({ where: { userId, lessonSlug, cellId, version: { lt: BigInt(version) } }, data: { code, version: BigInt(version) } });
  if (updated.count === 0) {
    const existing = await prisma.cellState.findUnique({ where: key, select: savedCellSelect });
    if (!existing) {
      try {
        const created = await prisma.cellState.create({ data: { userId, lessonSlug, cellId, code, version: BigInt(version) }, select: savedCellSelect });
        return { outcome: "saved", cell: toSavedCell(created) };
      } catch (error) {
        // Another request created the row first: decide once more, against its row.
        if (retried) throw error;
        return saveCell(userId, lessonSlug, cellId, code, version, true);
      }
    }
    const cell = toSavedCell(existing);
    if (cell.version === version && cell.code === code) return { outcome: "saved", cell };
    return { outcome: "stale", cell };
  }
  const row = await prisma.cellState.findUniqueOrThrow({ where: key, select: savedCellSelect });
  return { outcome: "saved", cell: toSavedCell(row) };
}

/** Execution count and last status, kept on the cell's row when the learner has one. */
export async function recordCellRun(userId: string, lessonSlug: string, cellId: string, status: string, executionCount: number): Promise<void> {
  await prisma.cellState.updateMany({ where: { userId, lessonSlug, cellId }, data: { lastStatus: status, executionCount } });
}
