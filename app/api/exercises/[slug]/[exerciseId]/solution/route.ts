import { errorResponse, readJsonBody } from "@/lib/api/responses";
import { jsonRoute } from "@/lib/api/learner-route";
import { solutionBodySchema } from "@/lib/grading/api-schemas";
import { resolveExercise, type ExerciseContext } from "@/lib/grading/exercise-route";
import { failedAttempts, lessonExerciseProgress, recordSolutionViewed } from "@/lib/db/submissions";

/**
 * Reveals the reference solution and records that the learner saw it. Before the author's
 * number of failed attempts it answers 403 unless the learner asked explicitly (`early: true`,
 * sent after the page warned them). The solution is never in the page itself.
 */
export const POST = jsonRoute(async (request: Request, context: ExerciseContext) => {
  let early = false;
  const resolved = await resolveExercise(request, context, async () => {
    const body = await readJsonBody(request, solutionBodySchema);
    if (!body.ok) return body.response;
    early = body.value.early;
    return null;
  });
  if (resolved instanceof Response) return resolved;
  const { exercise, key } = resolved;
  if (exercise.solution === null) return errorResponse(404, `Exercise "${exercise.id}" has no reference solution`);
  const failed = await failedAttempts(key);
  if (failed < exercise.attemptsBeforeSolution && !early) {
    return errorResponse(403, `The solution opens after ${exercise.attemptsBeforeSolution} failed attempts (you have ${failed}); ask for it early to see it now`);
  }
  await recordSolutionViewed(key);
  const progress = (await lessonExerciseProgress(key.userId, key.lessonSlug))[key.exerciseId];
  return Response.json({ solution: exercise.solution, progress });
});
