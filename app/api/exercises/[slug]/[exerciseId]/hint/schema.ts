import { z } from "zod";

/** `hint` is the 1-based number of the hint being revealed. */
export const hintBodySchema = z.object({ hint: z.number().int().min(1).max(50) }).strict();
