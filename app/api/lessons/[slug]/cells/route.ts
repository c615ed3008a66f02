import { savedCells } from "@/lib/db/cells";
import { requestLearner, withLearnerCookie } from "@/lib/api/learner";
import { errorResponse, parseParams } from "@/lib/api/responses";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { lessonExists } from "@/lib/lessons/exists";

/** The calling learner's saved code for every cell of a lesson. */
export async function GET(request: Request, context: { params: Promise<{ slug: string }> }): Promise<Response> {
  const params = parseParams(await context.params, lessonParamsSchema);
  if (!params.ok) return params.response;
  if (!lessonExists(params.value.slug)) return errorResponse(404, `No lesson "${params.value.slug}"`);
  const learner = requestLearner(request);
  const cells = learner.setCookie ? [] : await savedCells(learner.id, params.value.slug);
  return withLearnerCookie(Response.json({ cells }), learner);
}
