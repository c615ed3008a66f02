import { saveLearnerCell, MAX_LEARNER_CELLS_PER_LESSON } from "@/lib/db/learner-cells";
import { HttpError } from "@/lib/api/http-error";
import { knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { savableCellIds } from "@/lib/lessons/lesson-parts";
import { learnerCellParamsSchema, saveLearnerCellBodySchema } from "./schema";

/**
 * Saves one of the caller's own cells (code, kind, place, deleted) if `version` is newer than the
 * stored one: 200 { cell }, 409 { cell } with the newer stored cell when another tab's edit won,
 * 409 without a cell when the lesson already holds MAX_LEARNER_CELLS_PER_LESSON of the caller's
 * cells. Rows are keyed by the caller, so one learner's ids never reach another's cells.
 */
export const PUT = route(
  {
    params: learnerCellParamsSchema,
    body: saveLearnerCellBodySchema,
    lookup: ({ params: { slug, cellId } }) => {
      knownLesson(slug);
      // A lesson cell's row is written by the cells route only (no kind, no place).
      if (savableCellIds(slug).has(cellId)) throw new HttpError(400, `Invalid URL parameter: cellId: "${cellId}" is a cell of lesson "${slug}", not one of yours`);
    },
    auth: "writer",
  },
  async ({ params, body, user }) => {
    const { version, ...fields } = body;
    const result = await saveLearnerCell(user.id, params.slug, params.cellId, fields, version);
    if (result.outcome === "full") throw new HttpError(409, `A lesson holds at most ${MAX_LEARNER_CELLS_PER_LESSON} cells of your own; delete one first`);
    if (result.outcome === "stale") return Response.json({ error: "A newer version of this cell is saved (another tab?)", cell: result.cell }, { status: 409 });
    return Response.json({ cell: result.cell });
  },
);
