import { lessonFromParams } from "@/lib/api/lesson-params";
import { savedCells } from "@/lib/db/cells";
import { jsonRoute, readingUser } from "@/lib/api/learner-route";
import { lessonParts } from "@/lib/api/learner-lesson-parts";

/** The calling learner's saved code (with versions) for every cell of a lesson, and the lesson's original code. */
export const GET = jsonRoute(async (request: Request, context: { params: Promise<{ slug: string }> }) => {
  const lesson = await lessonFromParams(context.params);
  if (!lesson.ok) return lesson.response;
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  const cells = await savedCells(user.id, lesson.slug);
  return Response.json({ cells, original: lessonParts(lesson.slug).originalCode }, { headers: { "cache-control": "no-store" } });
});
