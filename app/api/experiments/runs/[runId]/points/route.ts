import { addPoints } from "@/lib/db/experiments";
import { HttpError } from "@/lib/api/http-error";
import { json } from "@/lib/api/reply";
import { route } from "@/lib/api/route";
import { runParamsSchema } from "../schema";
import { pointsBodySchema } from "./schema";

/** Adds a batch of metric points to one of the caller's runs (idempotent per step); 409 once the run holds the most points a run keeps. */
export const POST = route({ params: runParamsSchema, body: pointsBodySchema, auth: "writer" }, async ({ params, body, user }) => {
  const result = await addPoints(user.id, params.runId, body.points);
  if (result.outcome === "not_found") throw new HttpError(404, "No such run");
  if (result.outcome === "full") throw new HttpError(409, `This run already holds the most points a run may keep (${result.limit}); start a new run`);
  return json({ stored: result.stored });
});
