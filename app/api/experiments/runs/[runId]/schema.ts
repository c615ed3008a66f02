import { z } from "zod";
import { wellFormed } from "@/lib/api/schemas";
import { runIdSchema } from "../schema";

export const runParamsSchema = z.object({ runId: runIdSchema });

export const endRunBodySchema = z
  .object({
    status: z.enum(["finished", "failed", "interrupted", "crashed"]),
    reason: wellFormed(z.string().max(500)).nullable().optional(),
    durationMs: z.number().min(0).max(1e10).optional(),
  })
  .strict();
