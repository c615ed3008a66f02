import { z } from "zod";
import { cursorSchema, pageSizeSchema } from "@/lib/discussion/schemas";

/** `?filter=all|reported|hidden&cursor=<nextCursor>&limit=<1-50>` */
export const courseCommentsQuerySchema = z.object({
  filter: z.enum(["all", "reported", "hidden"]).default("all"),
  cursor: cursorSchema.optional(),
  limit: pageSizeSchema,
});
