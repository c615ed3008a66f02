import { saveCell } from "@/lib/db/cells";
import { knownCell, knownLesson } from "@/lib/api/lookups";
import { json } from "@/lib/api/reply";
import { route } from "@/lib/api/route";
import { savableCellIds } from "@/lib/lessons/lesson-parts";
import { cellParamsSchema, saveVersionedCellBodySchema } from "./schema";

/**
 * Saves the caller's code for one of the lesson's cells or exercise editors if `version` (the
 * edit time) is newer than the stored one: 200 { cell } when stored (a retried write answers 200
 * too), 409 { cell } with the newer stored code when the write lost to a newer edit (another
 * tab). A cell id the lesson does not have is 400, so a learner has at most one row per cell and
 * exercise of each lesson.
 */
export const PUT = route(
  {
    params: cellParamsSchema,
    body: saveVersionedCellBodySchema,
    lookup: ({ params: { slug, cellId } }) => {
      knownLesson(slug);
      // Only the lesson's own cells and exercise editors: this bounds a learner's rows per lesson.
      knownCell(slug, cellId, savableCellIds(slug), "URL parameter");
    },
    auth: "writer",
  },
  async ({ params, body, user }) => {
    const result = await saveCell(user.id, params.slug, params.cellId, body.code, body.version);
    if (result.outcome === "stale") return json({ error: "A newer version of this cell is saved (another tab?)", cell: result.cell }, { status: 409 });
    return json({ cell: result.cell });
  },
);
