import { createRun, listRuns } from "@/lib/db/experiments";
import { errorResponse, parseParams, readJsonBody } from "@/lib/api/responses";
import { createRunBodySchema, runQuerySchema } from "@/lib/api/learner-schemas";
import { jsonRoute, queryOf, readingUser, sameOrigin, writingUser } from "@/lib/api/learner-route";
import { lessonExists } from "@/lib/lessons/exists";

/** The caller's runs, optionally filtered by ?lesson= and ?name=, with curves when ?points=1. */
export const GET = jsonRoute(async (request: Request) => {
  const query = parseParams(queryOf(request), runQuerySchema);
  if (!query.ok) return query.response;
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  const runs = await listRuns(user.id, { lessonSlug: query.value.lesson, name: query.value.name, withPoints: query.value.points === "1" });
  return Response.json({ runs }, { headers: { "cache-control": "no-store" } });
});

/** Starts a run under the id the page chose (so retries are idempotent): 201, or 200 if it exists. */
export const POST = jsonRoute(async (request: Request) => {
  const body = await readJsonBody(request, createRunBodySchema);
  if (!body.ok) return body.response;
  if (!lessonExists(body.value.lessonSlug)) return errorResponse(400, `Invalid request body: lessonSlug: no lesson "${body.value.lessonSlug}"`);
  const refused = sameOrigin(request);
  if (refused) return refused;
  const user = await writingUser(request);
  if (user instanceof Response) return user;
  const result = await createRun(user.id, { ...body.value, startedAt: new Date(body.value.startedAt) });
  if (result.outcome === "taken") return errorResponse(409, "That run id is already in use");
  return Response.json({ run: result.run }, { status: result.outcome === "created" ? 201 : 200 });
});
