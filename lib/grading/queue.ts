/**
 * The grading queue, durable: a submission is stored as a job before anything else happens,
 * and grader workers (in the app process on SQLite, separate `npm run grader` processes on
 * PostgreSQL, any number) claim jobs from the database under a lease. A worker that dies
 * mid-grade stops renewing its lease; once the lease runs out another worker claims the job
 * again. Completion is conditional on still holding the lease and records the grade under
 * the job's id, so a job is graded and recorded exactly once.
 *
 * Fair share and limits are the store's (the database's), so they hold across every app
 * instance and worker: one job queued-or-running per learner, `maxPerClient` per client
 * address, `maxWaiting` waiting in all; waiting jobs are served round-robin across addresses.
 *
 * This module holds what does not depend on the database: the store's interface, the
 * submitting side (enqueue, status, waitFor) and the worker loop. lib/db/grading-jobs.ts
 * implements the store.
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

export type Refusal = { ok: false; status: 404 | 429 | 503; message: string; retryAfterSeconds?: number };
export type Enqueued<P, R> = { ok: true; job: JobView<P, R> };

export interface Owner {
  learner: string;
  client: string;
}

export interface QueueLimits {
  maxPerClient: number;
  /** Jobs waiting (not running) beyond which new ones are refused with 503. */
  maxWaiting: number;
}

/** A job as a worker receives it. */
export interface ClaimedJob<P> {
  id: string;
  payload: P;
  /** How many times the job has been claimed, this time included. */
  attempts: number;
}

/** Where jobs live: the database (lib/db/grading-jobs.ts). Every method is safe across processes. */
export interface JobStore<P, R> {
  /** `id`: the caller's id for the job; enqueueing an id the owner already has answers that job. */
  enqueue(owner: Owner, payload: P, limits: QueueLimits, id?: string): Promise<Enqueued<P, R> | Refusal>;
  /** The job as its owner may see it; null for an unknown id or another learner's. */
  view(id: string, learner: string): Promise<JobView<P, R> | null>;
  /**
   * Takes the next job: a waiting one in round-robin order, or one whose lease ran out (its
   * worker died). A job already claimed `maxAttempts` times is failed instead of claimed again.
   */
  claim(worker: string, leaseMs: number, maxAttempts: number): Promise<ClaimedJob<P> | null>;
  /** Extends the lease; false if the worker no longer holds it. */
  renew(id: string, worker: string, leaseMs: number): Promise<boolean>;
  /** Records the result and frees the job's limits, if `worker` still holds the lease (else false, nothing written). */
  complete(id: string, worker: string, payload: P, result: R): Promise<boolean>;
  /** Marks the job failed (nothing recorded but the failure) and frees its limits. */
  fail(id: string, worker: string, message: string): Promise<boolean>;
}

export interface GradingQueue<P, R> {
  /** With `id`, idempotent: a retry of an enqueued job answers that job (see JobStore.enqueue). */
  enqueue(owner: Owner, payload: P, id?: string): Promise<Enqueued<P, R> | Refusal>;
  status(id: string, learner: string): Promise<JobView<P, R> | null>;
  /** Resolves with the job's view once it has finished or `ms` have passed, whichever is first. */
  waitFor(id: string, learner: string, ms: number): Promise<JobView<P, R> | null>;
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`grading queue: ${name} must be a positive integer, got ${value}`);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The submitting side. `onEnqueued` lets an in-process worker start at once instead of at its
 * next poll. waitFor polls the store every `pollMs`: the grade may be recorded by another process.
 */
export function createGradingQueue<P, R>(options: { store: JobStore<P, R>; limits: QueueLimits; pollMs?: number; onEnqueued?: () => void }): GradingQueue<P, R> {
  const { store, limits } = options;
  positiveInteger("maxPerClient", limits.maxPerClient);
  positiveInteger("maxWaiting", limits.maxWaiting);
  const pollMs = options.pollMs ?? 100;
  return {
    async enqueue(owner, payload, id) {
      const answer = await store.enqueue(owner, payload, limits, id);
      if (answer.ok) options.onEnqueued?.();
      return answer;
    },
    status: (id, learner) => store.view(id, learner),
    async waitFor(id, learner, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const job = await store.view(id, learner);
        if (!job || job.status === "done" || job.status === "failed") return job;
        const left = deadline - Date.now();
        if (left <= 0) return job;
        await sleep(Math.min(pollMs, left));
      }
    },
  };
}

