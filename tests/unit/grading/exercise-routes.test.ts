import { beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "../api/test-database";

createFreshDatabase();
process.env.GRADER_CHECK_MS = "1500";
process.env.GRADER_SETUP_MS = "1500";
// One grading slot, one waiting job, two per address: small enough that the limits below are
// reached with a handful of requests.
process.env.GRADER_CONCURRENCY = "1";
process.env.GRADER_MAX_WAITING = "1";
process.env.GRADER_MAX_PER_CLIENT = "2";

const { POST: submit, GET: poll } = await import("@/app/api/exercises/[slug]/[exerciseId]/submit/route");
const hint = (await import("@/app/api/exercises/[slug]/[exerciseId]/hint/route")).POST;
const solution = (await import("@/app/api/exercises/[slug]/[exerciseId]/solution/route")).POST;
const progressOf = (await import("@/app/api/exercises/[slug]/route")).GET;
const { prisma } = await import("@/lib/db/client");
const { findExercise } = await import("@/lib/lessons/exercises");

const LESSON = "first-look-at-tensors";
const EXERCISE = "row-means";
const learnerA = "aaaaaaaa-1111-4111-8111-111111111111";
const learnerB = "bbbbbbbb-2222-4222-8222-222222222222";
const cookieOf = learnerCookie;
const params = (slug = LESSON, exerciseId = EXERCISE) => ({ params: Promise.resolve({ slug, exerciseId }) });
const url = (action: string) => `/api/exercises/${LESSON}/${EXERCISE}/${action}`;

const CORRECT = "function row_means(t: Tensor): Tensor {\n  return t.sum(1).div(t.shape[1]);\n}";
const WRONG = "function row_means(t: Tensor): Tensor {\n  return t.sum(1);\n}";

const { exercise } = findExercise(LESSON, EXERCISE)!;
/** Slow but finite: each call of row_means busy-waits 300 ms, so grading takes a few seconds. */
const SLOW = "function row_means(t) { const end = Date.now() + 300; while (Date.now() < end) {} return t.mean(1); }";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** POST …/submit as `learner`, from `address` when given (x-forwarded-for, as next start sets it). */
function submitAs(learner: string, code: string, address?: string): Promise<Response> {
  const request = jsonRequest(url("submit"), "POST", { code }, cookieOf(learner));
  if (address) request.headers.set("x-forwarded-for", address);
  return submit(request, params());
}

function pollAs(learner: string | null, submission: string, where = params()): Promise<Response> {
  return poll(new Request(`http://localhost${url("submit")}?submission=${encodeURIComponent(submission)}`, { headers: learner ? { cookie: cookieOf(learner) } : {} }), where);
}

/** Polls until the submission is graded (or failed); answers the last poll's body. */
async function gradedBody(learner: string, submission: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await pollAs(learner, submission);
    expect(response.status).toBe(200);
    const body = await response.json();
    if (body.submission.status === "done" || body.submission.status === "failed") return body;
    if (Date.now() > deadline) throw new Error(`submission ${submission} still ${body.submission.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Submits and answers { result, progress } whether the grade came at once (200) or by polling (202). */
async function submitAndWait(learner: string, code: string, address?: string) {
  const response = await submitAs(learner, code, address);
  const body = await response.json();
  if (response.status === 200) return body;
  expect(response.status).toBe(202);
  return gradedBody(learner, body.submission.id);
}

/** Runs `work` with GRADER_SUBMIT_WAIT_MS set to `ms`. */
async function withSubmitWait<T>(ms: number, work: () => Promise<T>): Promise<T> {
  process.env.GRADER_SUBMIT_WAIT_MS = String(ms);
  try {
    return await work();
  } finally {
    delete process.env.GRADER_SUBMIT_WAIT_MS;
  }
}

describe("POST /api/exercises/:slug/:exerciseId/submit", () => {
  beforeAll(async () => {
    await prisma.submission.deleteMany();
    await prisma.exerciseState.deleteMany();
  });

  it("grades a correct answer on the server, hidden checks included, and records it (200 when it is done in time)", async () => {
    const response = await withSubmitWait(30_000, () => submitAs(learnerA, CORRECT));
    expect(response.status).toBe(200);
    const { result, progress, submission } = await response.json();
    expect(submission.id).toMatch(UUID);
    expect(result).toMatchObject({ status: "graded", passed: true, score: 1, maxScore: 1 });
    expect(result.checks.filter((c: { hidden: boolean }) => c.hidden)).toHaveLength(2);
    expect(progress).toMatchObject({ attempts: 1, failedAttempts: 0, bestScore: 1, passed: true });
    const row = await prisma.submission.findFirstOrThrow({ where: { userId: learnerA } });
    expect(row).toMatchObject({ passed: true, score: 1, status: "graded", code: CORRECT });
  });

  it("fails a wrong answer with a message that says what differed", async () => {
    const { result } = await submitAndWait(learnerB, WRONG);
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
    const response = await withSubmitWait(30_000, () => submitAs(learnerB, WRONG));
    const text = await response.text();
    for (const check of exercise.checks.filter((c) => c.hidden)) {
      for (const line of check.code.split("\n").filter((l) => l.trim().length > 12)) expect(text).not.toContain(line.trim());
    }
  });

  it("fails an infinite loop with 'time limit exceeded' and records it", async () => {
    const { result } = await submitAndWait(learnerB, "function row_means(t) { while (true) {} }");
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
    for (let i = 0; i < 2; i++) await submitAndWait(learnerC, WRONG);
    const response = await solution(jsonRequest(url("solution"), "POST", {}, cookieOf(learnerC)), params());
    expect(response.status).toBe(200);
  });

  it("lists the caller's progress for the lesson", async () => {
    const response = await progressOf(jsonRequest(`/api/exercises/${LESSON}`, "GET", undefined as never, cookieOf(learner)), { params: Promise.resolve({ slug: LESSON }) });
    const { exercises } = await response.json();
    expect(exercises[EXERCISE]).toMatchObject({ hintsUsed: 2, solutionViewed: true, attempts: 0 });
  });
});

describe("the grading queue behind Submit", () => {
  it("answers 202 with the queued submission when grading takes longer than the wait, then the grade by polling", async () => {
    const learner = "abababab-7777-4777-8777-777777777777";
    const response = await withSubmitWait(1, () => submitAs(learner, SLOW));
    expect(response.status).toBe(202);
    const { submission } = await response.json();
    expect(submission).toMatchObject({ id: expect.stringMatching(UUID), status: expect.stringMatching(/^(queued|running)$/) });
    expect(Date.parse(submission.queuedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(submission.elapsedMs).toBeGreaterThanOrEqual(0);

    const early = await (await pollAs(learner, submission.id)).json();
    expect(early).toEqual({ submission: { id: submission.id, status: expect.stringMatching(/^(queued|running)$/), position: early.submission.position, elapsedMs: expect.any(Number) } });
    const body = await gradedBody(learner, submission.id);
    expect(body.submission).toMatchObject({ id: submission.id, status: "done", position: null });
    expect(body.result).toMatchObject({ status: "graded", passed: true, score: 1 });
    expect(body.progress).toMatchObject({ attempts: 1, bestScore: 1, passed: true });
  });

  it("records the grade when grading finishes, even if nobody polls", async () => {
    const learner = "acacacac-7777-4777-8777-777777777777";
    const response = await withSubmitWait(1, () => submitAs(learner, SLOW));
    expect(response.status).toBe(202);
    const deadline = Date.now() + 60_000;
    while ((await prisma.submission.count({ where: { userId: learner } })) === 0) {
      if (Date.now() > deadline) throw new Error("the grade was never recorded");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await prisma.submission.findFirstOrThrow({ where: { userId: learner } })).toMatchObject({ passed: true, status: "graded", code: SLOW });
  });

  it("shows a submission to its learner only: 404 for another learner's id, an unknown id or another exercise; 400 for a malformed id; 401 without identity", async () => {
    const owner = "adadadad-7777-4777-8777-777777777777";
    const other = "aeaeaeae-7777-4777-8777-777777777777";
    const { submission } = await (await withSubmitWait(1, () => submitAs(owner, SLOW))).json();
    const stranger = await pollAs(other, submission.id);
    const unknown = await pollAs(other, "0b7e6d7c-1a2b-4c3d-8e4f-5a6b7c8d9e0f");
    expect(stranger.status).toBe(404);
    expect(unknown.status).toBe(404);
    // The same answer either way: nothing tells whether another learner's job exists.
    expect(await stranger.json()).toEqual(await unknown.json());
    expect((await pollAs(owner, submission.id, params(LESSON, "some-other-exercise"))).status).toBe(404);
    for (const malformed of ["nope", "", "0b7e6d7c-1a2b-4c3d-8e4f-5a6b7c8d9e0f' or 1=1"]) {
      const response = await pollAs(owner, malformed);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/submission: must be a submission id/);
    }
    expect((await pollAs(null, submission.id)).status).toBe(401);
    await gradedBody(owner, submission.id);
  });

  it("answers 429 to a second submission of a learner while the first is queued or running, and records only the first", async () => {
    const learner = "ffffffff-6666-4666-8666-666666666666";
    const first = await withSubmitWait(1, () => submitAs(learner, SLOW));
    expect(first.status).toBe(202);
    const second = await submitAs(learner, CORRECT);
    expect(second.status).toBe(429);
    expect((await second.json()).error).toMatch(/previous submission is still being graded/);
    await gradedBody(learner, (await first.json()).submission.id);
    expect(await prisma.submission.count({ where: { userId: learner } })).toBe(1);
  });

  it("limits submissions per address (429) and in all (503 with Retry-After), and records none of the refused", async () => {
    const [l1, l2, l3, l4] = [1, 2, 3, 4].map((n) => `0000000${n}-8888-4888-8888-888888888888`);
    const one = await withSubmitWait(1, () => submitAs(l1, SLOW, "203.0.113.7"));
    const two = await withSubmitWait(1, () => submitAs(l2, SLOW, "203.0.113.7"));
    expect([one.status, two.status]).toEqual([202, 202]);
    // The first runs in the only slot, the second waits next in line.
    const second = (await two.json()).submission;
    expect(second).toMatchObject({ status: "queued", position: 1 });

    const sameAddress = await submitAs(l3, CORRECT, "203.0.113.7");
    expect(sameAddress.status).toBe(429);
    expect((await sameAddress.json()).error).toMatch(/network address already has 2 submissions being graded/);

    const full = await submitAs(l4, CORRECT, "198.51.100.1");
    expect(full.status).toBe(503);
    expect(Number(full.headers.get("Retry-After"))).toBeGreaterThanOrEqual(5);
    expect((await full.json()).error).toMatch(/grader is very busy/);

    await gradedBody(l1, (await one.json()).submission.id);
    await gradedBody(l2, second.id);
    expect(await prisma.submission.count({ where: { userId: { in: [l3, l4] } } })).toBe(0);
    // Room again: the refused learner is graded now.
    expect((await submitAndWait(l4, CORRECT, "198.51.100.1")).result.passed).toBe(true);
  });
});
