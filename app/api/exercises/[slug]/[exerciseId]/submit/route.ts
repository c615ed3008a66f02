import { z } from "zod";
import { clientAddress } from "@/lib/api/client-address";
import { errorResponse, parseParams, readJsonBody } from "@/lib/api/responses";
import { jsonRoute, queryOf, readingUser } from "@/lib/api/learner-route";
import { exerciseParamsSchema, submitBodySchema } from "@/lib/grading/api-schemas";
import { resolveExercise, type ExerciseContext } from "@/lib/grading/exercise-route";
import { clientKey } from "@/lib/grading/client-key";
import { integerFromEnv, submissionQueue, type SubmissionJob } from "@/lib/grading/submission-queue";
import type { JobView } from "@/lib/grading/queue";
import type { GradeResult } from "@/lib/grading/types";
import { lessonExerciseProgress } from "@/lib/db/submissions";

type View = JobView<SubmissionJob, GradeResult>;

const FAILED_MESSAGE = "Grading failed on the server and nothing was recorded; submit again.";
const pollQuerySchema = z.object({ submission: z.uuid("must be a submission id from Submit") }).strict();

/**
 * Submit: the learner's code joins the grading queue (lib/grading/queue.ts). The body is only
 * `{ code }`: the grade is the server's, always. If grading finishes within
 * GRADER_SUBMIT_WAIT_MS (2.5 s) the answer is 200 { result, progress, submission: { id } };
 * otherwise 202 { submission: { id, status, position, queuedAt, elapsedMs } } and the page
 * polls GET ?submission=id. 429 while this learner (or too many from this address) already
 * has a submission being graded, 503 with Retry-After when the queue is full: none records anything.
 * Hidden checks appear in a result by name and message, never by code.
 */
export const POST = jsonRoute(async (request: Request, context: ExerciseContext) => {
  let code = "";
  const resolved = await resolveExercise(request, context, async () => {
    const body = await readJsonBody(request, submitBodySchema);
    if (!body.ok) return body.response;
    code = body.value.code;
    return null;
  });
  if (resolved instanceof Response) return resolved;
  const queue = submissionQueue();
  const learner = resolved.user.id;
  const enqueued = queue.enqueue({ learner, client: clientKey(clientAddress(request)) }, { key: resolved.key, code });
  if (!enqueued.ok) {
    const response = errorResponse(enqueued.status, enqueued.message);
    if (enqueued.retryAfterSeconds !== undefined) response.headers.set("Retry-After", String(enqueued.retryAfterSeconds));
    return response;
  }
  const job = (await queue.waitFor(enqueued.job.id, learner, integerFromEnv("GRADER_SUBMIT_WAIT_MS", 2_500, 0))) ?? enqueued.job;
  if (job.status === "failed") return errorResponse(500, FAILED_MESSAGE, { submission: { id: job.id } });
  if (job.status === "done") return Response.json({ result: job.result, progress: await progressOf(job), submission: { id: job.id } });
  return Response.json({ submission: { ...describe(job), queuedAt: new Date(job.queuedAt).toISOString() } }, { status: 202 });
});

/**
 * Poll: GET ?submission=<id> answers { submission: { id, status, position, elapsedMs } }, plus
 * { result, progress } once graded, to the learner who submitted it. Any other id (unknown,
 * forgotten after a few minutes, another learner's or another exercise's) is 404, so the
 * answer never tells whether someone else's job exists.
 */
export const GET = jsonRoute(async (request: Request, context: ExerciseContext) => {
  const params = parseParams(await context.params, exerciseParamsSchema);
  if (!params.ok) return params.response;
  const query = pollQuerySchema.safeParse(queryOf(request));
  if (!query.success) return errorResponse(400, `Invalid query: ${query.error.issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`).join("; ")}`);
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  const job = submissionQueue().status(query.data.submission, user.id);
  const { slug, exerciseId } = params.value;
  if (!job || job.payload.key.lessonSlug !== slug || job.payload.key.exerciseId !== exerciseId) return errorResponse(404, "No such submission (results are kept for a few minutes after grading)");
  const headers = { "Cache-Control": "no-store" };
  if (job.status === "failed") return Response.json({ submission: describe(job), error: FAILED_MESSAGE }, { headers });
  if (job.status === "done") return Response.json({ submission: describe(job), result: job.result, progress: await progressOf(job) }, { headers });
  return Response.json({ submission: describe(job) }, { headers });
});

function describe(job: View) {
  return { id: job.id, status: job.status, position: job.position, elapsedMs: (job.finishedAt ?? Date.now()) - job.queuedAt };
}

/** The learner's progress on this exercise as recorded now (the job recorded its grade before finishing). */
async function progressOf(job: View) {
  const { userId, lessonSlug, exerciseId } = job.payload.key;
  return (await lessonExerciseProgress(userId, lessonSlug))[exerciseId];
}
