import { z } from "zod";

export const lessonSlugSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lesson slug like first-look-at-tensors");
export const cellIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, dashes or underscores");

export const lessonParamsSchema = z.object({ slug: lessonSlugSchema });
export const cellParamsSchema = z.object({ slug: lessonSlugSchema, cellId: cellIdSchema });

export const MAX_CELL_CODE_CHARS = 100_000;
export const saveCellBodySchema = z.object({ code: z.string().max(MAX_CELL_CODE_CHARS, `must be at most ${MAX_CELL_CODE_CHARS} characters`) }).strict();
export type SaveCellBody = z.infer<typeof saveCellBodySchema>;
