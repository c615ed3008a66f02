import { parseParams } from "@/lib/api/responses";
import { lessonParamsSchema } from "@/lib/api/schemas";
import { jsonRoute, readingUser } from "@/lib/api/learner-route";
import { errorResponse } from "@/lib/api/responses";
import { lessonExerciseProgress } from "@/lib/db/submissions";
import { lessonExists } from "@/lib/lessons/exists";

type Context = { params: Promise<{ slug: string }> };

/** The caller's progress on the lesson's exercises: attempts, hints, solution views, best and last grade. */
export const GET = jsonRoute(async (request: Request, context: Context) => {
  const params = parseParams(await context.params, lessonParamsSchema);
  if (!params.ok) return params.response;
  if (!lessonExists(params.value.slug)) return errorResponse(404, `No lesson "${params.value.slug}"`);
  const user = await readingUser(request);
  if (user instanceof Response) return user;
  return Response.json({ exercises: await lessonExerciseProgress(user.id, params.value.slug) });
});
