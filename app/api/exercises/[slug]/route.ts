import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { lessonExerciseProgress } from "@/lib/db/submissions";
import { exerciseChangedSince } from "@/lib/lessons/versions";

/**
 * The caller's progress on the lesson's exercises: attempts, hints, solution views, best and
 * last grade, and whether an exercise changed in a revision of the lesson since the last grade.
 */
export const GET = route({ params: lessonParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "reader" }, async ({ user, found: slug }) => {
  const exercises = await lessonExerciseProgress(user.id, slug);
  for (const progress of Object.values(exercises)) {
    const last = progress.lastSubmission;
    if (last) last.changedSince = exerciseChangedSince(slug, progress.exerciseId, last.lessonVersion);
  }
  return Response.json({ exercises });
});
