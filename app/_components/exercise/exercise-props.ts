import { z } from "zod";

export const visibleChecksSchema = z.array(z.object({ name: z.string(), code: z.string() }));
