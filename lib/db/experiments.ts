import { prisma } from "./client";
import { cuid } from "./cuid";
import { driver, pgQuery, sqliteWrite, storedTime } from "./direct";

export const RUN_STATUSES = ["running", "finished", "failed", "interrupted", "crashed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type EndStatus = Exclude<RunStatus, "running">;

/** A running run that has not been heard from for this long was cut short (page closed, machine slept). */
export const STALE_RUN_MS = 2 * 60_000;
const STALE_REASON = "no word from the page (closed or asleep) while the run was going";

export interface NewRun {
  id: string;
  lessonSlug: string;
  cellId: string | null;
  name: string;
  params: Record<string, string | number | boolean | null>;
  seed: number | null;
  codeHash: string | null;
  engineVersion: string | null;
  startedAt: Date;
}

export interface MetricPointInput {
  step: number;
  values: Record<string, number>;
}

export interface RunSummary {
  id: string;
  lessonSlug: string;
  cellId: string | null;
  name: string;
  params: Record<string, unknown>;
  seed: number | null;
  codeHash: string | null;
  engineVersion: string | null;
  status: RunStatus;
  statusReason: string | null;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  finalMetrics: Record<string, number>;
  points?: MetricPointInput[];
}

type RunRow = Awaited<ReturnType<typeof prisma.experimentRun.findFirstOrThrow>>;

function parseObject<T>(json: string): T {
  try {
    const value: unknown = JSON.parse(json);
    return (typeof value === "object" && value !== null ? value : {}) as T;
  } catch {
    return {} as T;
  }
}

function toSummary(row: RunRow, points?: { step: number; values: string }[]): RunSummary {
  return {
    id: row.id,
    lessonSlug: row.lessonSlug,
    cellId: row.cellId,
    name: row.name,
    params: parseObject(row.params),
    seed: row.seed === null ? null : Number(row.seed),
    codeHash: row.codeHash,
    engineVersion: row.engineVersion,
    status: row.status as RunStatus,
    statusReason: row.statusReason,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
    durationMs: row.endedAt ? row.endedAt.getTime() - row.startedAt.getTime() : null,
    finalMetrics: parseObject(row.finalMetrics),
    ...(points ? { points: points.map((p) => ({ step: p.step, values: parseObject<Record<string, number>>(p.values) })) } : {}),
  };
}

export type CreateRunResult = { outcome: "created" | "exists"; run: RunSummary } | { outcome: "taken" };

/** Creates a run under the client's id; a retried create is a no-op. An id owned by someone else is "taken". */
export async function createRun(userId: string, run: NewRun): Promise<CreateRunResult> {
  const existing = await prisma.experimentRun.findUnique({ where: { id: run.id } });
  if (existing) return existing.userId === userId ? { outcome: "exists", run: toSummary(existing) } : { outcome: "taken" };
  const row = await prisma.experimentRun.create({
    data: {
      id: run.id,
      userId,
      lessonSlug: run.lessonSlug,
      cellId: run.cellId,
      name: run.name,
      params: JSON.stringify(run.params),
      seed: run.seed === null ? null : BigInt(run.seed),
      codeHash: run.codeHash,
      engineVersion: run.engineVersion,
      startedAt: run.startedAt,
      heartbeatAt: new Date(),
    },
  });
  return { outcome: "created", run: toSummary(row) };
}

/** The caller's run, or null for a run that does not exist or is someone else's (both answer 404). */
async function ownRun(userId: string, runId: string): Promise<RunRow | null> {
  const row = await prisma.experimentRun.findUnique({ where: { id: runId } });
  return row && row.userId === userId ? row : null;
}

/**
 * The most points one run keeps (EXPERIMENT_MAX_POINTS_PER_RUN, default 100 000). Steps are
 * unique per run but may go up to 10^8, so without this a run could grow to 10^8 rows, a batch
 * at a time; a course run logs at most a few thousand steps. Two batches racing at the limit
 * may pass it by one batch (1000 points).
 */
export function maxPointsPerRun(): number {
  const raw = process.env.EXPERIMENT_MAX_POINTS_PER_RUN;
  if (raw === undefined || raw.trim() === "") return 100_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`EXPERIMENT_MAX_POINTS_PER_RUN must be a positive integer, got "${raw}"`);
  return value;
}

export type AddPointsResult =
  | { outcome: "stored"; stored: number }
  /** The run does not exist or is someone else's. */
  | { outcome: "not_found" }
  /** Storing the batch would take the run past maxPointsPerRun(); nothing was stored. */
  | { outcome: "full"; limit: number };

/** What addPoints reads of the run. */
interface RunForPoints {
  userId: string;
  lastStep: number;
  finalMetrics: string;
  status: string;
  statusReason: string | null;
}

