import { lessonFromParams } from "@/lib/api/lesson-params";
import { jsonRoute, readingUser } from "@/lib/api/learner-route";
import { lessonExerciseProgress } from "@/lib/db/submissions";

type Context = { params: Promise<{ slug: string }> };

/** The caller's progress on the lesson's exercises: attempts, hints, solution views, best and last grade. */
export const GET = jsonRoute(async (request: Request, context: Context) => {
  const lesson = await lessonFromParams(context.params);
  if (!lesson.ok) return lesson.response;
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  return Response.json({ exercises: await lessonExerciseProgress(user.id, lesson.slug) });
});
