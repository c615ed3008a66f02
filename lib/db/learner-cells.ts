import { prisma } from "./client";

/**
 * Cells a learner adds to a lesson (code or Markdown notes), stored as CellState rows with a
 * `kind`. Like the lesson's cells, each is one versioned document (code, kind, place, deleted)
 * written only if its version is newer, so the autosave queue can retry blindly and the newest
 * of two tabs wins. Their ids start with "own-" and never name a lesson cell.
 */

export const LEARNER_CELL_KINDS = ["code", "note"] as const;
export type LearnerCellKind = (typeof LEARNER_CELL_KINDS)[number];

/** Live cells a learner may keep per lesson. */
export const MAX_LEARNER_CELLS_PER_LESSON = 100;
/** Rows (live and deleted) per learner and lesson; deleted ones are purged to make room. */
const MAX_LEARNER_CELL_ROWS_PER_LESSON = 300;

export interface LearnerCellFields {
  code: string;
  kind: LearnerCellKind;
  /** The lesson cell id it follows; "" for the top of the lesson. */
  anchor: string;
  position: number;
  deleted: boolean;
}

export interface LearnerCell extends LearnerCellFields {
  cellId: string;
  version: number;
}

export type SaveLearnerCellResult =
  | { outcome: "saved"; cell: LearnerCell }
  /** The stored cell is newer: the caller learns it. */
  | { outcome: "stale"; cell: LearnerCell }
  /** A new cell over MAX_LEARNER_CELLS_PER_LESSON. */
  | { outcome: "full" };

const select = { cellId: true, code: true, version: true, kind: true, anchor: true, position: true, deleted: true } as const;
type Row = { cellId: string; code: string; version: bigint; kind: string | null; anchor: string | null; position: number; deleted: boolean };

function toLearnerCell(row: Row): LearnerCell {
  return {
    cellId: row.cellId,
    code: row.code,
    version: Number(row.version),
    kind: row.kind === "note" ? "note" : "code",
    anchor: row.anchor ?? "",
    position: row.position,
    deleted: row.deleted,
  };
}

const sameCell = (a: LearnerCell, b: LearnerCellFields & { version: number }) =>
  a.version === b.version && a.code === b.code && a.kind === b.kind && a.anchor === b.anchor && a.position === b.position && a.deleted === b.deleted;

/** The caller's own cells of a lesson, deleted ones included (the client needs their versions). */
export async function savedLearnerCells(userId: string, lessonSlug: string): Promise<LearnerCell[]> {
  const rows = await prisma.cellState.findMany({ where: { userId, lessonSlug, kind: { not: null } }, select, orderBy: [{ anchor: "asc" }, { position: "asc" }] });
  return rows.map(toLearnerCell);
}

/**
 * Stores the learner's cell if `version` is newer than the stored one (one conditional UPDATE),
 * creating it if new. Idempotent: the same (version, fields) again answers "saved".
 */
export async function saveLearnerCell(userId: string, lessonSlug: string, cellId: string, fields: LearnerCellFields, version: number, retried = false): Promise<SaveLearnerCellResult> {
  const data = { ...fields, version: BigInt(version) };
  const cell: LearnerCell = { cellId, version, ...fields };
  const updated = await prisma.cellState.updateMany({ where: { userId, lessonSlug, cellId, kind: { not: null }, version: { lt: BigInt(version) } }, data });
  if (updated.count === 1) return { outcome: "saved", cell };
  const existing = await prisma.cellState.findUnique({ where: { userId_lessonSlug_cellId: { userId, lessonSlug, cellId } }, select });
  if (!existing) {
    if (!(await makeRoom(userId, lessonSlug, fields.deleted))) return { outcome: "full" };
    try {
      await prisma.cellState.create({ data: { userId, lessonSlug, cellId, ...data } });
      return { outcome: "saved", cell };
    } catch (error) {
      // Another request created the row first: decide once more, against its row.
      if (retried) throw error;
      return saveLearnerCell(userId, lessonSlug, cellId, fields, version, true);
    }
  }
  const stored = toLearnerCell(existing);
  if (sameCell(stored, { ...fields, version })) return { outcome: "saved", cell: stored };
  return { outcome: "stale", cell: stored };
}

/** Whether one more row fits: live cells are capped, and deleted ones give way when rows run out. */
async function makeRoom(userId: string, lessonSlug: string, deleted: boolean): Promise<boolean> {
  const mine = { userId, lessonSlug, kind: { not: null } };
  if (!deleted && (await prisma.cellState.count({ where: { ...mine, deleted: false } })) >= MAX_LEARNER_CELLS_PER_LESSON) return false;
  if ((await prisma.cellState.count({ where: mine })) < MAX_LEARNER_CELL_ROWS_PER_LESSON) return true;
  await prisma.cellState.deleteMany({ where: { ...mine, deleted: true } });
  return (await prisma.cellState.count({ where: mine })) < MAX_LEARNER_CELL_ROWS_PER_LESSON;
}
