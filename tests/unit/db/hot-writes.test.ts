// The two writes that bypass Prisma (lib/db/direct.ts: saveCell, addPoints) store what Prisma
// reads back as Prisma would have stored it, on SQLite and, through
// `node scripts/db/test-on-postgres.mjs tests/unit/db/hot-writes.test.ts`, on PostgreSQL.
import { describe, expect, it } from "vitest";
import { createFreshDatabase } from "../api/test-database";

createFreshDatabase();

const { prisma } = await import("@/lib/db/client");
const { saveCell, savedCells } = await import("@/lib/db/cells");
const { addPoints, createRun, getRun, markStaleRuns, STALE_RUN_MS } = await import("@/lib/db/experiments");

const LESSON = "first-look-at-tensors";
const CUID = /^c[0-9a-z]{24}$/;

async function learner(): Promise<string> {
  return (await prisma.user.create({ data: { id: crypto.randomUUID() } })).id;
}

async function run(userId: string, name = "hot"): Promise<string> {
  const id = crypto.randomUUID();
  const created = await createRun(userId, { id, lessonSlug: LESSON, cellId: "make", name, params: {}, seed: 1, codeHash: null, engineVersion: null, startedAt: new Date() });
  expect(created.outcome).toBe("created");
  return id;
}

/** Within a few seconds of now: a timestamp stored in the wrong format or time zone reads back hours off or fails to read. */
function expectRecent(date: Date, since: number) {
  expect(date).toBeInstanceOf(Date);
  expect(date.getTime()).toBeGreaterThanOrEqual(since - 1000);
  expect(date.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
}

describe("saveCell through the driver", () => {
  it("creates the row with a cuid and an updatedAt Prisma reads back, then updates only for a newer version", async () => {
    const userId = await learner();
    const since = Date.now();
    expect(await saveCell(userId, LESSON, "make", "a = 1", 100)).toEqual({ outcome: "saved", cell: { cellId: "make", code: "a = 1", version: 100 } });
    const created = await prisma.cellState.findUniqueOrThrow({ where: { userId_lessonSlug_cellId: { userId, lessonSlug: LESSON, cellId: "make" } } });
    expect(created).toMatchObject({ code: "a = 1", version: 100n, executionCount: 0, lastStatus: null, kind: null, deleted: false, position: 0 });
    expect(created.id).toMatch(CUID);
    expectRecent(created.updatedAt, since);

    // Epoch milliseconds: past 32 bits, exactly as sent.
    const version = 1_764_000_000_123;
    expect((await saveCell(userId, LESSON, "make", "a = 2 // ünïcödé 🎉", version)).outcome).toBe("saved");
    expect(await saveCell(userId, LESSON, "make", "a = 2 // ünïcödé 🎉", version)).toEqual({ outcome: "saved", cell: { cellId: "make", code: "a = 2 // ünïcödé 🎉", version } });
    expect(await saveCell(userId, LESSON, "make", "older", version - 1)).toEqual({ outcome: "stale", cell: { cellId: "make", code: "a = 2 // ünïcödé 🎉", version } });
    expect(await saveCell(userId, LESSON, "make", "same version, other code", version)).toMatchObject({ outcome: "stale" });
    const [cell] = await savedCells(userId, LESSON);
    expect(cell).toMatchObject({ cellId: "make", code: "a = 2 // ünïcödé 🎉", version });
    expect(cell.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
  });

  it("many first saves of one cell at once: one row, the newest version stored, every answer saved or stale", async () => {
    const userId = await learner();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => saveCell(userId, LESSON, "shape", `v${i}`, 10 + i)));
    expect(answers.every((a) => a.outcome === "saved" || a.outcome === "stale")).toBe(true);
    const rows = await prisma.cellState.findMany({ where: { userId, lessonSlug: LESSON, cellId: "shape" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ code: "v11", version: 21n });
  });

  it("fails without storing anything for a learner with no user row (the row's foreign key)", async () => {
    await expect(saveCell("no-such-user", LESSON, "make", "x", 1)).rejects.toThrow();
    expect(await prisma.cellState.count({ where: { userId: "no-such-user" } })).toBe(0);
  });

  it("is not swept into a Prisma transaction open at the same time, nor rolled back with it", async () => {
    const userId = await learner();
    let save: Promise<unknown> | undefined;
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.user.create({ data: { id: `rolled-back-${userId}` } });
        save = saveCell(userId, LESSON, "grad", "kept", 5);
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await save).toMatchObject({ outcome: "saved" });
    expect(await prisma.user.count({ where: { id: `rolled-back-${userId}` } })).toBe(0);
    expect((await prisma.cellState.findUniqueOrThrow({ where: { userId_lessonSlug_cellId: { userId, lessonSlug: LESSON, cellId: "grad" } } })).code).toBe("kept");
  });
});