/** What a batch changes on its run: the last value per metric, the last step, and whether it revives a stale run. */
function runAfter(run: RunForPoints, ordered: MetricPointInput[]): { finalMetrics: string; lastStep: number; revive: boolean } {
  const final = parseObject<Record<string, number>>(run.finalMetrics);
  // Only points at or after the last stored step move the "final" values forward.
  for (const point of ordered) if (point.step >= run.lastStep) Object.assign(final, point.values);
  // A run marked stale only because the page went quiet (a long step, a sleeping laptop) is alive after all.
  return { finalMetrics: JSON.stringify(final), lastStep: Math.max(run.lastStep, ordered[ordered.length - 1].step), revive: wasMarkedStale(run) };
}

/**
 * Whether a batch might take the run past `limit` points, so that its points need counting.
 * Steps are unique whole numbers from 0, so a run holds at most lastStep + 1 points: for every run
 * short of the limit in steps (all but pathological ones) there is nothing to count.
 */
function mayOverfill(lastStep: number, size: number, limit: number): boolean {
  return lastStep + 1 + size > limit;
}

/** Whether the batch takes the run past `limit`: steps already stored (`replaced`) are replaced, not added. */
function overfills(stored: number, replaced: number, size: number, limit: number): boolean {
  return stored - replaced + size > limit;
}

const RUN_FOR_POINTS = `SELECT "userId", "lastStep", "finalMetrics", "status", "statusReason" FROM "ExperimentRun" WHERE "id" = $1`;
const COUNT_POINTS = `SELECT COUNT(*) AS "n" FROM "MetricPoint" WHERE "runId" = $1`;
// A retried batch replaces its steps' values (idempotent per step); the row keeps its id.
const ON_STEP_CONFLICT = `ON CONFLICT ("runId", "step") DO UPDATE SET "values" = excluded."values"`;
const updateRun = (revive: boolean, at: string) =>
  `UPDATE "ExperimentRun" SET "heartbeatAt" = ${at}, "finalMetrics" = $3, "lastStep" = $4${revive ? `, "status" = 'running', "statusReason" = NULL, "endedAt" = NULL` : ""} WHERE "id" = $1`;

/** SQLite: one multi-row INSERT (a text per batch size, prepared once each) and the run's UPDATE, in one transaction. */
function insertPointsSqlite(size: number): string {
  const rows = Array.from({ length: size }, (_, i) => `($${2 + 3 * i}, $1, $${3 + 3 * i}, $${4 + 3 * i})`);
  return `INSERT INTO "MetricPoint" ("id", "runId", "step", "values") VALUES ${rows.join(", ")} ${ON_STEP_CONFLICT}`;
}

/**
 * PostgreSQL: the points (as arrays: one text for every batch size) and the run's UPDATE in one
 * statement, so one round trip and atomic without BEGIN/COMMIT. A data-modifying WITH always runs
 * to completion, whether or not the UPDATE reads it.
 */
const writePointsPostgres = (revive: boolean) =>
  `WITH "points" AS (INSERT INTO "MetricPoint" ("id", "runId", "step", "values") SELECT "p"."id", $1, "p"."step", "p"."values" FROM unnest($5::text[], $6::int[], $7::text[]) AS "p"("id", "step", "values") ${ON_STEP_CONFLICT}) ` +
  updateRun(revive, "$2::timestamp(3)");

/**
 * Adds a batch of metric points. Idempotent per step: a retried batch replaces the same steps
 * with the same values. Also refreshes the heartbeat and the run's last value per metric.
 *
 * Every open training loop sends these all the time, so the SQL goes straight to the driver
 * (lib/db/direct.ts): through Prisma the read, the insert and the update in a transaction cost
 * about 2 ms of CPU per batch. On SQLite the whole batch (read, check, write) is one synchronous
 * transaction; on PostgreSQL the run is read, then the write is one statement.
 */
