import { z } from "zod";
import { cellIdSchema, lessonSlugSchema, wellFormed } from "@/lib/api/schemas";

/** Experiment runs: the building blocks here are shared by /runs/[runId], /runs/[runId]/points and /export. */

export const runIdSchema = z.uuid("must be a run id (a UUID)");
/** ASCII only, so it cannot hold a lone surrogate either. */
export const runNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/, "must be 1-64 letters, digits, spaces or _.:-");
const paramValueSchema = z.union([wellFormed(z.string().max(200)), z.number().finite(), z.boolean(), z.null()]);

const paramName = wellFormed(z.string().max(64));
export const metricName = wellFormed(z.string().min(1).max(64));

/**
 * A flat JSON object stored as sent (params, metric values). zod's record skips an own
 * `__proto__` key without a word (assigning it would set the prototype), so the stored object
 * would silently lose a field: such an object is refused before the record parses it.
 */
export function storedRecord<V extends z.ZodType>(key: z.ZodString, value: V) {
  return z
    .custom<unknown>((input) => typeof input !== "object" || input === null || !Object.hasOwn(input, "__proto__"), 'must not have a "__proto__" key')
    .pipe(z.record(key, value));
}

/**
 * Epoch milliseconds a run may start at: 2000-01-01 to 2100-01-01. A Date only holds
 * ±8.64e15 ms, so a larger number (9e15) made an Invalid Date and a 500; anything outside this
 * range is a broken clock or a forged request either way.
 */
export const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);
export const MAX_TIMESTAMP_MS = Date.UTC(2100, 0, 1);
const timestampSchema = z
  .number()
  .int("must be an integer (epoch milliseconds)")
  .min(MIN_TIMESTAMP_MS, "must be a time after 2000-01-01 (epoch milliseconds)")
  .max(MAX_TIMESTAMP_MS, "must be a time before 2100-01-01 (epoch milliseconds)");

export const createRunBodySchema = z
  .object({
    id: runIdSchema,
    lessonSlug: lessonSlugSchema,
    cellId: cellIdSchema.nullable(),
    name: runNameSchema,
    params: storedRecord(paramName, paramValueSchema).refine((p) => Object.keys(p).length <= 50, "at most 50 params"),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
    codeHash: z.string().regex(/^[0-9a-f]{8,128}$/, "must be a hex digest").nullable(),
    engineVersion: wellFormed(z.string().max(64)).nullable(),
    startedAt: timestampSchema,
  })
  .strict();

export const runQuerySchema = z.object({
  lesson: lessonSlugSchema.optional(),
  name: runNameSchema.optional(),
  points: z.enum(["0", "1"]).optional(),
});

/** DELETE /api/experiments/runs: clear the caller's old repeats in a lesson (of one name, optionally). */
export const clearRunsQuerySchema = z.object({ lesson: lessonSlugSchema, name: runNameSchema.optional() }).strict();
