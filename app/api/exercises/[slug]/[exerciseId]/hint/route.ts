import { HttpError } from "@/lib/api/http-error";
import { exerciseKey, knownExercise } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonExerciseProgress, recordHintShown } from "@/lib/db/submissions";
import { exerciseParamsSchema } from "../schema";
import { hintBodySchema } from "./schema";

/** Records that the learner revealed hint number `hint` (hints open one at a time, in order). */
export const POST = route({ params: exerciseParamsSchema, body: hintBodySchema, lookup: ({ params }) => knownExercise(params), auth: "writer" }, async ({ params, body: { hint }, user, found: { exercise } }) => {
  if (hint > exercise.hintCount) throw new HttpError(400, `Exercise "${exercise.id}" has ${exercise.hintCount} hint(s), not ${hint}`);
  const key = exerciseKey(user, params);
  const shown = (await lessonExerciseProgress(user.id, key.lessonSlug))[key.exerciseId]?.hintsUsed ?? 0;
  if (hint > shown + 1) throw new HttpError(409, `Hints open one at a time: reveal hint ${shown + 1} first`);
  await recordHintShown(key, hint);
  const progress = (await lessonExerciseProgress(user.id, key.lessonSlug))[key.exerciseId];
  return Response.json({ progress, hints: exercise.hints.slice(0, progress?.hintsUsed ?? hint) });
});

/**
 * The hints the learner has already opened, as HTML. Hints are not in the lesson page:
 * each reaches the browser only once the learner has asked for it (and that was recorded).
 */
export const GET = route({ params: exerciseParamsSchema, lookup: ({ params }) => knownExercise(params), auth: "writer" }, async ({ params, user, found: { exercise } }) => {
  const shown = (await lessonExerciseProgress(user.id, params.slug))[params.exerciseId]?.hintsUsed ?? 0;
  return Response.json({ hints: exercise.hints.slice(0, shown) }, { headers: { "cache-control": "no-store" } });
});
