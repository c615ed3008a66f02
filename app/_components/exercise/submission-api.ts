/**
 * The page's side of Submit: POST the code, and when the grader is busy (202) poll
 * GET …/submit?submission=<id> for the queued submission until its grade arrives.
 */
import type { ExerciseProgress } from "@/lib/db/submissions";
import type { GradeResult } from "@/lib/grading/types";
import { learnerFetch } from "@/app/_components/learner-fetch";

export type QueuedStatus = "queued" | "running";

export interface SubmissionProgress {
  id: string;
  status: QueuedStatus | "done" | "failed";
  /** 1 = next to be graded; null once grading has started. */
  position: number | null;
  elapsedMs: number;
}

export type SubmitAnswer = { kind: "graded"; result: GradeResult; progress: ExerciseProgress } | { kind: "queued"; submission: SubmissionProgress };

export type PollAnswer =
  | { kind: "graded"; result: GradeResult; progress: ExerciseProgress }
  | { kind: "waiting"; submission: SubmissionProgress }
  /** The server no longer has it (restarted, or kept it past its few minutes) or grading failed. */
  | { kind: "lost"; message: string };

const submitUrl = (slug: string, id: string) => `/api/exercises/${encodeURIComponent(slug)}/${encodeURIComponent(id)}/submit`;

/** An error carrying the server's own message (429, 503, 400…), never a bare status code. */
async function failure(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  return new Error(body.error ?? `The server answered ${response.status}`);
}

/**
 * A new submission's own id, chosen by the page: if the answer is lost (the server instance died,
 * a network blip, the page reloaded while the POST was on its way), sending again with it is the
 * same submission, never a second one. (randomUUID needs a secure context; without one the server
 * picks the id and there is no retry.)
 */
export function newSubmissionId(): string | undefined {
  return typeof crypto !== "undefined" && typeof crypto.randomUUID === "function" ? crypto.randomUUID() : undefined;
}

/**
 * No answer at all (the network, or the page going away mid-request): unlike a refusal, the server
 * may or may not have the submission, so the page keeps it to send again with the same id.
 */
export class ServerUnreachableError extends Error {
  override name = "ServerUnreachableError";
}

/** Before sending a lost POST again: a blip passes, and a page being unloaded never gets this far. */
export const RESEND_DELAY_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POST the code; with `submissionId`, a repeat of a submission the server has answers that one
 * (its grade, or its wait). A POST that gets no answer is sent once more after RESEND_DELAY_MS,
 * then reported as ServerUnreachableError. The delay matters on a reload: the unloading page's
 * aborted fetch must not lead it to send again, or to give up on the submission, before it is
 * gone (the reloaded page sends it).
 */
export async function submitForGrading(slug: string, id: string, code: string, submissionId = newSubmissionId()): Promise<SubmitAnswer> {
  const post = () => learnerFetch(submitUrl(slug, id), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code, submissionId }) });
  const send = async () => {
    try {
      return await post();
    } catch (failed) {
      throw new ServerUnreachableError((failed as Error).message || "no answer from the server");
    }
  };
  let response: Response;
  try {
    response = await send();
  } catch (failed) {
    if (!submissionId) throw failed;
    await sleep(RESEND_DELAY_MS);
    response = await send();
  }
  if (submissionId && response.status >= 502 && response.status <= 504) response = await send();
  if (response.status === 202) return { kind: "queued", submission: ((await response.json()) as { submission: SubmissionProgress }).submission };
  if (!response.ok) throw await failure(response);
  const body = (await response.json()) as { result: GradeResult; progress: ExerciseProgress };
  return { kind: "graded", result: body.result, progress: body.progress };
}

/** One poll. Throws only for a network or server failure worth retrying. */
export async function pollSubmission(slug: string, id: string, submissionId: string): Promise<PollAnswer> {
  const response = await learnerFetch(`${submitUrl(slug, id)}?submission=${encodeURIComponent(submissionId)}`, { cache: "no-store" });
  if (response.status === 404) return { kind: "lost", message: "The server no longer knows this submission (it may have restarted). Submit again." };
  if (!response.ok) throw await failure(response);
  const body = (await response.json()) as { submission: SubmissionProgress; result?: GradeResult; progress?: ExerciseProgress; error?: string };
  if (body.submission.status === "failed") return { kind: "lost", message: body.error ?? "Grading failed on the server. Submit again." };
  if (body.submission.status === "done" && body.result && body.progress) return { kind: "graded", result: body.result, progress: body.progress };
  return { kind: "waiting", submission: body.submission };
}
