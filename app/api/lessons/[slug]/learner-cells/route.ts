import { savedLearnerCells, type LearnerCell } from "@/lib/db/learner-cells";
import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { lessonParts } from "@/lib/lessons/lesson-parts";

/**
 * A cell anchored to a lesson cell that was renamed since (`was=old-id`) follows it to its new id;
 * an anchor the lesson no longer has at all stays as it is (the page shows those cells at the end).
 */
function followRenamedAnchors(slug: string, cells: LearnerCell[]): LearnerCell[] {
  const { cellIds, formerIds } = lessonParts(slug);
  const current = new Set(cellIds);
  const renamed = new Map(Object.entries(formerIds).flatMap(([id, formers]) => formers.map((former): [string, string] => [former, id])));
  return cells.map((cell) => (current.has(cell.anchor) || !renamed.has(cell.anchor) ? cell : { ...cell, anchor: renamed.get(cell.anchor) ?? cell.anchor }));
}

/** The calling learner's own cells of a lesson (deleted ones too, with their versions). */
export const GET = route({ params: lessonParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "reader" }, async ({ user, found: slug }) => {
  const cells = followRenamedAnchors(slug, await savedLearnerCells(user.id, slug));
  return Response.json({ cells }, { headers: { "cache-control": "no-store" } });
});
