import { deleteRun, endRun, getRun } from "@/lib/db/experiments";
import { HttpError } from "@/lib/api/http-error";
import { route } from "@/lib/api/route";
import { endRunBodySchema, runParamsSchema } from "./schema";

const noSuchRun = () => new HttpError(404, "No such run");

/** One of the caller's runs with its curves; someone else's run is 404, as if it did not exist. */
export const GET = route({ params: runParamsSchema, auth: "reader" }, async ({ params, user }) => {
  const run = await getRun(user.id, params.runId);
  if (!run) throw noSuchRun();
  return Response.json({ run }, { headers: { "cache-control": "no-store" } });
});

/** Ends a running run: finished, failed, interrupted or crashed. The first ending sticks. */
export const PATCH = route({ params: runParamsSchema, body: endRunBodySchema, auth: "writer" }, async ({ params, body, user }) => {
  const run = await endRun(user.id, params.runId, body.status, body.reason ?? null, new Date(), body.durationMs);
  if (!run) throw noSuchRun();
  return Response.json({ run });
});

export const DELETE = route({ params: runParamsSchema, auth: "writer" }, async ({ params, user }) => {
  if (!(await deleteRun(user.id, params.runId))) throw noSuchRun();
  return Response.json({ deleted: true });
});
