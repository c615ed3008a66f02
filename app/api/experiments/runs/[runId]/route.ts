import { deleteRun, endRun, getRun } from "@/lib/db/experiments";
import { errorResponse, parseParams, readJsonBody } from "@/lib/api/responses";
import { endRunBodySchema, runParamsSchema } from "@/lib/api/learner-schemas";
import { jsonRoute, readingUser, sameOrigin, writingUser } from "@/lib/api/learner-route";

type Context = { params: Promise<{ runId: string }> };
const notFound = () => errorResponse(404, "No such run");

/** One of the caller's runs with its curves; someone else's run is 404, as if it did not exist. */
export const GET = jsonRoute(async (request: Request, context: Context) => {
  const params = parseParams(await context.params, runParamsSchema);
  if (!params.ok) return params.response;
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  const run = await getRun(user.id, params.value.runId);
  return run ? Response.json({ run }, { headers: { "cache-control": "no-store" } }) : notFound();
});

/** Ends a running run: finished, failed, interrupted or crashed. The first ending sticks. */
export const PATCH = jsonRoute(async (request: Request, context: Context) => {
  const params = parseParams(await context.params, runParamsSchema);
  if (!params.ok) return params.response;
  const body = await readJsonBody(request, endRunBodySchema);
  if (!body.ok) return body.response;
  const refused = sameOrigin(request);
  if (refused) return refused;
  const user = await writingUser(request);
  if (user instanceof Response) return user;
  const run = await endRun(user.id, params.value.runId, body.value.status, body.value.reason ?? null, new Date(), body.value.durationMs);
  return run ? Response.json({ run }) : notFound();
});

export const DELETE = jsonRoute(async (request: Request, context: Context) => {
  const params = parseParams(await context.params, runParamsSchema);
  if (!params.ok) return params.response;
  const refused = sameOrigin(request);
  if (refused) return refused;
  const user = await writingUser(request);
  if (user instanceof Response) return user;
  return (await deleteRun(user.id, params.value.runId)) ? Response.json({ deleted: true }) : notFound();
});
