import { errorResponse, readJsonBody } from "@/lib/api/responses";
import { jsonRoute } from "@/lib/api/learner-route";
import { hintBodySchema } from "@/lib/grading/api-schemas";
import { resolveExercise, type ExerciseContext } from "@/lib/grading/exercise-route";
import { lessonExerciseProgress, recordHintShown } from "@/lib/db/submissions";

/** Records that the learner revealed hint number `hint` (hints open one at a time, in order). */
export const POST = jsonRoute(async (request: Request, context: ExerciseContext) => {
  let hint = 0;
  const resolved = await resolveExercise(request, context, async () => {
    const body = await readJsonBody(request, hintBodySchema);
    if (!body.ok) return body.response;
    hint = body.value.hint;
    return null;
  });
  if (resolved instanceof Response) return resolved;
  if (hint > resolved.exercise.hintCount) return errorResponse(400, `Exercise "${resolved.exercise.id}" has ${resolved.exercise.hintCount} hint(s), not ${hint}`);
  const before = (await lessonExerciseProgress(resolved.user.id, resolved.key.lessonSlug))[resolved.key.exerciseId];
  const shown = before?.hintsUsed ?? 0;
  if (hint > shown + 1) return errorResponse(409, `Hints open one at a time: reveal hint ${shown + 1} first`);
  await recordHintShown(resolved.key, hint);
  const progress = (await lessonExerciseProgress(resolved.user.id, resolved.key.lessonSlug))[resolved.key.exerciseId];
  return Response.json({ progress, hints: resolved.exercise.hints.slice(0, progress?.hintsUsed ?? hint) });
});

/**
 * The hints the learner has already opened, as HTML. Hints are not in the lesson page:
 * each reaches the browser only once the learner has asked for it (and that was recorded).
 */
export const GET = jsonRoute(async (request: Request, context: ExerciseContext) => {
  const resolved = await resolveExercise(request, context, async () => null);
  if (resolved instanceof Response) return resolved;
  const shown = (await lessonExerciseProgress(resolved.user.id, resolved.key.lessonSlug))[resolved.key.exerciseId]?.hintsUsed ?? 0;
  return Response.json({ hints: resolved.exercise.hints.slice(0, shown) }, { headers: { "cache-control": "no-store" } });
});