describe("addPoints through the driver", () => {
  it("stores a batch in one insert with cuids, moves the heartbeat, final metrics and last step; a retry replaces the same steps", async () => {
    const userId = await learner();
    const id = await run(userId);
    const before = await prisma.experimentRun.findUniqueOrThrow({ where: { id } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const since = Date.now();
    const batch = [2, 0, 1, 1].map((step) => ({ step, values: { loss: 1 / (step + 1), "accuracy ✓": step / 4 } }));
    expect(await addPoints(userId, id, batch)).toEqual({ outcome: "stored", stored: 3 });
    const points = await prisma.metricPoint.findMany({ where: { runId: id }, orderBy: { step: "asc" } });
    expect(points.map((p) => [p.step, JSON.parse(p.values)])).toEqual([0, 1, 2].map((step) => [step, { loss: 1 / (step + 1), "accuracy ✓": step / 4 }]));
    for (const point of points) expect(point.id).toMatch(CUID);
    const after = await prisma.experimentRun.findUniqueOrThrow({ where: { id } });
    expect(after.lastStep).toBe(2);
    expect(JSON.parse(after.finalMetrics)).toEqual({ loss: 1 / 3, "accuracy ✓": 0.5 });
    expectRecent(after.heartbeatAt, since);
    expect(after.heartbeatAt.getTime()).toBeGreaterThan(before.heartbeatAt.getTime());
    expect(after.startedAt).toEqual(before.startedAt);

    // The same steps again with other values: replaced (same rows), nothing added.
    expect(await addPoints(userId, id, [{ step: 1, values: { loss: 9 } }])).toEqual({ outcome: "stored", stored: 1 });
    const replaced = await prisma.metricPoint.findMany({ where: { runId: id }, orderBy: { step: "asc" } });
    expect(replaced).toHaveLength(3);
    expect(replaced[1]).toMatchObject({ id: points[1].id, values: JSON.stringify({ loss: 9 }) });
    // An older step does not move the final values back.
    expect(JSON.parse((await prisma.experimentRun.findUniqueOrThrow({ where: { id } })).finalMetrics)).toEqual({ loss: 1 / 3, "accuracy ✓": 0.5 });
  });

  it("answers not_found for another learner's run or none, storing nothing", async () => {
    const owner = await learner();
    const id = await run(owner);
    expect(await addPoints(await learner(), id, [{ step: 0, values: { loss: 1 } }])).toEqual({ outcome: "not_found" });
    expect(await addPoints(owner, "no-such-run", [{ step: 0, values: { loss: 1 } }])).toEqual({ outcome: "not_found" });
    expect(await prisma.metricPoint.count({ where: { runId: id } })).toBe(0);
  });

  it("revives a run marked stale, clearing its ending, as the Prisma path did", async () => {
    const userId = await learner();
    const id = await run(userId, "stale");
    expect(await markStaleRuns(userId, new Date(Date.now() + STALE_RUN_MS + 1000))).toBe(1);
    expect(await getRun(userId, id, false)).toMatchObject({ status: "interrupted", endedAt: expect.any(String) });
    await addPoints(userId, id, [{ step: 0, values: { loss: 1 } }]);
    expect(await getRun(userId, id, false)).toMatchObject({ status: "running", statusReason: null, endedAt: null, finalMetrics: { loss: 1 } });
  });

  it("refuses a batch that would pass the per-run limit, counting replaced steps once", async () => {
    const previous = process.env.EXPERIMENT_MAX_POINTS_PER_RUN;
    process.env.EXPERIMENT_MAX_POINTS_PER_RUN = "4";
    try {
      const userId = await learner();
      const id = await run(userId);
      expect(await addPoints(userId, id, [0, 1, 2].map((step) => ({ step, values: { a: step } })))).toMatchObject({ outcome: "stored" });
      expect(await addPoints(userId, id, [3, 4].map((step) => ({ step, values: { a: step } })))).toEqual({ outcome: "full", limit: 4 });
      expect(await addPoints(userId, id, [2, 3].map((step) => ({ step, values: { a: -step } })))).toEqual({ outcome: "stored", stored: 2 });
      expect(await prisma.metricPoint.count({ where: { runId: id } })).toBe(4);
    } finally {
      if (previous === undefined) delete process.env.EXPERIMENT_MAX_POINTS_PER_RUN;
      else process.env.EXPERIMENT_MAX_POINTS_PER_RUN = previous;
    }
  });
});
