import { savedCells } from "@/lib/db/cells";
import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { attachSavedWork, lessonParts } from "@/lib/lessons/lesson-parts";

/**
 * The calling learner's saved code (with versions) for every cell of a lesson as it is now
 * (renamed cells carry the code saved under their old ids), the lesson's original code, and
 * `earlier`: code saved for cells a revision removed, which the page shows rather than drops.
 */
export const GET = route({ params: lessonParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "reader" }, async ({ user, found: slug }) => {
  const { cells, earlier } = attachSavedWork(slug, await savedCells(user.id, slug));
  return Response.json({ cells, original: lessonParts(slug).originalCode, earlier }, { headers: { "cache-control": "no-store" } });
});
