/**
 * The app as its own grader (instrumentation.ts): on SQLite the worker starts when the server
 * boots, so a submission queued while no request is in flight (left by a restart, or written by
 * another process) is graded without anyone asking; GRADER_IN_PROCESS=0 starts nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createFreshDatabase } from "./test-database";

createFreshDatabase();
process.env.GRADER_POLL_MS = "50";
process.env.NEXT_RUNTIME = "nodejs"; // as Next sets it for the Node.js server

const { register } = await import("@/instrumentation");
const { prisma, databaseProvider } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const EXERCISE = "row-means";
const CORRECT = "function row_means(t: Tensor): Tensor {\n  return t.sum(1).div(t.shape[1]);\n}";
const shutdown = () => (globalThis as typeof globalThis & { __gradbookBeforeExit?: () => Promise<void> }).__gradbookBeforeExit;

/** A queued job written straight into the database, as a request before a restart left it. */
async function queuedJob(learner: string): Promise<string> {
  await prisma.user.create({ data: { id: learner } });
  const job = await prisma.gradingJob.create({
    data: { userId: learner, lessonSlug: LESSON, exerciseId: EXERCISE, code: CORRECT, client: "test", learnerSlot: learner, clientSlot: "test#0" },
  });
  return job.id;
}

async function submissionWithin(id: string, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await prisma.submission.findUnique({ where: { id } });
    if (found || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

afterEach(async () => {
  await shutdown()?.();
  delete (globalThis as typeof globalThis & { __gradbookBeforeExit?: unknown }).__gradbookBeforeExit;
  delete process.env.GRADER_IN_PROCESS;
});

describe("the in-process grader started at server boot", () => {
  it("GRADER_IN_PROCESS=0: boot starts no worker, and a queued job stays queued", async () => {
    process.env.GRADER_IN_PROCESS = "0";
    const id = await queuedJob("cccccccc-3333-4333-8333-333333333333");
    await register();
    expect(shutdown()).toBeUndefined();
    expect(await submissionWithin(id, 1_000)).toBeNull();
    expect((await prisma.gradingJob.findUniqueOrThrow({ where: { id } })).state).toBe("queued");
    await prisma.gradingJob.delete({ where: { id } });
  });

  it.skipIf(databaseProvider !== "sqlite")("on SQLite by default: a job queued with no request in flight is graded once, and SIGTERM's hook stops the worker", async () => {
    const id = await queuedJob("dddddddd-4444-4444-8444-444444444444");
    await register();
    expect(shutdown()).toBeTypeOf("function");
    const submission = await submissionWithin(id, 60_000);
    expect(submission?.passed).toBe(true);
    expect(await prisma.gradingJob.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "done", learnerSlot: null, attempts: 1 });
    await shutdown()!();
    // Stopped: a job queued now is not taken.
    const later = await queuedJob("eeeeeeee-5555-4555-8555-555555555555");
    expect(await submissionWithin(later, 1_000)).toBeNull();
    expect(await prisma.submission.count()).toBe(1);
  });
});
