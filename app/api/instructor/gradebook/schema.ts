import { z } from "zod";

export const gradebookQuerySchema = z.object({ format: z.enum(["json", "csv"]).default("json") }).strict();
