import { saveCell } from "@/lib/db/cells";
import { requestLearner, withLearnerCookie } from "@/lib/api/learner";
import { errorResponse, parseParams, readJsonBody } from "@/lib/api/responses";
import { cellParamsSchema, saveCellBodySchema } from "@/lib/api/schemas";
import { lessonExists } from "@/lib/lessons/exists";

/** Saves the calling learner's code for one cell. */
export async function PUT(request: Request, context: { params: Promise<{ slug: string; cellId: string }> }): Promise<Response> {
  const params = parseParams(await context.params, cellParamsSchema);
  if (!params.ok) return params.response;
  const body = await readJsonBody(request, saveCellBodySchema);
  if (!body.ok) return body.response;
  if (!lessonExists(params.value.slug)) return errorResponse(404, `No lesson "${params.value.slug}"`);
  const learner = requestLearner(request);
  const saved = await saveCell(learner.id, params.value.slug, params.value.cellId, body.value.code);
  return withLearnerCookie(Response.json({ cell: saved }), learner);
}
