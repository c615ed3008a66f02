/**
 * The grading queue: every submission waits here for one of a few grading slots.
 *
 * Fair share: waiting jobs are served round-robin across client addresses, and in order
 * within one address, so a client with 30 jobs waiting delays a learner from another address
 * by at most one job per round, not by 30. Limits, checked in this order when a job arrives:
 * one job queued-or-running per learner, `maxPerClient` per address, `maxWaiting` in all.
 *
 * In-process for now. The interface (enqueue, status, waitFor; no cancel) is what a
 * PostgreSQL-backed queue would offer too, which is why a job is a plain-data payload handed
 * to one `run` function rather than a closure.
 */
import { randomUUID } from "node:crypto";

export type JobStatus = "queued" | "running" | "done" | "failed";

export interface JobView<P, R> {
  id: string;
  /** What was submitted: for the server's own checks (which exercise), never echoed to a client. */
  payload: P;
  status: JobStatus;
  /** 1 = the next job to start; null once the job has started. */
  position: number | null;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  result?: R;
}

export interface QueueOptions<P, R> {
  /** Does the work of one job. A throw marks the job failed (logged) and frees its slot. */
  run: (payload: P) => Promise<R>;
  concurrency: number;
  maxPerClient: number;
  /** Jobs waiting (not running) beyond which new ones are refused with 503. */
  maxWaiting: number;
  /** How long a finished job stays readable by `status`. */
  keepFinishedMs?: number;
  /** At most this many finished jobs are kept (oldest dropped first). */
  maxFinished?: number;
  now?: () => number;
}

export type Refusal = { ok: false; status: 429 | 503; message: string; retryAfterSeconds?: number };
export type Enqueued<P, R> = { ok: true; job: JobView<P, R> };

export interface GradingQueue<P, R> {
  enqueue(owner: { learner: string; client: string }, payload: P): Enqueued<P, R> | Refusal;
  /** The job as its owner may see it; null for an unknown id, a forgotten one, or another learner's. */
  status(id: string, learner: string): JobView<P, R> | null;
  /** Resolves with the job's view once it has finished or `ms` have passed, whichever is first. */
  waitFor(id: string, learner: string, ms: number): Promise<JobView<P, R> | null>;
}

interface Job<P, R> {
  id: string;
  learner: string;
  client: string;
  payload: P;
  status: JobStatus;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  result?: R;
  /** Wakes whoever waits for this job (waitFor); called once, when it finishes. */
  finished: Promise<void>;
  settle: () => void;
}

export const DEFAULT_KEEP_FINISHED_MS = 5 * 60_000;
export const DEFAULT_MAX_FINISHED = 5_000;