export async function addPoints(userId: string, runId: string, points: MetricPointInput[]): Promise<AddPointsResult> {
  const ordered = [...new Map(points.map((p) => [p.step, p])).values()].sort((a, b) => a.step - b.step);
  const steps = ordered.map((p) => p.step);
  const values = ordered.map((p) => JSON.stringify(p.values));
  const ids = ordered.map(() => cuid());
  const limit = maxPointsPerRun();
  const handle = await driver();
  const now = storedTime(handle, new Date());

  if (handle.provider === "sqlite") {
    return sqliteWrite(handle, (sql): AddPointsResult => {
      const row = sql.get<Omit<RunForPoints, "lastStep"> & { lastStep: bigint | number }>(RUN_FOR_POINTS, [runId]);
      if (!row || row.userId !== userId) return { outcome: "not_found" };
      const run = { ...row, lastStep: Number(row.lastStep) };
      if (mayOverfill(run.lastStep, steps.length, limit)) {
        const count = (text: string, params: unknown[]) => Number(sql.get<{ n: bigint | number }>(text, params)!.n);
        const replaced = count(`${COUNT_POINTS} AND "step" IN (SELECT "value" FROM json_each($2))`, [runId, JSON.stringify(steps)]);
        if (overfills(count(COUNT_POINTS, [runId]), replaced, steps.length, limit)) return { outcome: "full", limit };
      }
      const next = runAfter(run, ordered);
      sql.run(insertPointsSqlite(ordered.length), [runId, ...ordered.flatMap((_, i) => [ids[i], steps[i], values[i]])]);
      sql.run(updateRun(next.revive, "$2"), [runId, now, next.finalMetrics, next.lastStep]);
      return { outcome: "stored", stored: ordered.length };
    });
  }

  const { pool } = handle;
  const { rows } = await pgQuery<RunForPoints>(pool, RUN_FOR_POINTS, [runId]);
  const run = rows[0];
  if (!run || run.userId !== userId) return { outcome: "not_found" };
  if (mayOverfill(run.lastStep, steps.length, limit)) {
    const count = async (text: string, params: unknown[]) => Number((await pool.query<{ n: string }>(text, params)).rows[0].n);
    const replaced = await count(`${COUNT_POINTS} AND "step" = ANY($2::int[])`, [runId, steps]);
    if (overfills(await count(COUNT_POINTS, [runId]), replaced, steps.length, limit)) return { outcome: "full", limit };
  }
  const next = runAfter(run, ordered);
  await pgQuery(pool, writePointsPostgres(next.revive), [runId, now, next.finalMetrics, next.lastStep, ids, steps, values]);
  return { outcome: "stored", stored: ordered.length };
}

/**
 * Ends a running run. A run that already ended keeps its first ending (a late "interrupted"
 * never overwrites "finished"); returns null when the run is not the caller's.
 */
export async function endRun(userId: string, runId: string, status: EndStatus, reason: string | null, now: Date, durationMs?: number): Promise<RunSummary | null> {
  const run = await ownRun(userId, runId);
  if (!run) return null;
  // The worker timed the run itself (performance.now()); that beats subtracting two clocks.
  const endedAt = durationMs === undefined ? now : new Date(run.startedAt.getTime() + Math.round(durationMs));
  if (run.status === "running" || wasMarkedStale(run)) {
    await prisma.experimentRun.updateMany({ where: { id: runId, status: run.status }, data: { status, statusReason: reason, endedAt } });
  }
  return toSummary(await prisma.experimentRun.findUniqueOrThrow({ where: { id: runId } }));
}

function wasMarkedStale(run: { status: string; statusReason: string | null }): boolean {
  return run.status === "interrupted" && run.statusReason === STALE_REASON;
}

/** Runs nobody has heard from in STALE_RUN_MS are marked interrupted (the page was closed). */
export async function markStaleRuns(userId: string, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - STALE_RUN_MS);
  const stale = await prisma.experimentRun.updateMany({
    where: { userId, status: "running", heartbeatAt: { lt: cutoff } },
    data: { status: "interrupted", statusReason: STALE_REASON, endedAt: now },
  });
  return stale.count;
}

export interface RunFilter {
  lessonSlug?: string;
  name?: string;
  ids?: string[];
  withPoints?: boolean;
}

export async function listRuns(userId: string, filter: RunFilter = {}): Promise<RunSummary[]> {
  await markStaleRuns(userId);
  const rows = await prisma.experimentRun.findMany({
    where: { userId, lessonSlug: filter.lessonSlug, name: filter.name, ...(filter.ids ? { id: { in: filter.ids } } : {}) },
    orderBy: { startedAt: "asc" },
    include: filter.withPoints ? { points: { select: { step: true, values: true }, orderBy: { step: "asc" } } } : undefined,
  });
  return rows.map((row) => toSummary(row, "points" in row ? (row.points as { step: number; values: string }[]) : undefined));
}

export async function getRun(userId: string, runId: string, withPoints = true): Promise<RunSummary | null> {
  const runs = await listRuns(userId, { ids: [runId], withPoints });
  return runs[0] ?? null;
}

/** Deletes the caller's run; false when it is not theirs or does not exist. */
export async function deleteRun(userId: string, runId: string): Promise<boolean> {
  const deleted = await prisma.experimentRun.deleteMany({ where: { id: runId, userId } });
  return deleted.count > 0;
}
