import { z } from "zod";
import { gradebookViewSchema } from "@/lib/api/gradebook-query";

/** The view (show, q, sort, dir, page, pageSize) and the format: one page as JSON, or every selected learner as the LMS CSV, or the per-exercise summary CSV. */
export const gradebookQuerySchema = gradebookViewSchema.extend({ format: z.enum(["json", "csv", "summary-csv"]).default("json") }).strict();
