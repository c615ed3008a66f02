import type pg from "pg";
import { prisma } from "./client";
import { cuid } from "./cuid";
import { driver, pgQuery, sqliteWrite, storedTime, type SqliteWriter } from "./direct";

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
 *
 * Every autosave comes here, so the SQL goes straight to the driver (lib/db/direct.ts): through
 * Prisma the same statements cost several times the CPU.
 */
export async function saveCell(userId: string, lessonSlug: string, cellId: string, code: string, version: number): Promise<SaveCellResult> {
  const handle = await driver();
  for (let attempt = 0; ; attempt++) {
    const now = storedTime(handle, new Date());
    const decided = handle.provider === "sqlite" ? await sqliteWrite(handle, (sql) => saveOnSqlite(sql, userId, lessonSlug, cellId, code, version, now), { atomic: false }) : await saveOnPostgres(handle.pool, userId, lessonSlug, cellId, code, version, now);
    if (decided) return decided;
    // The row changed between our statements (another request created it with an older
    // version, or it was deleted): decide once more, against the row as it is now.
    if (attempt === 1) throw new Error(`saveCell: the row of ${lessonSlug}/${cellId} kept changing while it was saved`);
  }
}

const UPDATE_IF_NEWER = `UPDATE "CellState" SET "code" = $1, "version" = $2, "updatedAt" = $3 WHERE "userId" = $4 AND "lessonSlug" = $5 AND "cellId" = $6 AND "version" < $2`;
// A first save: the row is created unless another request created it first (then decided below).
const INSERT_NEW = `INSERT INTO "CellState" ("id", "userId", "lessonSlug", "cellId", "code", "version", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT ("userId", "lessonSlug", "cellId") DO NOTHING`;
const STORED = `SELECT "code", "version" FROM "CellState" WHERE "userId" = $1 AND "lessonSlug" = $2 AND "cellId" = $3`;

/** The answer once the row is known, or null when it is older than `version` (changed meanwhile). */
function decide(stored: { code: string; version: number } | undefined, cellId: string, code: string, version: number): SaveCellResult | null {
  if (!stored || stored.version < version) return null;
  const cell = { cellId, code: stored.code, version: stored.version };
  if (stored.version === version && stored.code === code) return { outcome: "saved", cell };
  return { outcome: "stale", cell };
}

// Each statement on its own (the usual save is the UPDATE alone): run synchronously, no other
// statement comes between them, and each one alone leaves the row consistent.
function saveOnSqlite(sql: SqliteWriter, userId: string, lessonSlug: string, cellId: string, code: string, version: number, now: string): SaveCellResult | null {
  const saved: SaveCellResult = { outcome: "saved", cell: { cellId, code, version } };
  if (sql.run(UPDATE_IF_NEWER, [code, version, now, userId, lessonSlug, cellId]) === 1) return saved;
  if (sql.run(INSERT_NEW, [cuid(), userId, lessonSlug, cellId, code, version, now]) === 1) return saved;
  const row = sql.get<{ code: string; version: bigint | number }>(STORED, [userId, lessonSlug, cellId]);
  return decide(row && { code: row.code, version: Number(row.version) }, cellId, code, version);
}

async function saveOnPostgres(pool: pg.Pool, userId: string, lessonSlug: string, cellId: string, code: string, version: number, now: string): Promise<SaveCellResult | null> {
  const saved: SaveCellResult = { outcome: "saved", cell: { cellId, code, version } };
  if ((await pgQuery(pool, UPDATE_IF_NEWER, [code, version, now, userId, lessonSlug, cellId])).rowCount === 1) return saved;
  if ((await pgQuery(pool, INSERT_NEW, [cuid(), userId, lessonSlug, cellId, code, version, now])).rowCount === 1) return saved;
  const { rows } = await pgQuery<{ code: string; version: string }>(pool, STORED, [userId, lessonSlug, cellId]);
  return decide(rows[0] && { code: rows[0].code, version: Number(rows[0].version) }, cellId, code, version);
}

/** Execution count and last status, kept on the cell's row when the learner has one. */
export async function recordCellRun(userId: string, lessonSlug: string, cellId: string, status: string, executionCount: number): Promise<void> {
  await prisma.cellState.updateMany({ where: { userId, lessonSlug, cellId }, data: { lastStatus: status, executionCount } });
}
