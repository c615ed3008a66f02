/**
 * The grading queue's store (see lib/grading/queue.ts): GradingJob rows. Every rule that must
 * hold across processes is a database rule:
 * - one job queued-or-running per learner: `learnerSlot` (the learner's id, unique) is set while
 *   the job is in flight and cleared when it finishes;
 * - at most maxPerClient per address: `clientSlot` ("<client>#<n>", unique, n < maxPerClient);
 * - a claim is a conditional UPDATE (still queued, or its lease ran out), so two workers
 *   cannot both take a job; completion is conditional on still holding the lease and records
 *   the Submission under the job's id in the same transaction, so a grade is recorded once.
 * `maxWaiting` is counted, not enforced by a constraint: concurrent submissions from several
 * instances may pass it by a few, which is harmless for a limit that only sheds load.
 */
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/client";
import { prisma } from "./client";
import { gradeOf, recordSubmission, type ExerciseKey } from "./submissions";
import type { ClaimedJob, Enqueued, JobStatus, JobStore, JobView, Owner, QueueLimits, Refusal } from "../grading/queue";
import type { GradeResult } from "../grading/types";

/** Plain data, stored in the job row: the exercise is looked up when the job runs. */
export interface SubmissionJob {
  key: ExerciseKey;
  code: string;
}

type View = JobView<SubmissionJob, GradeResult>;
type JobRow = Awaited<ReturnType<typeof prisma.gradingJob.findUniqueOrThrow>>;

/** How long a grade usually takes, for a Retry-After that means something. */
const TYPICAL_GRADE_MS = 3_000;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function payloadOf(row: JobRow): SubmissionJob {
  return { key: { userId: row.userId, lessonSlug: row.lessonSlug, exerciseId: row.exerciseId }, code: row.code };
}

/** Jobs that would be claimed before `row` (same order as claim: round, then arrival). */
async function positionOf(row: JobRow): Promise<number> {
  const ahead = await prisma.gradingJob.count({
    where: {
      state: "queued",
      OR: [{ turn: { lt: row.turn } }, { turn: row.turn, queuedAt: { lt: row.queuedAt } }, { turn: row.turn, queuedAt: row.queuedAt, id: { lt: row.id } }],
    },
  });
  return ahead + 1;
}

async function viewOf(row: JobRow): Promise<View> {
  const view: View = {
    id: row.id,
    payload: payloadOf(row),
    status: row.state as JobStatus,
    position: row.state === "queued" ? await positionOf(row) : null,
    queuedAt: row.queuedAt.getTime(),
    startedAt: row.startedAt?.getTime() ?? null,
    finishedAt: row.finishedAt?.getTime() ?? null,
  };
  if (row.state === "done") {
    const submission = await prisma.submission.findUnique({ where: { id: row.id } });
    if (submission) view.result = gradeOf(submission);
  }
  return view;
}

const learnerBusy: Refusal = { ok: false, status: 429, message: "Your previous submission is still being graded; wait for its result before submitting again" };

/**
 * A retry of a submission already stored (same id): its own job, if it is this learner's on this
 * exercise. Anyone else's id is 404 "No such submission", as the poll answers it: the answer never
 * tells whether another learner's submission exists.
 */
async function retried(id: string, key: ExerciseKey): Promise<Enqueued<SubmissionJob, GradeResult> | Refusal | null> {
  const row = await prisma.gradingJob.findUnique({ where: { id } });
  if (!row) return null;
  if (row.userId !== key.userId || row.lessonSlug !== key.lessonSlug || row.exerciseId !== key.exerciseId) return { ok: false, status: 404, message: "No such submission" };
  return { ok: true, job: await viewOf(row) };
}

