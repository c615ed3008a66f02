import { z } from "zod";
import { cellIdSchema } from "@/lib/api/schemas";
import { commentBodySchema, commentIdSchema, cursorSchema, pageSizeSchema } from "@/lib/discussion/schemas";

/** `?order=newest|oldest&cursor=<nextCursor>&limit=<1-50>` */
export const commentsQuerySchema = z.object({
  order: z.enum(["newest", "oldest"]).default("newest"),
  cursor: cursorSchema.optional(),
  limit: pageSizeSchema,
});

/** A new comment, or a reply (`parentId`), optionally quoting one of the lesson's cells (`cellId`). */
export const newCommentBodySchema = z
  .object({
    body: commentBodySchema,
    parentId: commentIdSchema.nullable().optional(),
    cellId: cellIdSchema.nullable().optional(),
  })
  .strict();
