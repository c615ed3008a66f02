import { z } from "zod";

export const visibleChecksSchema = z.array(
  z.object({
    name: z.string(),
    code: z.string(),
    free: z.boolean().optional(),
    scope: z.object({ graded: z.array(z.string()), dependencies: z.array(z.string()) }).optional(),
  }),
);
