import { z } from "zod";
import { runQuerySchema } from "../runs/schema";

/** The list's filters, plus the download format. */
export const exportQuerySchema = runQuerySchema.extend({ format: z.enum(["csv", "json"]) });