export function createGradingQueue<P, R>(options: QueueOptions<P, R>): GradingQueue<P, R> {
  const { run, concurrency, maxPerClient, maxWaiting } = options;
  for (const [name, value] of Object.entries({ concurrency, maxPerClient, maxWaiting })) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`grading queue: ${name} must be a positive integer, got ${value}`);
  }
  const keepFinishedMs = options.keepFinishedMs ?? DEFAULT_KEEP_FINISHED_MS;
  const maxFinished = options.maxFinished ?? DEFAULT_MAX_FINISHED;
  const now = options.now ?? Date.now;

  /** Every job not yet forgotten: waiting, running, or finished (Map order = finish order for those). */
  const jobs = new Map<string, Job<P, R>>();
  const finished = new Map<string, Job<P, R>>();
  /** Waiting jobs per address, oldest first. */
  const waiting = new Map<string, Job<P, R>[]>();
  /** Addresses with waiting jobs, in the order they will be served. */
  const rotation: string[] = [];
  const activeByLearner = new Set<string>();
  const activeByClient = new Map<string, number>();
  let running = 0;
  let waitingCount = 0;
  /** Recent run times, for a Retry-After that means something. */
  let averageRunMs = 5_000;

  function forgetOldFinished(): void {
    const cutoff = now() - keepFinishedMs;
    for (const [id, job] of finished) {
      if (finished.size <= maxFinished && (job.finishedAt ?? 0) > cutoff) break;
      finished.delete(id);
      jobs.delete(id);
    }
  }

  /** Round-robin position of every waiting job: round k serves each address's k-th job, in rotation order. */
  function positionOf(job: Job<P, R>): number | null {
    if (job.status !== "queued") return null;
    const queue = waiting.get(job.client) ?? [];
    const index = queue.indexOf(job);
    const clientTurn = rotation.indexOf(job.client);
    let ahead = 0;
    rotation.forEach((client, turn) => {
      const length = waiting.get(client)?.length ?? 0;
      // Every address serves min(length, index) jobs in the earlier rounds, and one more in
      // this round if it comes before this job's address and still has one left.
      ahead += Math.min(length, index) + (turn < clientTurn && length > index ? 1 : 0);
    });
    return ahead + 1;
  }

  function view(job: Job<P, R>): JobView<P, R> {
    const shown: JobView<P, R> = { id: job.id, payload: job.payload, status: job.status, position: positionOf(job), queuedAt: job.queuedAt, startedAt: job.startedAt, finishedAt: job.finishedAt };
    if (job.status === "done") shown.result = job.result;
    return shown;
  }

  function takeNext(): Job<P, R> | undefined {
    const client = rotation.shift();
    if (client === undefined) return undefined;
    const queue = waiting.get(client)!;
    const job = queue.shift()!;
    if (queue.length > 0) rotation.push(client);
    else waiting.delete(client);
    waitingCount--;
    return job;
  }

  function pump(): void {
    while (running < concurrency) {
      const job = takeNext();
      if (!job) return;
      running++;
      job.status = "running";
      job.startedAt = now();
      void execute(job);
    }
  }

  async function execute(job: Job<P, R>): Promise<void> {
    try {
      job.result = await run(job.payload);
      job.status = "done";
    } catch (error) {
      job.status = "failed";
      console.error(`[grading-queue] job ${job.id} failed:`, error);
    }
    job.finishedAt = now();
    averageRunMs = averageRunMs * 0.8 + (job.finishedAt - (job.startedAt ?? job.finishedAt)) * 0.2;
    running--;
    activeByLearner.delete(job.learner);
    const left = (activeByClient.get(job.client) ?? 1) - 1;
    if (left > 0) activeByClient.set(job.client, left);
    else activeByClient.delete(job.client);
    finished.set(job.id, job);
    forgetOldFinished();
    job.settle();
    pump();
  }

  function ownJob(id: string, learner: string): Job<P, R> | null {
    forgetOldFinished();
    const job = jobs.get(id);
    return job && job.learner === learner ? job : null;
  }

  return {
    enqueue({ learner, client }, payload) {
      if (activeByLearner.has(learner)) return { ok: false, status: 429, message: "Your previous submission is still being graded; wait for its result before submitting again" };
      if ((activeByClient.get(client) ?? 0) >= maxPerClient) {
        return { ok: false, status: 429, message: `Your network address already has ${maxPerClient} submissions being graded; wait for one of them to finish` };
      }
      if (waitingCount >= maxWaiting) {
        const retryAfterSeconds = Math.min(300, Math.max(5, Math.ceil((waitingCount * averageRunMs) / concurrency / 1000)));
        return { ok: false, status: 503, message: `The grader is very busy (${waitingCount} submissions waiting); try again in about ${retryAfterSeconds} seconds`, retryAfterSeconds };
      }
      let settle = () => {};
      const finishedPromise = new Promise<void>((resolve) => (settle = resolve));
      const job: Job<P, R> = { id: randomUUID(), learner, client, payload, status: "queued", queuedAt: now(), startedAt: null, finishedAt: null, finished: finishedPromise, settle };
      jobs.set(job.id, job);
      activeByLearner.add(learner);
      activeByClient.set(client, (activeByClient.get(client) ?? 0) + 1);
      const queue = waiting.get(client);
      if (queue) queue.push(job);
      else {
        waiting.set(client, [job]);
        rotation.push(client);
      }
      waitingCount++;
      pump();
      return { ok: true, job: view(job) };
    },

    status(id, learner) {
      const job = ownJob(id, learner);
      return job ? view(job) : null;
    },

    async waitFor(id, learner, ms) {
      const job = ownJob(id, learner);
      if (!job) return null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([job.finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
      clearTimeout(timer);
      return view(job);
    },
  };
}
