import { HttpError } from "@/lib/api/http-error";
import { exerciseKey, knownExercise } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { failedAttempts, lessonExerciseProgress, recordSolutionViewed } from "@/lib/db/submissions";
import { exerciseParamsSchema } from "../schema";
import { solutionBodySchema } from "./schema";

/**
 * Reveals the reference solution and records that the learner saw it. Before the author's
 * number of failed attempts it answers 403 unless the learner asked explicitly (`early: true`,
 * sent after the page warned them). The solution is never in the page itself.
 */
export const POST = route({ params: exerciseParamsSchema, body: solutionBodySchema, lookup: ({ params }) => knownExercise(params), auth: "writer" }, async ({ params, body: { early }, user, found: { exercise } }) => {
  if (exercise.solution === null) throw new HttpError(404, `Exercise "${exercise.id}" has no reference solution`);
  const key = exerciseKey(user, params);
  const failed = await failedAttempts(key);
  if (failed < exercise.attemptsBeforeSolution && !early) {
    throw new HttpError(403, `The solution opens after ${exercise.attemptsBeforeSolution} failed attempts (you have ${failed}); ask for it early to see it now`);
  }
  await recordSolutionViewed(key);
  const progress = (await lessonExerciseProgress(key.userId, key.lessonSlug))[key.exerciseId];
  return Response.json({ solution: exercise.solution, progress });
});
