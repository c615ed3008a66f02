import { lessonFromParams } from "@/lib/api/lesson-params";
import { recordCellRun } from "@/lib/db/cells";
import { progressOf, recordCellExecuted, recordLessonOpened } from "@/lib/db/progress";
import { errorResponse, parseParams, readJsonBody } from "@/lib/api/responses";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { progressEventSchema } from "@/lib/api/learner-schemas";
import { lessonParts } from "@/lib/api/learner-lesson-parts";
import { unknownCellResponse } from "@/lib/api/lesson-cell-ids";
import { jsonRoute, readingUser, sameOrigin, writingUser } from "@/lib/api/learner-route";
import { lessonExists } from "@/lib/lessons/exists";

type Context = { params: Promise<{ slug: string }> };

/** The caller's progress in one lesson. */
export const GET = jsonRoute(async (request: Request, context: Context) => {
  const lesson = await lessonFromParams(context.params);
  if (!lesson.ok) return lesson.response;
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  const progress = (await progressOf(user.id)).find((p) => p.lessonSlug === lesson.slug) ?? null;
  return Response.json({ progress }, { headers: { "cache-control": "no-store" } });
});

/** Records "opened" or "executed" (a cell ran, with its status) for the caller. */
export const POST = jsonRoute(async (request: Request, context: Context) => {
  const params = parseParams(await context.params, lessonParamsSchema);
  if (!params.ok) return params.response;
  const body = await readJsonBody(request, progressEventSchema);
  if (!body.ok) return body.response;
  const slug = params.value.slug;
  if (!lessonExists(slug)) return errorResponse(404, `No lesson "${slug}"`);
  const refused = sameOrigin(request);
  if (refused) return refused;
  const user = await writingUser(request);
  if (user instanceof Response) return user;
  const event = body.value;
  if (event.event === "opened") {
    await recordLessonOpened(user.id, slug);
    return Response.json({ ok: true });
  }
  const parts = lessonParts(slug);
  const unknownCell = unknownCellResponse(slug, event.cellId, parts.cellIds, "request body");
  if (unknownCell) return unknownCell;
  await recordCellRun(user.id, slug, event.cellId, event.status, event.executionCount);
  const progress = await recordCellExecuted(user.id, slug, event.cellId, event.status, parts.cellIds, parts.exerciseIds);
  return Response.json({ progress });
});
