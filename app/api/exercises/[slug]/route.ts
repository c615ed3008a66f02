import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { lessonExerciseProgress } from "@/lib/db/submissions";

/** The caller's progress on the lesson's exercises: attempts, hints, solution views, best and last grade. */
export const GET = route({ params: lessonParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "reader" }, async ({ user, found: slug }) =>
  Response.json({ exercises: await lessonExerciseProgress(user.id, slug) }),
);
