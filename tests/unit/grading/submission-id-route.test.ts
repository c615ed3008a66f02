import { describe, expect, it } from "vitest";
import { createFreshDatabase, jsonRequest, learnerCookie } from "../api/test-database";

/**
 * Submit with the page's own submission id (submissionId, a UUID chosen before the POST leaves):
 * the page keeps it from the click, so a reload while the POST is on its way, or before its answer
 * was read, sends the same submission again. The route must answer the one it has, never grade
 * twice, refuse a malformed id, and not let another learner near someone else's.
 */
createFreshDatabase();
process.env.GRADER_CHECK_MS = "1500";
process.env.GRADER_SETUP_MS = "1500";
process.env.GRADER_CONCURRENCY = "1";

const { POST: submit, GET: poll } = await import("@/app/api/exercises/[slug]/[exerciseId]/submit/route");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const EXERCISE = "row-means";
const learnerA = "aaaaaaaa-3333-4333-8333-333333333333";
const learnerB = "bbbbbbbb-4444-4444-8444-444444444444";
const CORRECT = "function row_means(t: Tensor): Tensor {\n  return t.sum(1).div(t.shape[1]);\n}";
const params = () => ({ params: Promise.resolve({ slug: LESSON, exerciseId: EXERCISE }) });
const submitUrl = `/api/exercises/${LESSON}/${EXERCISE}/submit`;

function submitAs(learner: string, body: Record<string, unknown>): Promise<Response> {
  return submit(jsonRequest(submitUrl, "POST", body, learnerCookie(learner)), params());
}

function pollAs(learner: string, id: string): Promise<Response> {
  return poll(new Request(`http://localhost${submitUrl}?submission=${encodeURIComponent(id)}`, { headers: { cookie: learnerCookie(learner) } }), params());
}

/** The submission's grade, however the route answers: at once (200) or after polling (202). */
async function gradeOf(learner: string, response: Response): Promise<{ submission: { id: string }; result: { score: number }; progress: { attempts: number } }> {
  let body = await response.json();
  expect([200, 202], JSON.stringify(body)).toContain(response.status);
  const deadline = Date.now() + 60_000;
  while (response.status === 202 && body.submission.status !== "done") {
    if (Date.now() > deadline) throw new Error(`still ${body.submission.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const polled = await pollAs(learner, body.submission.id);
    expect(polled.status).toBe(200);
    body = await polled.json();
  }
  return body;
}

const counts = async () => ({ jobs: await prisma.gradingJob.count(), submissions: await prisma.submission.count() });

describe("POST …/submit with the page's submissionId", () => {
  it("refuses a malformed id with 400 and a message, and records nothing", async () => {
    const before = await counts();
    for (const submissionId of ["not-a-uuid", "", 42, null, "aaaaaaaa-3333-4333-8333-33333333333"]) {
      const response = await submitAs(learnerA, { code: CORRECT, submissionId });
      expect(response.status, JSON.stringify(submissionId)).toBe(400);
      expect(JSON.stringify(await response.json())).toMatch(/submissionId/);
    }
    expect(await counts()).toEqual(before);
  });

  it("a repeat of the same id (sent again at once, and after the grade) is the same submission, graded once", async () => {
    const before = await counts();
    const id = crypto.randomUUID();
    // The page's POST and its resend after a reload, both in flight together.
    const [first, again] = await Promise.all([submitAs(learnerA, { code: CORRECT, submissionId: id }), submitAs(learnerA, { code: CORRECT, submissionId: id })]);
    const [graded, gradedAgain] = await Promise.all([gradeOf(learnerA, first), gradeOf(learnerA, again)]);
    expect(graded.submission.id).toBe(id);
    expect(gradedAgain.submission.id).toBe(id);
    expect(graded.result.score).toBe(1);
    // Once graded, the same id answers the recorded grade at once (200), and still grades nothing.
    const late = await submitAs(learnerA, { code: CORRECT, submissionId: id });
    expect(late.status).toBe(200);
    const lateBody = await late.json();
    expect(lateBody).toMatchObject({ submission: { id }, result: { score: 1 }, progress: { attempts: 1 } });
    expect(await counts()).toEqual({ jobs: before.jobs + 1, submissions: before.submissions + 1 });
    expect(await prisma.submission.count({ where: { id } })).toBe(1);
  });

  it("another learner's id answers 404, as an unknown one would, and changes nothing of theirs", async () => {
    const id = crypto.randomUUID();
    const graded = await gradeOf(learnerA, await submitAs(learnerA, { code: CORRECT, submissionId: id }));
    expect(graded.submission.id).toBe(id);
    const before = await counts();
    const taken = await submitAs(learnerB, { code: "function row_means(t) { return t; }", submissionId: id });
    expect(taken.status).toBe(404);
    const unknown = await pollAs(learnerB, crypto.randomUUID());
    expect(unknown.status).toBe(404);
    // The same answer as for an id nobody has: nothing tells B that A's exists.
    expect(await taken.json()).toEqual(await unknown.json());
    expect((await pollAs(learnerB, id)).status).toBe(404);
    expect(await counts()).toEqual(before);
    const row = await prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ userId: learnerA, code: CORRECT, score: 1 });
  });
});
