import type { ExecuteReply } from "@/lib/kernel/protocol";
import { learnerFetch } from "@/app/_components/learner-fetch";

type ProgressEvent = { event: "opened" } | { event: "executed"; cellId: string; status: "ok" | "error"; executionCount: number };

const RETRY_MS = [1000, 3000, 10_000];

/**
 * Tells the server the lesson was opened and which cells ran (for the home page's progress and
 * "Continue" link). Fire-and-forget with a few retries: a lost event only delays a progress
 * mark, the learner's code never depends on it.
 */
export class ProgressReporter {
  constructor(private readonly lessonSlug: string) {}

  opened(): void {
    void this.post({ event: "opened" });
  }

  executed(cellId: string, reply: ExecuteReply): void {
    void this.post({ event: "executed", cellId, status: reply.status, executionCount: reply.execution_count });
  }

  private async post(event: ProgressEvent, attempt = 0): Promise<void> {
    try {
      const response = await learnerFetch(`/api/lessons/${this.lessonSlug}/progress`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
        keepalive: true,
      });
      if (response.status < 500) return;
    } catch {
      // network error: retry below
    }
    if (attempt < RETRY_MS.length) setTimeout(() => void this.post(event, attempt + 1), RETRY_MS[attempt]);
  }
}
