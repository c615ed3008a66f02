import { z } from "zod";
import type { ExecuteReply } from "@/lib/kernel/protocol";
import type { ExperimentCommMessage } from "@/lib/kernel/worker/experiments";
import { codeHash } from "./code-hash";
import { announceRunEnded } from "./run-events";
import { learnerFetch } from "@/app/_components/learner-fetch";

const FLUSH_MS = 500;
const MAX_BATCH = 500;
const MAX_RETRY_MS = 10_000;

// The worker is our own code, but its messages carry learner-provided values: check the shape.
const commMessageSchema: z.ZodType<ExperimentCommMessage> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("start"), runId: z.string(), name: z.string(), params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), seed: z.number().nullable(), engineVersion: z.string(), startedAt: z.number() }),
  z.object({ kind: z.literal("log"), runId: z.string(), step: z.number(), metrics: z.record(z.string(), z.number()) }),
  z.object({ kind: z.literal("finish"), runId: z.string(), durationMs: z.number() }),
  z.object({ kind: z.literal("fail"), runId: z.string(), reason: z.string(), durationMs: z.number() }),
]);

type EndStatus = "finished" | "failed" | "interrupted" | "crashed";

interface TrackedRun {
  id: string;
  name: string;
  cells: Set<string>;
  open: boolean;
  buffer: { step: number; values: Record<string, number> }[];
  /** Requests for one run go out in order: create, points..., end. */
  chain: Promise<void>;
  flushTimer: ReturnType<typeof setTimeout> | null;
}

/**
 * The page side of `experiments`: turns the worker's comm messages into API calls. Metric points
 * are batched (every FLUSH_MS or MAX_BATCH points); every request is idempotent and retried until
 * the server answers. A run still open when its cell errors or the kernel restarts or dies is
 * ended as "interrupted"/"crashed"; one left open by a closed page is marked by the server once
 * its heartbeat is old.
 */
export class ExperimentTracker {
  private readonly runs = new Map<string, TrackedRun>();
  private disposed = false;

  constructor(
    private readonly lessonSlug: string,
    private readonly codeOf: (cellId: string) => string | undefined,
  ) {}

  handle(data: unknown, cellId: string | null): void {
    const parsed = commMessageSchema.safeParse(data);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.kind === "start") return this.start(message, cellId);
    const run = this.runs.get(message.runId);
    if (!run) return;
    if (cellId) run.cells.add(cellId);
    if (message.kind === "log") {
      run.buffer.push({ step: message.step, values: message.metrics });
      if (run.buffer.length >= MAX_BATCH) this.flushPoints(run);
      else run.flushTimer ??= setTimeout(() => this.flushPoints(run), FLUSH_MS);
    } else if (message.kind === "finish") {
      this.end(run, "finished", null, message.durationMs);
    } else {
      this.end(run, "failed", message.reason, message.durationMs);
    }
  }

  /** A cell finished: runs it was feeding that are still open were cut short by its error. */
  executionEnded(cellId: string, reply: ExecuteReply): void {
    if (reply.status !== "error") return;
    for (const run of this.runs.values()) {
      if (run.open && run.cells.has(cellId)) this.end(run, "interrupted", "the cell stopped (an error or an interrupt) before run.finish()");
    }
  }

  /** The kernel restarted ("interrupted") or died ("crashed"): every open run ends. */
  kernelLost(status: "interrupted" | "crashed", reason: string): void {
    for (const run of this.runs.values()) if (run.open) this.end(run, status, reason);
  }

  /** The page is going away: send what is buffered with keepalive. */
  flushAll(): void {
    for (const run of this.runs.values()) this.flushPoints(run, true);
  }

  dispose(): void {
    this.flushAll();
    this.disposed = true;
  }

  private start(message: Extract<ExperimentCommMessage, { kind: "start" }>, cellId: string | null): void {
    const run: TrackedRun = { id: message.runId, name: message.name, cells: new Set(cellId ? [cellId] : []), open: true, buffer: [], chain: Promise.resolve(), flushTimer: null };
    this.runs.set(run.id, run);
    const code = cellId ? this.codeOf(cellId) : undefined;
    this.enqueue(run, async () => {
      const hash = code === undefined ? null : await codeHash(code);
      const body = { id: run.id, lessonSlug: this.lessonSlug, cellId, name: message.name, params: message.params, seed: message.seed, codeHash: hash, engineVersion: message.engineVersion, startedAt: message.startedAt };
      return { url: "/api/experiments/runs", method: "POST", body };
    });
  }

  private flushPoints(run: TrackedRun, keepalive = false): void {
    if (run.flushTimer) clearTimeout(run.flushTimer);
    run.flushTimer = null;
    while (run.buffer.length) {
      const points = run.buffer.splice(0, MAX_BATCH);
      this.enqueue(run, async () => ({ url: `/api/experiments/runs/${run.id}/points`, method: "POST", body: { points } }), keepalive);
    }
  }

  /** `durationMs` is the worker's own measure of the run (finish/fail); absent, the server's clock decides. */
  private end(run: TrackedRun, status: EndStatus, reason: string | null, durationMs?: number): void {
    if (!run.open) return;
    run.open = false;
    this.flushPoints(run);
    this.enqueue(run, async () => ({ url: `/api/experiments/runs/${run.id}`, method: "PATCH", body: { status, reason, ...(durationMs === undefined ? {} : { durationMs }) } }));
    run.chain = run.chain.then(() => announceRunEnded({ runId: run.id, name: run.name }));
  }

  private enqueue(run: TrackedRun, request: () => Promise<{ url: string; method: string; body: unknown }>, keepalive = false): void {
    run.chain = run.chain.then(async () => {
      const { url, method, body } = await request();
      await this.sendUntilAnswered(url, method, body, keepalive);
    });
  }

  /** Retries network failures and 5xx with backoff; a 4xx is final (logged, not retried). */
  private async sendUntilAnswered(url: string, method: string, body: unknown, keepalive: boolean): Promise<void> {
    let delay = 500;
    while (!this.disposed || keepalive) {
      try {
        const payload = JSON.stringify(body);
        const response = await learnerFetch(url, { method, headers: { "content-type": "application/json" }, body: payload, keepalive: keepalive && payload.length < 60_000 });
        if (response.status < 500) {
          if (!response.ok) console.warn(`Experiment tracking: ${method} ${url} refused (${response.status})`);
          return;
        }
      } catch {
        if (keepalive) return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(MAX_RETRY_MS, delay * 2);
    }
  }
}
