import { readJsonBody } from "@/lib/api/responses";
import { jsonRoute } from "@/lib/api/learner-route";
import { submitBodySchema } from "@/lib/grading/api-schemas";
import { resolveExercise, type ExerciseContext } from "@/lib/grading/exercise-route";
import { gradeExercise } from "@/lib/grading/grade-exercise";
import { lessonExerciseProgress, recordSubmission } from "@/lib/db/submissions";

/**
 * Grades the learner's code on the server (visible and hidden checks, in the sandbox) and
 * records the result. The body is only `{ code }`: the grade is the server's, always.
 * Answers { result, progress }; hidden checks appear by name and message, never by code.
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
  const result = await gradeExercise({ exercise: resolved.exercise, dependencies: resolved.dependencies, learnerCode: code });
  await recordSubmission(resolved.key, code, result);
  const progress = (await lessonExerciseProgress(resolved.user.id, resolved.key.lessonSlug))[resolved.key.exerciseId];
  return Response.json({ result, progress });
});
