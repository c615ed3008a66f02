import { savedCells } from "@/lib/db/cells";
import { errorResponse, parseParams } from "@/lib/api/responses";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { jsonRoute, readingUser } from "@/lib/api/learner-route";
import { lessonExists } from "@/lib/lessons/exists";
import { lessonParts } from "@/lib/api/learner-lesson-parts";

/** The calling learner's saved code (with versions) for every cell of a lesson, and the lesson's original code. */
export const GET = jsonRoute(async (request: Request, context: { params: Promise<{ slug: string }> }) => {
  const params = parseParams(await context.params, lessonParamsSchema);
  if (!params.ok) return params.response;
  if (!lessonExists(params.value.slug)) return errorResponse(404, `No lesson "${params.value.slug}"`);
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  const cells = await savedCells(user.id, params.value.slug);
  return Response.json({ cells, original: lessonParts(params.value.slug).originalCode }, { headers: { "cache-control": "no-store" } });
});
