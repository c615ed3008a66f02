import { z } from "zod";

export { commentParamsSchema } from "@/lib/discussion/schemas";

/** What an instructor does to a comment. */
export const moderationBodySchema = z.object({ action: z.enum(["pin", "unpin", "hide", "unhide", "remove", "dismiss-reports"]) }).strict();
