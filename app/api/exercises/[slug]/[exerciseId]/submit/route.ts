import { clientAddress } from "@/lib/api/client-address";
import { HttpError } from "@/lib/api/http-error";
import { exerciseKey, knownExercise } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { integerFromEnv, submissionQueue, type SubmissionJob } from "@/lib/api/submission-queue";
import { clientKey } from "@/lib/grading/client-key";
import type { JobView } from "@/lib/grading/queue";
import type { GradeResult } from "@/lib/grading/types";
import { lessonExerciseProgress } from "@/lib/db/submissions";
import { exerciseParamsSchema } from "../schema";
import { pollQuerySchema, submitBodySchema } from "./schema";

type View = JobView<SubmissionJob, GradeResult>;

const FAILED_MESSAGE = "Grading failed on the server and nothing was recorded; submit again.";

/**
 * Submit: the learner's code joins the grading queue (lib/grading/queue.ts), stored in the
 * database before anything else happens. With `submissionId` (a UUID the page chose), a retry of
 * a submission already stored is answered with that submission's state instead of a new one
 * (404 for an id that is another learner's or another exercise's, as the poll answers). The body is only
 * `{ code }`: the grade is the server's, always. If grading finishes within
 * GRADER_SUBMIT_WAIT_MS (2.5 s) the answer is 200 { result, progress, submission: { id } };
 * otherwise 202 { submission: { id, status, position, queuedAt, elapsedMs } } and the page
 * polls GET ?submission=id. 429 while this learner (or too many from this address) already
 * has a submission being graded, 503 with Retry-After when the queue is full: none records anything.
 * Hidden checks appear in a result by name and message, never by code.
 * The body is validated before the exercise is looked up, so a bad body writes nothing.
 */
export const POST = route({ params: exerciseParamsSchema, body: submitBodySchema, lookup: ({ params }) => knownExercise(params), auth: "writer" }, async ({ request, params, body: { code, submissionId }, user }) => {
  const queue = submissionQueue();
  const learner = user.id;
  const enqueued = await queue.enqueue({ learner, client: clientKey(clientAddress(request)) }, { key: exerciseKey(user, params), code }, submissionId);
  if (!enqueued.ok) {
    const headers = enqueued.retryAfterSeconds === undefined ? undefined : { "Retry-After": String(enqueued.retryAfterSeconds) };
    throw new HttpError(enqueued.status, enqueued.message, { headers });
  }
  const job = (await queue.waitFor(enqueued.job.id, learner, integerFromEnv("GRADER_SUBMIT_WAIT_MS", 2_500, 0))) ?? enqueued.job;
  if (job.status === "failed") throw new HttpError(500, FAILED_MESSAGE, { details: { submission: { id: job.id } } });
  if (job.status === "done") return Response.json({ result: job.result, progress: await progressOf(job), submission: { id: job.id } });
  return Response.json({ submission: { ...describe(job), queuedAt: new Date(job.queuedAt).toISOString() } }, { status: 202 });
});

/**
 * Poll: GET ?submission=<id> answers { submission: { id, status, position, elapsedMs } }, plus
 * { result, progress } once graded, to the learner who submitted it. Any other id (unknown,
 * another learner's or another exercise's) is 404, so the
 * answer never tells whether someone else's job exists.
 */
export const GET = route({ params: exerciseParamsSchema, query: pollQuerySchema, auth: "reader" }, async ({ params: { slug, exerciseId }, query, user }) => {
  const job = await submissionQueue().status(query.submission, user.id);
  if (!job || job.payload.key.lessonSlug !== slug || job.payload.key.exerciseId !== exerciseId) throw new HttpError(404, "No such submission");
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
