import { z } from "zod";

/** `early: true` asks for the solution before the author's number of failed attempts (after a warning). */
export const solutionBodySchema = z.object({ early: z.boolean().default(false) }).strict();
