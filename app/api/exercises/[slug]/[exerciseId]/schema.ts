import { z } from "zod";
import { lessonSlugSchema, wellFormed } from "../api/schemas";

export const MAX_SUBMISSION_CHARS = 100_000;

export const exerciseParamsSchema = z.object({
  slug: lessonSlugSchema,
  exerciseId: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be an exercise id like leaky-relu"),
});

/** Only the code: a client-side "passed" or score is not a field, so a forged one is refused. The code is stored, so it must be well-formed text. */
export const submitBodySchema = z.object({ code: wellFormed(z.string().max(MAX_SUBMISSION_CHARS, `must be at most ${MAX_SUBMISSION_CHARS} characters`)) }).strict();

/** `hint` is the 1-based number of the hint being revealed. */
export const hintBodySchema = z.object({ hint: z.number().int().min(1).max(50) }).strict();

/** `early: true` asks for the solution before the author's number of failed attempts (after a warning). */
export const solutionBodySchema = z.object({ early: z.boolean().default(false) }).strict();
