import { savedLearnerCells } from "@/lib/db/learner-cells";
import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";

/** The calling learner's own cells of a lesson (deleted ones too, with their versions). */
export const GET = route({ params: lessonParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "reader" }, async ({ user, found: slug }) => {
  const cells = await savedLearnerCells(user.id, slug);
  return Response.json({ cells }, { headers: { "cache-control": "no-store" } });
});
