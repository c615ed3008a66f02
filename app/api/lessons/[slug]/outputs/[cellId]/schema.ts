import { z } from "zod";
import { cellIdSchema, lessonSlugSchema } from "@/lib/api/schemas";

export const outputParamsSchema = z.object({ slug: lessonSlugSchema, cellId: cellIdSchema });

const MAX_OUTPUTS_PER_CELL = 200;

/** A MIME bundle: text/plain always, other keys MIME types with any JSON value. */
const mimeBundleSchema = z
  .object({ "text/plain": z.string() })
  .catchall(z.json())
  .refine((bundle) => Object.keys(bundle).every((key) => /^[a-z]+\/[\w.+-]+$/.test(key)), "keys must be MIME types");

/** One output in nbformat's shape (lib/kernel/protocol.ts CellOutput). */
const cellOutputSchema = z.discriminatedUnion("output_type", [
  z.object({ output_type: z.literal("stream"), name: z.enum(["stdout", "stderr"]), text: z.string() }).strict(),
  z.object({ output_type: z.literal("display_data"), data: mimeBundleSchema, display_id: z.string().max(200).optional() }).strict(),
  z.object({ output_type: z.literal("execute_result"), execution_count: z.number().int().nonnegative(), data: mimeBundleSchema }).strict(),
  z
    .object({
      output_type: z.literal("error"),
      ename: z.string().max(1000),
      evalue: z.string(),
      traceback: z.array(z.string()).max(200),
      line: z.number().int().positive().nullable(),
    })
    .strict(),
]);

export const saveCellOutputsBodySchema = z
  .object({
    outputs: z.array(cellOutputSchema).max(MAX_OUTPUTS_PER_CELL, `must hold at most ${MAX_OUTPUTS_PER_CELL} outputs`),
    executionCount: z.number().int().positive().nullable(),
    codeHash: z.string().regex(/^[0-9a-f]{8}$/, "must be 8 hex digits"),
    ranAt: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  })
  .strict();