export interface WorkerOptions<P, R> {
  store: JobStore<P, R>;
  /** Grades one job. A throw fails the job (logged); nothing else is recorded. */
  run: (payload: P) => Promise<R>;
  /** Jobs graded at once by this worker. */
  concurrency: number;
  /** A claim lasts this long unless renewed (every leaseMs / 3 while grading). */
  leaseMs?: number;
  /** How often an idle worker looks for work. */
  pollMs?: number;
  /** A job claimed this many times (each claim's worker died) is failed, not retried. */
  maxAttempts?: number;
  /** Names this worker in the leases it holds. */
  name?: string;
  log?: (message: string) => void;
}

export interface GradingWorker {
  readonly name: string;
  /** Look for work now rather than at the next poll. */
  poke(): void;
  /** Stops claiming; resolves when the jobs in hand are finished. */
  stop(): Promise<void>;
  /** Jobs this worker has finished (done or failed) since it started. */
  readonly finished: number;
}

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Claims and grades jobs until stopped. A database error (the server restarting, say) is
 * logged and retried after a pause; a job in hand whose completion cannot be written keeps
 * its lease until it runs out, and is then graded again by whoever claims it.
 */
export function startGradingWorker<P, R>(options: WorkerOptions<P, R>): GradingWorker {
  const { store, run, concurrency } = options;
  positiveInteger("concurrency", concurrency);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollMs = options.pollMs ?? 250;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const name = options.name ?? `worker-${randomUUID()}`;
  const log = options.log ?? ((message: string) => console.error(`[grader ${name}] ${message}`));
  let active = 0;
  let finished = 0;
  let stopping = false;
  let wake: (() => void) | null = null;
  const idle = new Set<() => void>();

  async function renewing<T>(job: ClaimedJob<P>, work: Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      store.renew(job.id, name, leaseMs).then(
        (held) => held || log(`lost the lease on ${job.id} (another worker took it over)`),
        (error: unknown) => log(`could not renew the lease on ${job.id}: ${(error as Error).message}`),
      );
    }, Math.max(50, Math.floor(leaseMs / 3)));
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }

  /** Writes the outcome, retrying through a database outage while the lease may still be ours. */
  async function settle(write: () => Promise<boolean>, job: ClaimedJob<P>): Promise<void> {
    const giveUp = Date.now() + leaseMs;
    for (let pause = 200; ; pause = Math.min(pause * 2, 2_000)) {
      try {
        if (!(await write())) log(`job ${job.id}: lease lost before completion; its new holder records it`);
        return;
      } catch (error) {
        if (Date.now() > giveUp) {
          log(`job ${job.id}: could not record the outcome (${(error as Error).message}); it is graded again when its lease runs out`);
          return;
        }
        await sleep(pause);
      }
    }
  }

  async function handle(job: ClaimedJob<P>): Promise<void> {
    try {
      let result: R;
      try {
        result = await renewing(job, run(job.payload));
      } catch (error) {
        log(`job ${job.id} failed: ${(error as Error)?.stack ?? error}`);
        await settle(() => store.fail(job.id, name, String((error as Error)?.message ?? error)), job);
        return;
      }
      await settle(() => store.complete(job.id, name, job.payload, result), job);
    } finally {
      active--;
      finished++;
      wake?.();
      if (active === 0) for (const resolve of idle) resolve();
    }
  }

  async function loop(): Promise<void> {
    let pause = pollMs;
    while (!stopping) {
      if (active >= concurrency) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      let job: ClaimedJob<P> | null = null;
      try {
        job = await store.claim(name, leaseMs, maxAttempts);
        pause = pollMs;
      } catch (error) {
        log(`claiming failed: ${(error as Error).message}; retrying`);
        pause = Math.min(Math.max(pause * 2, 500), 5_000);
      }
      if (job) {
        active++;
        void handle(job);
        continue;
      }
      if (stopping) break;
      await Promise.race([sleep(pause), new Promise<void>((resolve) => (wake = resolve))]);
      wake = null;
    }
  }

  const running = loop();
  return {
    name,
    poke: () => wake?.(),
    get finished() {
      return finished;
    },
    async stop() {
      stopping = true;
      wake?.();
      await running;
      if (active > 0) await new Promise<void>((resolve) => idle.add(resolve));
    },
  };
}
