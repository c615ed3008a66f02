import { describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase } from "../api/test-database";

createFreshDatabase();

const progressRoute = await import("@/app/api/lessons/[slug]/progress/route");
const allProgress = await import("@/app/api/progress/route");
const { lessonParts } = await import("@/lib/api/learner-lesson-parts");
const { moveAnonymousWork } = await import("@/lib/db/users");
const { saveCell } = await import("@/lib/db/cells");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const carol = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
const dave = "dddddddd-dddd-4ddd-8ddd-dddddddddddd";
const ctx = { params: Promise.resolve({ slug: LESSON }) };
const post = (cookieId: string, body: unknown) => progressRoute.POST(jsonRequest(`/api/lessons/${LESSON}/progress`, "POST", body, `gb_learner=${cookieId}`), ctx);
const mine = async (cookieId: string) => (await (await allProgress.GET(new Request("http://localhost/api/progress", { headers: { cookie: `gb_learner=${cookieId}` } }), undefined)).json()).progress;

describe("lesson progress", () => {
  const { cellIds, exerciseIds } = lessonParts(LESSON);

  it("reads the lesson's cells and exercises from its MDX", () => {
    expect(cellIds.length).toBeGreaterThan(1);
    expect(exerciseIds).toContain("row-means");
  });

  it("records opened and cells run (errors do not count), per learner, and completes with every cell run and exercise passed", async () => {
    expect((await post(carol, { event: "opened" })).status).toBe(200);
    await post(carol, { event: "executed", cellId: cellIds[0], status: "ok", executionCount: 1 });
    await post(carol, { event: "executed", cellId: cellIds[1], status: "error", executionCount: 2 });
    let [progress] = await mine(carol);
    expect(progress).toMatchObject({ lessonSlug: LESSON, cellsRun: [cellIds[0]], lastCellId: cellIds[1], completedAt: null });
    expect(await mine(dave)).toEqual([]);

    for (const [i, id] of cellIds.entries()) await post(carol, { event: "executed", cellId: id, status: "ok", executionCount: 10 + i });
    [progress] = await mine(carol);
    expect(progress.cellsRun).toHaveLength(cellIds.length);
    expect(progress.completedAt).toBeNull(); // the exercise is not passed yet

    for (const exerciseId of exerciseIds) {
      await prisma.submission.create({ data: { userId: carol, lessonSlug: LESSON, exerciseId, code: "", score: 1, maxScore: 1, passed: true, status: "graded", results: "[]" } });
    }
    await post(carol, { event: "executed", cellId: cellIds[0], status: "ok", executionCount: 99 });
    [progress] = await mine(carol);
    expect(progress.exercisesPassed).toEqual([...exerciseIds].sort());
    expect(progress.completedAt).not.toBeNull();
  });

  it.each([
    ["an unknown event", { event: "finished" }],
    ["an unknown cell", { event: "executed", cellId: "no-such-cell", status: "ok", executionCount: 1 }],
    ["a bad status", { event: "executed", cellId: "make", status: "maybe", executionCount: 1 }],
    ["a negative count", { event: "executed", cellId: "make", status: "ok", executionCount: -1 }],
  ])("answers 400 to %s and writes nothing", async (_label, body) => {
    const before = await prisma.lessonProgress.count();
    const response = await post(dave, body);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/Invalid request body/);
    expect(await prisma.lessonProgress.count()).toBe(before);
  });
});

describe("moving anonymous work onto an account", () => {
  it("moves everything into an empty account and keeps the newer cell when both have one", async () => {
    const anon = "eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee";
    await prisma.user.create({ data: { id: anon } });
    await prisma.user.create({ data: { id: "account-1", username: "erin", email: "erin@users.gradbook.invalid" } });
    await saveCell(anon, LESSON, "make", "anonymous newer", 300);
    await saveCell(anon, LESSON, "grad", "anonymous older", 100);
    await saveCell("account-1", LESSON, "grad", "account newer", 200);
    await prisma.experimentRun.create({ data: { userId: anon, lessonSlug: LESSON, name: "r" } });
    const moved = await moveAnonymousWork(anon, "account-1");
    expect(moved).toMatchObject({ cells: 1, runs: 1 });
    const cells = await prisma.cellState.findMany({ where: { userId: "account-1" }, orderBy: { cellId: "asc" } });
    expect(cells.map((c) => [c.cellId, c.code])).toEqual([
      ["grad", "account newer"],
      ["make", "anonymous newer"],
    ]);
    expect(await prisma.user.findUnique({ where: { id: anon } })).toBeNull();
  });

  it("never merges another account's row", async () => {
    await prisma.user.create({ data: { id: "account-2", username: "frank", email: "frank@users.gradbook.invalid" } });
    await saveCell("account-2", LESSON, "make", "frank's", 1);
    expect(await moveAnonymousWork("account-2", "account-1")).toMatchObject({ cells: 0, runs: 0 });
    expect(await prisma.cellState.count({ where: { userId: "account-2" } })).toBe(1);
  });
});
