import { recordCellRun } from "@/lib/db/cells";
import { progressOf, recordCellExecuted, recordLessonOpened } from "@/lib/db/progress";
import { knownCell, knownLesson } from "@/lib/api/lookups";
import { route } from "@/lib/api/route";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { lessonParts } from "@/lib/lessons/lesson-parts";
import { progressEventSchema } from "./schema";

/** The caller's progress in one lesson. */
export const GET = route({ params: lessonParamsSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "reader" }, async ({ user, found: slug }) => {
  const progress = (await progressOf(user.id)).find((p) => p.lessonSlug === slug) ?? null;
  return Response.json({ progress }, { headers: { "cache-control": "no-store" } });
});

/** Records "opened" or "executed" (a cell ran, with its status) for the caller. */
export const POST = route({ params: lessonParamsSchema, body: progressEventSchema, lookup: ({ params }) => knownLesson(params.slug), auth: "writer" }, async ({ body: event, user, found: slug }) => {
  if (event.event === "opened") {
    await recordLessonOpened(user.id, slug);
    return Response.json({ ok: true });
  }
  const parts = lessonParts(slug);
  knownCell(slug, event.cellId, parts.cellIds, "request body");
  await recordCellRun(user.id, slug, event.cellId, event.status, event.executionCount);
  const progress = await recordCellExecuted(user.id, slug, event.cellId, event.status, parts.cellIds, parts.exerciseIds);
  return Response.json({ progress });
});