async function enqueue({ learner, client }: Owner, { key, code }: SubmissionJob, { maxPerClient, maxWaiting }: QueueLimits, id?: string): Promise<Enqueued<SubmissionJob, GradeResult> | Refusal> {
  if (key.userId !== learner) throw new Error("grading queue: the job's learner is not its owner");
  if (id !== undefined) {
    const again = await retried(id, key);
    if (again) return again;
  }
  if (await prisma.gradingJob.findUnique({ where: { learnerSlot: learner }, select: { id: true } })) return learnerBusy;
  const clientBusy: Refusal = { ok: false, status: 429, message: `Your network address already has ${maxPerClient} submissions being graded; wait for one of them to finish` };
  // A slot another instance takes between our read and our insert fails the insert on the
  // unique index; then the next free one is tried.
  for (let round = 0; round < maxPerClient; round++) {
    const taken = new Set((await prisma.gradingJob.findMany({ where: { client, clientSlot: { not: null } }, select: { clientSlot: true } })).map((row) => row.clientSlot));
    const slot = Array.from({ length: maxPerClient }, (_, n) => `${client}#${n}`).find((name) => !taken.has(name));
    if (slot === undefined) return clientBusy;
    if (round === 0) {
      const waiting = await prisma.gradingJob.count({ where: { state: "queued" } });
      if (waiting >= maxWaiting) {
        const retryAfterSeconds = Math.min(300, Math.max(5, Math.ceil((waiting * TYPICAL_GRADE_MS) / 2 / 1000)));
        return { ok: false, status: 503, message: `The grader is very busy (${waiting} submissions waiting); try again in about ${retryAfterSeconds} seconds`, retryAfterSeconds };
      }
    }
    const turn = await prisma.gradingJob.count({ where: { client, state: "queued" } });
    try {
      const row = await prisma.gradingJob.create({
        data: { id: id ?? randomUUID(), userId: key.userId, lessonSlug: key.lessonSlug, exerciseId: key.exerciseId, code, client, learnerSlot: learner, clientSlot: slot, turn },
      });
      return { ok: true, job: await viewOf(row) };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The same id sent twice at once: the other request stored it.
      const again = id === undefined ? null : await retried(id, key);
      if (again) return again;
      if (await prisma.gradingJob.findUnique({ where: { learnerSlot: learner }, select: { id: true } })) return learnerBusy;
    }
  }
  return clientBusy;
}

async function view(id: string, learner: string): Promise<View | null> {
  const row = await prisma.gradingJob.findUnique({ where: { id } });
  return row && row.userId === learner ? viewOf(row) : null;
}

/** A job a worker may take: waiting, or running under a lease that ran out. */
function claimable(now: Date) {
  return { OR: [{ state: "queued" }, { state: "running", leaseExpiresAt: { lt: now } }] };
}

const finishedData = (state: "done" | "failed", error?: string) => ({ state, learnerSlot: null, clientSlot: null, leaseExpiresAt: null, finishedAt: new Date(), ...(error === undefined ? {} : { error: error.slice(0, 2_000) }) });

async function claim(worker: string, leaseMs: number, maxAttempts: number): Promise<ClaimedJob<SubmissionJob> | null> {
  const now = new Date();
  const candidates = await prisma.gradingJob.findMany({
    where: claimable(now),
    orderBy: [{ turn: "asc" }, { queuedAt: "asc" }, { id: "asc" }],
    select: { id: true, state: true, attempts: true },
    take: 8,
  });
  for (const candidate of candidates) {
    if (candidate.attempts >= maxAttempts) {
      // Every worker that took it died: grading it again would only kill another.
      await prisma.gradingJob.updateMany({
        where: { id: candidate.id, ...claimable(now) },
        data: finishedData("failed", `The grader stopped ${candidate.attempts} times while grading this submission`),
      });
      continue;
    }
    const { count } = await prisma.gradingJob.updateMany({
      where: { id: candidate.id, ...claimable(now) },
      data: { state: "running", leaseOwner: worker, leaseExpiresAt: new Date(Date.now() + leaseMs), attempts: { increment: 1 }, startedAt: new Date() },
    });
    if (count === 1) {
      const row = await prisma.gradingJob.findUniqueOrThrow({ where: { id: candidate.id } });
      return { id: row.id, payload: payloadOf(row), attempts: row.attempts };
    }
  }
  return null;
}

async function renew(id: string, worker: string, leaseMs: number): Promise<boolean> {
  const { count } = await prisma.gradingJob.updateMany({ where: { id, state: "running", leaseOwner: worker }, data: { leaseExpiresAt: new Date(Date.now() + leaseMs) } });
  return count === 1;
}

async function complete(id: string, worker: string, payload: SubmissionJob, result: GradeResult): Promise<boolean> {
  return prisma.$transaction(
    async (tx) => {
      const { count } = await tx.gradingJob.updateMany({ where: { id, state: "running", leaseOwner: worker }, data: finishedData("done") });
      if (count === 0) return false;
      await recordSubmission(payload.key, payload.code, result, tx, id);
      return true;
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
}

async function fail(id: string, worker: string, message: string): Promise<boolean> {
  const { count } = await prisma.gradingJob.updateMany({ where: { id, state: "running", leaseOwner: worker }, data: finishedData("failed", message) });
  return count === 1;
}

export const gradingJobStore: JobStore<SubmissionJob, GradeResult> = { enqueue, view, claim, renew, complete, fail };

/** Counts per state (for the load scripts and operators). */
export async function gradingJobCounts(): Promise<Record<string, number>> {
  const groups = await prisma.gradingJob.groupBy({ by: ["state"], _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.state, group._count._all]));
}
