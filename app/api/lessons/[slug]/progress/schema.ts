import { z } from "zod";
import { cellIdSchema } from "@/lib/api/schemas";

/** "opened", or "executed" (a cell ran, with its status). */
export const progressEventSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("opened") }).strict(),
  z.object({ event: z.literal("executed"), cellId: cellIdSchema, status: z.enum(["ok", "error"]), executionCount: z.number().int().min(0).max(1_000_000) }).strict(),
]);
