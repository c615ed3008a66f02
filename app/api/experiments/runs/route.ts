import { createRun, listRuns } from "@/lib/db/experiments";
import { clearOldRuns } from "@/lib/db/experiment-cleanup";
import { HttpError } from "@/lib/api/http-error";
import { route } from "@/lib/api/route";
import { lessonExists } from "@/lib/lessons/exists";
import { clearRunsQuerySchema, createRunBodySchema, runQuerySchema } from "./schema";

/** The caller's runs, optionally filtered by ?lesson= and ?name=, with curves when ?points=1. */
export const GET = route({ query: runQuerySchema, auth: "reader" }, async ({ query, user }) => {
  const runs = await listRuns(user.id, { lessonSlug: query.lesson, name: query.name, withPoints: query.points === "1" });
  return Response.json({ runs }, { headers: { "cache-control": "no-store" } });
});

/** Starts a run under the id the page chose (so retries are idempotent): 201, or 200 if it exists. */
export const POST = route(
  {
    body: createRunBodySchema,
    lookup: ({ body }) => {
      if (!lessonExists(body.lessonSlug)) throw new HttpError(400, `Invalid request body: lessonSlug: no lesson "${body.lessonSlug}"`);
    },
    auth: "writer",
  },
  async ({ body, user }) => {
    const result = await createRun(user.id, { ...body, startedAt: new Date(body.startedAt) });
    if (result.outcome === "taken") throw new HttpError(409, "That run id is already in use");
    return Response.json({ run: result.run }, { status: result.outcome === "created" ? 201 : 200 });
  },
);

/**
 * "Clear old runs" of a lesson: deletes the caller's runs that the same configuration (name,
 * params, code hash) started again later, keeping the latest of each; never another learner's
 * runs, never one still running. Answers what was deleted and kept.
 */
export const DELETE = route(
  {
    query: clearRunsQuerySchema,
    lookup: ({ query }) => {
      if (!lessonExists(query.lesson)) throw new HttpError(404, `No lesson "${query.lesson}"`);
    },
    auth: "writer",
  },
  async ({ query, user }) => Response.json(await clearOldRuns(user.id, query.lesson, query.name)),
);
