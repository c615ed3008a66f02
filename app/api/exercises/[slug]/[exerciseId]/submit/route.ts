import { errorResponse, readJsonBody } from "@/lib/api/responses";
import { jsonRoute } from "@/lib/api/learner-route";
import { submitBodySchema } from "@/lib/grading/api-schemas";
import { resolveExercise, type ExerciseContext } from "@/lib/grading/exercise-route";
import { gradeExercise } from "@/lib/grading/grade-exercise";
import { oneAtATime } from "@/lib/grading/one-at-a-time";
import { GraderBusyError } from "@/lib/grading/sandbox/grader";
import { lessonExerciseProgress, recordSubmission } from "@/lib/db/submissions";

/**
 * Grades the learner's code on the server (visible and hidden checks, in the sandbox) and
 * records the result. The body is only `{ code }`: the grade is the server's, always.
 * Answers { result, progress }; hidden checks appear by name and message, never by code.
 * 429 while the same learner's previous submission is still being graded, 503 when the
 * grader's queue is full; neither records anything.
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
  try {
    const result = await oneAtATime(resolved.user.id, () => gradeExercise({ exercise: resolved.exercise, dependencies: resolved.dependencies, learnerCode: code }));
    if (result === null) return errorResponse(429, "Your previous submission is still being graded; wait for its result");
    await recordSubmission(resolved.key, code, result);
    const progress = (await lessonExerciseProgress(resolved.user.id, resolved.key.lessonSlug))[resolved.key.exerciseId];
    return Response.json({ result, progress });
  } catch (error) {
    if (error instanceof GraderBusyError) return errorResponse(503, error.message);
    throw error;
  }
});
