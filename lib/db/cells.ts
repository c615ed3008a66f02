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
  const rows = await prisma.cellState.findMany({ where: { userId, lessonSlug, kind: null }, select: savedCellSelect, orderBy: { cellId: "asc" } });
  return rows.map(toSavedCell);
}

/** What a save answers: the code and version now stored for the cell. */
export interface StoredVersion {
  cellId: string;
  code: string;
  version: number;
}

export type SaveCellResult =
  /** Stored (or already stored: a retried write is a no-op). */
  | { outcome: "saved"; cell: StoredVersion }
  /** Refused: the stored code is newer; the caller learns it. */
  | { outcome: "stale"; cell: StoredVersion };

/**
 * Stores a cell's code if `version` is newer than what is stored. Idempotent: sending the same
 * (version, code) twice stores once and answers "saved" both times, so a client queue can retry
 * blindly. The compare-and-set is one conditional UPDATE, so two concurrent writers cannot both
 * win; the common case (a newer edit of an existing cell) is that single statement.
 */
export async function saveCell(userId: string, lessonSlug: string, cellId: string, code: string, version: number, retried = false): Promise<SaveCellResult> {
  const updated = await prisma.cellState.updateMany({ where: { userId, lessonSlug, cellId, version: { lt: BigInt(version) } }, data: { code, version: BigInt(version) } });
  if (updated.count === 1) return { outcome: "saved", cell: { cellId, code, version } };
  const existing = await prisma.cellState.findUnique({ where: { userId_lessonSlug_cellId: { userId, lessonSlug, cellId } }, select: { code: true, version: true } });
  if (!existing) {
    try {
      await prisma.cellState.create({ data: { userId, lessonSlug, cellId, code, version: BigInt(version) } });
      return { outcome: "saved", cell: { cellId, code, version } };
    } catch (error) {
      // Another request created the row first: decide once more, against its row.
      if (retried) throw error;
      return saveCell(userId, lessonSlug, cellId, code, version, true);
    }
  }
  const stored = { cellId, code: existing.code, version: Number(existing.version) };
  if (stored.version === version && stored.code === code) return { outcome: "saved", cell: stored };
  return { outcome: "stale", cell: stored };
}

/** Execution count and last status, kept on the cell's row when the learner has one. */
export async function recordCellRun(userId: string, lessonSlug: string, cellId: string, status: string, executionCount: number): Promise<void> {
  await prisma.cellState.updateMany({ where: { userId, lessonSlug, cellId }, data: { lastStatus: status, executionCount } });
}
