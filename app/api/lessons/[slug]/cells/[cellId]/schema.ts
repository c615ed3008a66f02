import { z } from "zod";
import { cellCodeSchema, cellIdSchema, lessonSlugSchema } from "@/lib/api/schemas";

export const cellParamsSchema = z.object({ slug: lessonSlugSchema, cellId: cellIdSchema });

export const cellVersionSchema = z.number().int("must be an integer").positive("must be positive").max(Number.MAX_SAFE_INTEGER);

export const saveVersionedCellBodySchema = z
  .object({
    code: cellCodeSchema,
    version: cellVersionSchema,
  })
  .strict();
