import { beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase } from "../api/test-database";

createFreshDatabase();
process.env.GRADER_CHECK_MS = "1500";
process.env.GRADER_SETUP_MS = "1500";

const submit = (await import("@/app/api/exercises/[slug]/[exerciseId]/submit/route")).POST;
const hint = (await import("@/app/api/exercises/[slug]/[exerciseId]/hint/route")).POST;
const solution = (await import("@/app/api/exercises/[slug]/[exerciseId]/solution/route")).POST;
const progressOf = (await import("@/app/api/exercises/[slug]/route")).GET;
const { prisma } = await import("@/lib/db/client");
const { findExercise } = await import("@/lib/lessons/exercises");

const LESSON = "first-look-at-tensors";
const EXERCISE = "row-means";
const learnerA = "aaaaaaaa-1111-4111-8111-111111111111";
const learnerB = "bbbbbbbb-2222-4222-8222-222222222222";
const cookieOf = (id: string) => `gb_learner=${id}`;
const params = (slug = LESSON, exerciseId = EXERCISE) => ({ params: Promise.resolve({ slug, exerciseId }) });
const url = (action: string) => `/api/exercises/${LESSON}/${EXERCISE}/${action}`;

const CORRECT = "function row_means(t: Tensor): Tensor {\n  return t.sum(1).div(t.shape[1]);\n}";
const WRONG = "function row_means(t: Tensor): Tensor {\n  return t.sum(1);\n}";

const { exercise } = findExercise(LESSON, EXERCISE)!;

describe("POST /api/exercises/:slug/:exerciseId/submit", () => {
  beforeAll(async () => {
    await prisma.submission.deleteMany();
    await prisma.exerciseState.deleteMany();
  });

  it("grades a correct answer on the server, hidden checks included, and records it", async () => {
    const response = await submit(jsonRequest(url("submit"), "POST", { code: CORRECT }, cookieOf(learnerA)), params());
    expect(response.status).toBe(200);
    const { result, progress } = await response.json();
    expect(result).toMatchObject({ status: "graded", passed: true, score: 1, maxScore: 1 });
    expect(result.checks.filter((c: { hidden: boolean }) => c.hidden)).toHaveLength(2);
    expect(progress).toMatchObject({ attempts: 1, failedAttempts: 0, bestScore: 1, passed: true });
    const row = await prisma.submission.findFirstOrThrow({ where: { userId: learnerA } });
    expect(row).toMatchObject({ passed: true, score: 1, status: "graded", code: CORRECT });
  });

  it("fails a wrong answer with a message that says what differed", async () => {
    const response = await submit(jsonRequest(url("submit"), "POST", { code: WRONG }, cookieOf(learnerB)), params());
    const { result } = await response.json();
    expect(result.passed).toBe(false);
    const first = result.checks[0];
    expect(first).toMatchObject({ name: "averages each row of x", status: "failed" });
    expect(first.message).toMatch(/differ at index \[0\]: expected 2 but got 6/);
  });

  it("ignores nothing it should not trust: a forged 'passed' or score is refused and writes nothing", async () => {
    const before = await prisma.submission.count();
    for (const forged of [
      { code: WRONG, passed: true },
      { code: WRONG, score: 1, maxScore: 1 },
      { code: WRONG, results: [{ name: "averages each row of x", status: "passed" }] },
    ]) {
      const response = await submit(jsonRequest(url("submit"), "POST", forged, cookieOf(learnerB)), params());
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/Unrecognized key/i);
    }
    expect(await prisma.submission.count()).toBe(before);
    const rows = await prisma.submission.findMany({ where: { userId: learnerB } });
    expect(rows.every((row) => !row.passed)).toBe(true);
  });

  it("never returns a hidden check's code", async () => {
    const response = await submit(jsonRequest(url("submit"), "POST", { code: WRONG }, cookieOf(learnerB)), params());
    const text = await response.text();
    for (const check of exercise.checks.filter((c) => c.hidden)) {
      for (const line of check.code.split("\n").filter((l) => l.trim().length > 12)) expect(text).not.toContain(line.trim());
    }
  });

  it("fails an infinite loop with 'time limit exceeded' and records it", async () => {
    const response = await submit(jsonRequest(url("submit"), "POST", { code: "function row_means(t) { while (true) {} }" }, cookieOf(learnerB)), params());
    const { result } = await response.json();
    expect(result.status).toBe("time_limit");
    expect(result.checks.every((c: { status: string; message: string }) => c.status === "time_limit" && /time limit exceeded/.test(c.message))).toBe(true);
    expect(await prisma.submission.count({ where: { userId: learnerB, status: "time_limit" } })).toBe(1);
  });

  it.each([
    ["a body that is not JSON", "{code:", 400, /valid JSON/],
    ["a missing code field", {}, 400, /code/],
    ["code over the size limit", { code: "x".repeat(100_001) }, 400, /at most 100000/],
  ])("answers %s with %s and a message", async (_label, body, status, message) => {
    const response = await submit(jsonRequest(url("submit"), "POST", body, cookieOf(learnerA)), params());
    expect(response.status).toBe(status);
    expect((await response.json()).error).toMatch(message);
  });

  it("answers 404 for an unknown exercise or lesson, 400 for a malformed id, 401 without identity", async () => {
    expect((await submit(jsonRequest(url("submit"), "POST", { code: CORRECT }, cookieOf(learnerA)), params(LESSON, "nope"))).status).toBe(404);
    expect((await submit(jsonRequest(url("submit"), "POST", { code: CORRECT }, cookieOf(learnerA)), params("no-such-lesson"))).status).toBe(404);
    expect((await submit(jsonRequest(url("submit"), "POST", { code: CORRECT }, cookieOf(learnerA)), params(LESSON, "Bad Id"))).status).toBe(400);
    expect((await submit(jsonRequest(url("submit"), "POST", { code: CORRECT }), params())).status).toBe(401);
  });
});

