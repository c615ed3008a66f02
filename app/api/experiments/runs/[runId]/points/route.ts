import { addPoints } from "@/lib/db/experiments";
import { errorResponse, parseParams, readJsonBody } from "@/lib/api/responses";
import { pointsBodySchema, runParamsSchema } from "@/lib/api/learner-schemas";
import { jsonRoute, sameOrigin, writingUser } from "@/lib/api/learner-route";

type Context = { params: Promise<{ runId: string }> };

/** Adds a batch of metric points to one of the caller's runs (idempotent per step); 409 once the run holds the most points a run keeps. */
export const POST = jsonRoute(async (request: Request, context: Context) => {
  const params = parseParams(await context.params, runParamsSchema);
  if (!params.ok) return params.response;
  const body = await readJsonBody(request, pointsBodySchema);
  if (!body.ok) return body.response;
  const refused = sameOrigin(request);
  if (refused) return refused;
  const user = await writingUser(request);
  if (user instanceof Response) return user;
  const result = await addPoints(user.id, params.value.runId, body.value.points);
  if (result.outcome === "not_found") return errorResponse(404, "No such run");
  if (result.outcome === "full") return errorResponse(409, `This run already holds the most points a run may keep (${result.limit}); start a new run`);
  return Response.json({ stored: result.stored });
});
