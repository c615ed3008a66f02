import { z } from "zod";
import { lessonSlugSchema } from "@/lib/api/schemas";

/** The URL of every exercise route: /api/exercises/[slug]/[exerciseId]/... */
export const exerciseParamsSchema = z.object({
  slug: lessonSlugSchema,
  exerciseId: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be an exercise id like leaky-relu"),
});
