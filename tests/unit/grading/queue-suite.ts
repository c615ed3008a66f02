/**
 * The durable grading queue's behaviour, run against a real database: SQLite in
 * tests/unit/grading/queue.test.ts, PostgreSQL in tests/unit/db/grading-queue-postgres.test.ts.
 * The store and the worker loop are the real ones; only the grading itself is a stand-in
 * (`run` below), so a test decides when each job finishes.
 * Call after DATABASE_URL points at a migrated database.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GradeResult } from "@/lib/grading/types";

const { prisma } = await import("@/lib/db/client");
const { gradingJobStore } = await import("@/lib/db/grading-jobs");
const { createGradingQueue, startGradingWorker } = await import("@/lib/grading/queue");
type Worker = ReturnType<typeof startGradingWorker>;

const LESSON = "first-look-at-tensors";
const grade = (score: number): GradeResult => ({ status: "graded", score, maxScore: 1, passed: score === 1, checks: [], setupError: null, durationMs: 1 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => Promise<boolean> | boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function gradingQueueSuite(label: string): void {
  describe(`durable grading queue on ${label}`, () => suite(label));
}

function suite(label: string): void {
  let workers: Worker[] = [];
  /** A stand-in grader: records each job it starts; the test settles it by code. */
  let started: string[] = [];
  let pending = new Map<string, { resolve: (result: GradeResult) => void; reject: (error: Error) => void }>();
  const run = (payload: { code: string }) =>
    new Promise<GradeResult>((resolve, reject) => {
      started.push(payload.code);
      pending.set(payload.code, { resolve, reject });
    });
  const finish = (code: string, score = 1) => pending.get(code)!.resolve(grade(score));

  const limits = { maxPerClient: 10, maxWaiting: 100 };
  const queueWith = (overrides: Partial<typeof limits> = {}) => createGradingQueue({ store: gradingJobStore, limits: { ...limits, ...overrides }, pollMs: 20 });
  const worker = (concurrency = 1, leaseMs = 5_000) => {
    const started = startGradingWorker({ store: gradingJobStore, run, concurrency, leaseMs, pollMs: 20, log: process.env.QUEUE_TEST_LOG ? console.log : () => {} });
    workers.push(started);
    return started;
  };
  const learner = (name: string) => `${label}-learner-${name}`;
  /** Enqueues job `name` (its code) for learner `name` from `client`; expects it accepted. */
  async function add(queue: ReturnType<typeof queueWith>, name: string, client: string) {
    const answer = await queue.enqueue({ learner: learner(name), client }, { key: { userId: learner(name), lessonSlug: LESSON, exerciseId: "row-means" }, code: name });
    if (!answer.ok) throw new Error(`${name} refused: ${answer.message}`);
    return answer.job;
  }

  beforeAll(async () => {
    const names = ["a1", "a2", "a3", "b1", "c1", "x", "y", "z", ...Array.from({ length: 24 }, (_, i) => `n${i}`)];
    await prisma.user.createMany({ data: names.map((name) => ({ id: learner(name) })) });
  });

  beforeEach(async () => {
    started = [];
    pending = new Map();
    await prisma.submission.deleteMany();
    await prisma.exerciseState.deleteMany();
    await prisma.gradingJob.deleteMany();
  });

  afterEach(async () => {
    // A worker may claim one more job while stopping: keep settling whatever it starts.
    const settleAll = () => {
      for (const [, job] of pending) job.resolve(grade(0));
    };
    const settler = setInterval(settleAll, 20);
    settleAll();
    await Promise.all(workers.map((started) => started.stop()));
    clearInterval(settler);
    workers = [];
  });

  describe("order", () => {
    it("serves waiting jobs round-robin across addresses and in order within one, with positions from the database", async () => {
      const queue = queueWith();
      const jobs = [await add(queue, "a1", "X"), await add(queue, "a2", "X"), await add(queue, "a3", "X"), await add(queue, "b1", "Y")];
      expect(jobs.map((job) => job.position)).toEqual([1, 2, 3, 2]);
      const now = await Promise.all(jobs.map((job, i) => queue.status(job.id, learner(["a1", "a2", "a3", "b1"][i]))));
      expect(now.map((job) => job?.position)).toEqual([1, 3, 4, 2]);
      worker(1);
      for (const next of ["a1", "b1", "a2", "a3"]) {
        await until(() => started.includes(next), `${next} to start`);
        expect(started.at(-1)).toBe(next);
        finish(next);
      }
      await until(async () => (await prisma.submission.count()) === 4, "four grades");
    });

    it("records each grade once, under the job's id, and shows it to its learner only", async () => {
      const queue = queueWith();
      const job = await add(queue, "x", "X");
      worker(1);
      await until(() => started.includes("x"), "x to start");
      expect((await queue.status(job.id, learner("x")))?.status).toBe("running");
      finish("x", 1);
      const done = await queue.waitFor(job.id, learner("x"), 10_000);
      expect(done).toMatchObject({ status: "done", position: null, result: { score: 1, passed: true } });
      expect(await queue.status(job.id, learner("y"))).toBeNull();
      expect(await prisma.submission.findMany({ where: { userId: learner("x") } })).toEqual([expect.objectContaining({ id: job.id, code: "x", score: 1 })]);
      expect(await prisma.exerciseState.findFirst({ where: { userId: learner("x") } })).toMatchObject({ attempts: 1 });
    });

    it("two workers grade twenty jobs, each exactly once", async () => {
      const queue = queueWith({ maxPerClient: 30 });
      const names = Array.from({ length: 20 }, (_, i) => `n${i}`);
      for (const name of names) await add(queue, name, `client-${name}`);
      worker(2);
      worker(2);
      await until(() => {
        for (const code of started) if (pending.has(code)) finish(code);
        return started.length === 20;
      }, "every job to start");
      for (const code of started) finish(code);
      await until(async () => (await prisma.gradingJob.count({ where: { state: "done" } })) === 20, "every job done");
      expect([...started].sort()).toEqual([...names].sort());
      expect(await prisma.submission.count()).toBe(20);
    });
  });

  describe("limits, in the database", () => {
    it("one job in flight per learner (429), again once it is finished; concurrent submissions let exactly one in", async () => {
      const queue = queueWith();
      const answers = await Promise.all(Array.from({ length: 8 }, () => queue.enqueue({ learner: learner("x"), client: "X" }, { key: { userId: learner("x"), lessonSlug: LESSON, exerciseId: "row-means" }, code: "x" })));
      expect(answers.filter((answer) => answer.ok)).toHaveLength(1);
      expect(answers.filter((answer) => !answer.ok).map((answer) => !answer.ok && answer.status)).toEqual(Array(7).fill(429));
      expect(await prisma.gradingJob.count()).toBe(1);
      worker(1);
      await until(() => started.includes("x"), "x to start");
      finish("x");
      await until(async () => (await prisma.gradingJob.count({ where: { state: "done" } })) === 1, "x done");
      await add(queue, "x", "X");
    });

    it("a retry with the submission's own id answers that submission, never a second one, even sent at once", async () => {
      const queue = queueWith();
      const id = crypto.randomUUID();
      const payload = { key: { userId: learner("x"), lessonSlug: LESSON, exerciseId: "row-means" }, code: "x" };
      const answers = await Promise.all(Array.from({ length: 4 }, () => queue.enqueue({ learner: learner("x"), client: "X" }, payload, id)));
      expect(answers.map((answer) => answer.ok && answer.job.id)).toEqual([id, id, id, id]);
      worker(1);
      await until(() => started.includes("x"), "x to start");
      finish("x");
      await until(async () => (await queue.status(id, learner("x")))?.status === "done", "x done");
      expect(await queue.enqueue({ learner: learner("x"), client: "X" }, payload, id)).toMatchObject({ ok: true, job: { id, status: "done", result: { score: 1 } } });
      expect(await prisma.gradingJob.count()).toBe(1);
      expect(await prisma.submission.count()).toBe(1);
      // Another learner (or exercise) cannot take over the id, nor learn that it exists.
      expect(await queue.enqueue({ learner: learner("y"), client: "Y" }, { ...payload, key: { ...payload.key, userId: learner("y") } }, id)).toMatchObject({ ok: false, status: 404, message: "No such submission" });
    });

    it("at most maxPerClient in flight per address, even when they arrive at once", async () => {
      const queue = queueWith({ maxPerClient: 3 });
      const names = Array.from({ length: 10 }, (_, i) => `n${i}`);
      const answers = await Promise.all(names.map((name) => queue.enqueue({ learner: learner(name), client: "shared" }, { key: { userId: learner(name), lessonSlug: LESSON, exerciseId: "row-means" }, code: name })));
      expect(answers.filter((answer) => answer.ok)).toHaveLength(3);
      const refused = answers.find((answer) => !answer.ok);
      expect(refused).toMatchObject({ ok: false, status: 429, message: expect.stringMatching(/already has 3 submissions/) });
      expect(await prisma.gradingJob.count({ where: { client: "shared" } })).toBe(3);
    });

    it("refuses beyond maxWaiting with 503 and a Retry-After, and writes nothing for it", async () => {
      const queue = queueWith({ maxWaiting: 2 });
      await add(queue, "a1", "X");
      await add(queue, "b1", "Y");
      const full = await queue.enqueue({ learner: learner("c1"), client: "Z" }, { key: { userId: learner("c1"), lessonSlug: LESSON, exerciseId: "row-means" }, code: "c1" });
      expect(full).toMatchObject({ ok: false, status: 503, message: expect.stringMatching(/grader is very busy \(2 submissions waiting\)/) });
      expect(!full.ok && full.retryAfterSeconds).toBeGreaterThanOrEqual(5);
      expect(await prisma.gradingJob.count({ where: { userId: learner("c1") } })).toBe(0);
    });
  });

  describe("failures", () => {
    it("a worker that dies mid-grade: its lease runs out, another worker grades the job, and the dead one cannot record it too", async () => {
      const queue = queueWith();
      const job = await add(queue, "x", "X");
      // The "dead" worker claims with a short lease and never renews or completes.
      const claimed = await gradingJobStore.claim("dead-worker", 300, 3);
      expect(claimed).toMatchObject({ id: job.id, attempts: 1 });
      worker(1);
      await until(() => started.includes("x"), "the job to be claimed again after the lease ran out");
      finish("x", 1);
      await until(async () => (await queue.status(job.id, learner("x")))?.status === "done", "x done");
      expect(await gradingJobStore.complete(job.id, "dead-worker", claimed!.payload, grade(0))).toBe(false);
      expect(await gradingJobStore.renew(job.id, "dead-worker", 1_000)).toBe(false);
      expect(await prisma.submission.findMany({ where: { userId: learner("x") } })).toEqual([expect.objectContaining({ id: job.id, score: 1 })]);
      expect(await prisma.gradingJob.findUnique({ where: { id: job.id } })).toMatchObject({ attempts: 2, learnerSlot: null, clientSlot: null });
    });

    it("a job whose every worker died is failed after maxAttempts, freeing its learner", async () => {
      const queue = queueWith();
      const job = await add(queue, "x", "X");
      for (let attempt = 1; attempt <= 2; attempt++) {
        expect(await gradingJobStore.claim(`dead-${attempt}`, 30, 2)).toMatchObject({ id: job.id, attempts: attempt });
        await sleep(60);
      }
      expect(await gradingJobStore.claim("next", 1_000, 2)).toBeNull();
      expect(await queue.status(job.id, learner("x"))).toMatchObject({ status: "failed" });
      expect((await prisma.gradingJob.findUnique({ where: { id: job.id } }))?.error).toMatch(/stopped 2 times/);
      await add(queue, "x", "X");
    });

    it("a grade that throws fails its job, records nothing, frees the learner, and the worker goes on", async () => {
      const queue = queueWith();
      const bad = await add(queue, "x", "X");
      const good = await add(queue, "y", "Y");
      worker(1);
      await until(() => started.includes("x"), "x to start");
      pending.get("x")!.reject(new Error("sandbox exploded"));
      expect(await queue.waitFor(bad.id, learner("x"), 10_000)).toMatchObject({ status: "failed" });
      await until(() => started.includes("y"), "y to start");
      finish("y");
      expect(await queue.waitFor(good.id, learner("y"), 10_000)).toMatchObject({ status: "done" });
      expect(await prisma.submission.count({ where: { userId: learner("x") } })).toBe(0);
      await add(queue, "x", "X");
    });

    it("waitFor answers with the current view when time is up", async () => {
      const queue = queueWith();
      const job = await add(queue, "x", "X");
      const started = Date.now();
      expect(await queue.waitFor(job.id, learner("x"), 150)).toMatchObject({ status: "queued", position: 1 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });
  });
}
