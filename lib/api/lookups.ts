/** What a URL or body names, looked up for route() `lookup`s: each throws the HttpError to answer when it is not there. */
import type { ExerciseKey } from "../db/submissions";
import type { RequestUser } from "../auth/request-user";
import { lessonExists } from "../lessons/exists";
import { findExercise, type ExerciseWithDependencies } from "../lessons/exercises";
import { HttpError } from "./http-error";

/** 404 unless the course has a lesson `slug`. */
export function knownLesson(slug: string): string {
  if (!lessonExists(slug)) throw new HttpError(404, `No lesson "${slug}"`);
  return slug;
}

/** The exercise `/exercises/[slug]/[exerciseId]` names: 404 for an unknown lesson or exercise. */
export function knownExercise({ slug, exerciseId }: { slug: string; exerciseId: string }): ExerciseWithDependencies {
  knownLesson(slug);
  const found = findExercise(slug, exerciseId);
  if (!found) throw new HttpError(404, `Lesson "${slug}" has no exercise "${exerciseId}"`);
  return found;
}

/** The row key of `user`'s work on an exercise. */
export function exerciseKey(user: RequestUser, { slug, exerciseId }: { slug: string; exerciseId: string }): ExerciseKey {
  return { userId: user.id, lessonSlug: slug, exerciseId };
}

/**
 * 400 for a well-formed cell id the lesson does not have. `where` names the part of the request
 * that carried it, as the zod errors of responses.ts do.
 */
export function knownCell(slug: string, cellId: string, known: ReadonlySet<string> | readonly string[], where: "request body" | "URL parameter"): void {
  const has = "has" in known ? known.has(cellId) : known.includes(cellId);
  if (!has) throw new HttpError(400, `Invalid ${where}: cellId: lesson "${slug}" has no cell "${cellId}"`);
}
