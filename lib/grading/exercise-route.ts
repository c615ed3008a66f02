/** What the exercise route handlers share: resolving the URL to an exercise and the caller. */
import { errorResponse, parseParams } from "../api/responses";
import { sameOrigin, writingUser } from "../api/learner-route";
import type { RequestUser } from "../auth/request-user";
import type { ExerciseKey } from "../db/submissions";
import { findExercise, type ExerciseWithDependencies } from "../lessons/exercises";
import { lessonExists } from "../lessons/exists";
import { exerciseParamsSchema } from "./api-schemas";

export type ExerciseContext = { params: Promise<{ slug: string; exerciseId: string }> };

export interface ResolvedExercise extends ExerciseWithDependencies {
  user: RequestUser;
  key: ExerciseKey;
}

/**
 * The exercise the URL names and the writing caller, or the response to send instead
 * (400 bad parameters, 404 unknown lesson or exercise, 403 cross-site, 401 no identity).
 * `validateBody` runs before anything else is looked up, so a bad body writes nothing.
 */
export async function resolveExercise(request: Request, context: ExerciseContext, validateBody: () => Promise<Response | null>): Promise<ResolvedExercise | Response> {
  const params = parseParams(await context.params, exerciseParamsSchema);
  if (!params.ok) return params.response;
  const invalid = await validateBody();
  if (invalid) return invalid;
  const { slug, exerciseId } = params.value;
  if (!lessonExists(slug)) return errorResponse(404, `No lesson "${slug}"`);
  const found = findExercise(slug, exerciseId);
  if (!found) return errorResponse(404, `Lesson "${slug}" has no exercise "${exerciseId}"`);
  const refused = sameOrigin(request);
  if (refused) return refused;
  const user = await writingUser(request);
  if (user instanceof Response) return user;
  return { ...found, user, key: { userId: user.id, lessonSlug: slug, exerciseId } };
}
