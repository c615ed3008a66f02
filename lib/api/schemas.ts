import { z } from "zod";

export const lessonSlugSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lesson slug like first-look-at-tensors");
export const cellIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, dashes or underscores");

/** The URL of the `/…/[slug]` lesson routes. */
export const lessonParamsSchema = z.object({ slug: lessonSlugSchema });

export const MAX_CELL_CODE_CHARS = 100_000;

/**
 * Learner text that is stored must be well-formed Unicode. A lone surrogate ("\ud800") cannot
 * be written as UTF-8, so the database stores U+FFFD instead: the stored text then differs from
 * what was sent, and an idempotent retry (autosave) looks like a conflict. Refused with 400.
 */
export function wellFormed(schema: z.ZodString): z.ZodString {
  return schema.refine((text) => text.isWellFormed(), "must be valid Unicode text (it contains a lone surrogate)");
}

/** A cell's or a submission's code: well-formed text of at most MAX_CELL_CODE_CHARS. */
export const cellCodeSchema = wellFormed(z.string().max(MAX_CELL_CODE_CHARS, `must be at most ${MAX_CELL_CODE_CHARS} characters`));

/** Account credentials (sign-up, sign-in, `npm run user:create`). */
export const usernameSchema = z.string().regex(/^[a-zA-Z0-9_.-]{3,30}$/, "must be 3-30 letters, digits, dots, dashes or underscores");
export const passwordSchema = z.string().min(8, "must be at least 8 characters").max(128, "must be at most 128 characters");
