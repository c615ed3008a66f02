import { z } from "zod";
import { cellIdSchema } from "@/lib/api/schemas";
import { commentBodySchema } from "@/lib/discussion/schemas";

export { commentParamsSchema } from "@/lib/discussion/schemas";

/** The author's new text, and optionally the cell it quotes (null: none; left out: unchanged). */
export const editCommentBodySchema = z
  .object({
    body: commentBodySchema,
    cellId: cellIdSchema.nullable().optional(),
  })
  .strict();
