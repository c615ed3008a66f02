import { z } from "zod";
import { LEARNER_CELL_KINDS } from "@/lib/db/learner-cells";
import { cellCodeSchema, cellIdSchema, lessonSlugSchema } from "@/lib/api/schemas";
import { cellVersionSchema } from "../../cells/[cellId]/schema";

/** A learner's own cell id: "own-" and a random suffix, so it can never be a lesson cell's id. */
export const learnerCellIdSchema = z.string().regex(/^own-[A-Za-z0-9_-]{6,60}$/, 'must be "own-" and 6-60 letters, digits, dashes or underscores');

export const learnerCellParamsSchema = z.object({ slug: lessonSlugSchema, cellId: learnerCellIdSchema });

export const saveLearnerCellBodySchema = z
  .object({
    code: cellCodeSchema,
    version: cellVersionSchema,
    kind: z.enum(LEARNER_CELL_KINDS),
    // Any well-formed id, not only the lesson's current ones: a cell anchored to a lesson cell
    // that a later version of the lesson dropped is still saved (the page shows it at the end).
    anchor: z.union([z.literal(""), cellIdSchema]),
    position: z.number().min(-1e15).max(1e15),
    deleted: z.boolean(),
  })
  .strict();
