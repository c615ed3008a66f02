import { z } from "zod";
import { reportReasonSchema } from "@/lib/discussion/schemas";

export { commentParamsSchema } from "@/lib/discussion/schemas";

/** Why a learner reports a comment (instructors read it). */
export const reportBodySchema = z.object({ reason: reportReasonSchema }).strict();
