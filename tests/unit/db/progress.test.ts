import { describe, expect, it, vi } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "../api/test-database";

createFreshDatabase();

const progressRoute = await import("@/app/api/lessons/[slug]/progress/route");
const allProgress = await import("@/app/api/progress/route");
const { lessonParts } = await import("@/lib/lessons/lesson-parts");
const { moveAnonymousWork } = await import("@/lib/db/users");
const { saveCell } = await import("@/lib/db/cells");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const carol = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";
const dave = "dddddddd-dddd-4ddd-8ddd-dddddddddddd";
const ctx = { params: Promise.resolve({ slug: LESSON }) };
const post = (cookieId: string, body: unknown) => progressRoute.POST(jsonRequest(`/api/lessons/${LESSON}/progress`, "POST", body, learnerCookie(cookieId)), ctx);
const mine = async (cookieId: string) => (await (await allProgress.GET(new Request("http://localhost/api/progress", { headers: { cookie: learnerCookie(cookieId) } }), undefined)).json()).progress;

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

  it("keeps the union of exercise state and lesson progress when the account already has rows for them, in one transaction", async () => {
    const anon = "abababab-abab-4bab-8bab-abababababab";
    const account = "account-merge";
    await prisma.user.create({ data: { id: anon } });
    await prisma.user.create({ data: { id: account, username: "merle", email: "merle@users.gradbook.invalid" } });
    const early = new Date("2026-01-01T10:00:00Z");
    const late = new Date("2026-01-02T10:00:00Z");
    // The guest used 2 hints and viewed the solution early; the account used 1 hint and viewed it later.
    await prisma.exerciseState.create({ data: { userId: anon, lessonSlug: LESSON, exerciseId: "row-means", attempts: 3, hintsUsed: 2, solutionViewed: true, solutionViewedAt: early } });
    await prisma.exerciseState.create({ data: { userId: account, lessonSlug: LESSON, exerciseId: "row-means", attempts: 1, hintsUsed: 1, solutionViewed: true, solutionViewedAt: late } });
    // Only the guest touched this one: it moves as it is.
    await prisma.exerciseState.create({ data: { userId: anon, lessonSlug: LESSON, exerciseId: "other", hintsUsed: 1 } });
    // Only the account viewed the solution of a third: the guest's row must not clear it.
    await prisma.exerciseState.create({ data: { userId: anon, lessonSlug: LESSON, exerciseId: "third", attempts: 2 } });
    await prisma.exerciseState.create({ data: { userId: account, lessonSlug: LESSON, exerciseId: "third", solutionViewed: true, solutionViewedAt: early } });
    await prisma.lessonProgress.create({ data: { userId: anon, lessonSlug: LESSON, cellsRun: JSON.stringify(["make", "shape"]), lastCellId: "shape", openedAt: early, lastOpenedAt: late } });
    await prisma.lessonProgress.create({ data: { userId: account, lessonSlug: LESSON, cellsRun: JSON.stringify(["grad", "make"]), lastCellId: "grad", openedAt: late, lastOpenedAt: early } });

    await moveAnonymousWork(anon, account);

    const states = await prisma.exerciseState.findMany({ where: { userId: account }, orderBy: { exerciseId: "asc" } });
    expect(states.map(({ exerciseId, attempts, hintsUsed, solutionViewed, solutionViewedAt }) => ({ exerciseId, attempts, hintsUsed, solutionViewed, solutionViewedAt }))).toEqual([
      { exerciseId: "other", attempts: 0, hintsUsed: 1, solutionViewed: false, solutionViewedAt: null },
      // attempts add up: each identity's submissions all belong to the account now
      { exerciseId: "row-means", attempts: 4, hintsUsed: 2, solutionViewed: true, solutionViewedAt: early },
      { exerciseId: "third", attempts: 2, hintsUsed: 0, solutionViewed: true, solutionViewedAt: early },
    ]);
    const progress = await prisma.lessonProgress.findMany({ where: { userId: account } });
    expect(progress).toHaveLength(1);
    expect(progress[0]).toMatchObject({ cellsRun: JSON.stringify(["grad", "make", "shape"]), lastCellId: "shape", openedAt: early, lastOpenedAt: late, completedAt: null });
    expect(await prisma.exerciseState.count({ where: { userId: anon } })).toBe(0);
    expect(await prisma.user.findUnique({ where: { id: anon } })).toBeNull();
  });

  it("changes nothing when the merge fails part way (one transaction)", async () => {
    const anon = "cdcdcdcd-cdcd-4dcd-8dcd-cdcdcdcdcdcd";
    await prisma.user.create({ data: { id: anon } });
    await prisma.exerciseState.create({ data: { userId: anon, lessonSlug: LESSON, exerciseId: "row-means", attempts: 1, hintsUsed: 1 } });
    await prisma.exerciseState.create({ data: { userId: "account-1", lessonSlug: LESSON, exerciseId: "row-means", attempts: 1, hintsUsed: 0 } });
    // The merge's own transaction, made to fail after every write of the merge went through `tx`.
    const spy = vi.spyOn(prisma, "$transaction").mockImplementationOnce(((fn: (tx: unknown) => Promise<unknown>) =>
      prisma.$transaction(async (tx) => {
        await fn(tx);
        throw new Error("crash after the merge wrote");
      })) as never);
    await expect(moveAnonymousWork(anon, "account-1")).rejects.toThrow(/crash/);
    spy.mockRestore();
    expect(await prisma.exerciseState.findFirst({ where: { userId: "account-1", exerciseId: "row-means" } })).toMatchObject({ attempts: 1, hintsUsed: 0 });
    expect(await prisma.exerciseState.count({ where: { userId: anon } })).toBe(1);
    expect(await prisma.user.findUnique({ where: { id: anon } })).not.toBeNull();
  });

  it("never merges another account's row", async () => {
    await prisma.user.create({ data: { id: "account-2", username: "frank", email: "frank@users.gradbook.invalid" } });
    await saveCell("account-2", LESSON, "make", "frank's", 1);
    expect(await moveAnonymousWork("account-2", "account-1")).toMatchObject({ cells: 0, runs: 0 });
    expect(await prisma.cellState.count({ where: { userId: "account-2" } })).toBe(1);
  });
});