describe("hints and the solution", () => {
  const learner = "cccccccc-3333-4333-8333-333333333333";

  it("records hints one at a time, in order", async () => {
    expect((await hint(jsonRequest(url("hint"), "POST", { hint: 2 }, cookieOf(learner)), params())).status).toBe(409);
    const first = await hint(jsonRequest(url("hint"), "POST", { hint: 1 }, cookieOf(learner)), params());
    expect((await first.json()).progress.hintsUsed).toBe(1);
    const second = await hint(jsonRequest(url("hint"), "POST", { hint: 2 }, cookieOf(learner)), params());
    expect((await second.json()).progress.hintsUsed).toBe(2);
    expect((await hint(jsonRequest(url("hint"), "POST", { hint: 3 }, cookieOf(learner)), params())).status).toBe(400);
  });

  it("keeps the solution closed before the failed attempts unless asked early, and records the view", async () => {
    const refused = await solution(jsonRequest(url("solution"), "POST", {}, cookieOf(learner)), params());
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatch(/after 2 failed attempts \(you have 0\)/);
    const state = await prisma.exerciseState.findUnique({ where: { userId_lessonSlug_exerciseId: { userId: learner, lessonSlug: LESSON, exerciseId: EXERCISE } } });
    expect(state?.solutionViewed ?? false).toBe(false);

    const early = await solution(jsonRequest(url("solution"), "POST", { early: true }, cookieOf(learner)), params());
    expect(early.status).toBe(200);
    const body = await early.json();
    expect(body.solution).toBe(exercise.solution);
    expect(body.progress.solutionViewed).toBe(true);
  });

  it("opens the solution without asking after enough failed attempts", async () => {
    const learnerC = "dddddddd-4444-4444-8444-444444444444";
    for (let i = 0; i < 2; i++) await submit(jsonRequest(url("submit"), "POST", { code: WRONG }, cookieOf(learnerC)), params());
    const response = await solution(jsonRequest(url("solution"), "POST", {}, cookieOf(learnerC)), params());
    expect(response.status).toBe(200);
  });

  it("lists the caller's progress for the lesson", async () => {
    const response = await progressOf(jsonRequest(`/api/exercises/${LESSON}`, "GET", undefined as never, cookieOf(learner)), { params: Promise.resolve({ slug: LESSON }) });
    const { exercises } = await response.json();
    expect(exercises[EXERCISE]).toMatchObject({ hintsUsed: 2, solutionViewed: true, attempts: 0 });
  });
});

describe("one submission at a time per learner", () => {
  it("answers 429 to a second submission while the first is graded, and records only the first", async () => {
    const learner = "ffffffff-6666-4666-8666-666666666666";
    const slow = "function row_means(t) { const end = Date.now() + 300; while (Date.now() < end) {} return t.mean(1); }";
    const [first, second] = await Promise.all([
      submit(jsonRequest(url("submit"), "POST", { code: slow }, cookieOf(learner)), params()),
      new Promise<Response>((resolve) => setTimeout(() => resolve(submit(jsonRequest(url("submit"), "POST", { code: CORRECT }, cookieOf(learner)), params())), 100)),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect((await second.json()).error).toMatch(/still being graded/);
    expect(await prisma.submission.count({ where: { userId: learner } })).toBe(1);
  });
});
