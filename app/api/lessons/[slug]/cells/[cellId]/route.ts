import { saveCell } from "@/lib/db/cells";
import { errorResponse, parseParams, readJsonBody } from "@/lib/api/responses";
import { cellParamsSchema } from "@/lib/api/schemas";
import { saveVersionedCellBodySchema } from "@/lib/api/learner-schemas";
import { jsonRoute, sameOrigin, writingUser } from "@/lib/api/learner-route";
import { lessonExists } from "@/lib/lessons/exists";
import { savableCellIds, unknownCellResponse } from "@/lib/api/lesson-cell-ids";

type Context = { params: Promise<{ slug: string; cellId: string }> };

/**
 * Saves the caller's code for one of the lesson's cells or exercise editors if `version` (the
 * edit time) is newer than the stored one: 200 { cell } when stored (a retried write answers 200
 * too), 409 { cell } with the newer stored code when the write lost to a newer edit (another
 * tab). A cell id the lesson does not have is 400, so a learner has at most one row per cell and
 * exercise of each lesson.
 */
export const PUT = jsonRoute(async (request: Request, context: Context) => {
  const params = parseParams(await context.params, cellParamsSchema);
  if (!params.ok) return params.response;
  const body = await readJsonBody(request, saveVersionedCellBodySchema);
  if (!body.ok) return body.response;
  if (!lessonExists(params.value.slug)) return errorResponse(404, `No lesson "${params.value.slug}"`);
  // Only the lesson's own cells and exercise editors: this bounds a learner's rows per lesson.
  const unknownCell = unknownCellResponse(params.value.slug, params.value.cellId, savableCellIds(params.value.slug), "URL parameter");
  if (unknownCell) return unknownCell;
  const refused = sameOrigin(request);
  if (refused) return refused;
  const user = await writingUser(request);
  if (user instanceof Response) return user;
  const result = await saveCell(user.id, params.value.slug, params.value.cellId, body.value.code, body.value.version);
  if (result.outcome === "stale") return Response.json({ error: "A newer version of this cell is saved (another tab?)", cell: result.cell }, { status: 409 });
  return Response.json({ cell: result.cell });
});
