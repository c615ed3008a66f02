import { savedCells } from "@/lib/db/cells";
import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { lessonParts } from "@/lib/lessons/lesson-parts";

/** The calling learner's saved code (with versions) for every cell of a lesson, and the lesson's original code. */
export const GET = route({ params: lessonParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "reader" }, async ({ user, found: slug }) => {
  const cells = await savedCells(user.id, slug);
  return Response.json({ cells, original: lessonParts(slug).originalCode }, { headers: { "cache-control": "no-store" } });
});
