import { z } from "zod";
import { cellCodeSchema, cellIdSchema, lessonSlugSchema, wellFormed } from "./schemas";

/** Request bodies and query strings of the learner-data routes (cells, progress, experiments, account). */

export const cellVersionSchema = z.number().int("must be an integer").positive("must be positive").max(Number.MAX_SAFE_INTEGER);

export const saveVersionedCellBodySchema = z
  .object({
    code: cellCodeSchema,
    version: cellVersionSchema,
  })
  .strict();

export const progressEventSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("opened") }).strict(),
  z.object({ event: z.literal("executed"), cellId: cellIdSchema, status: z.enum(["ok", "error"]), executionCount: z.number().int().min(0).max(1_000_000) }).strict(),
]);

export const runIdSchema = z.uuid("must be a run id (a UUID)");
/** ASCII only, so it cannot hold a lone surrogate either. */
export const runNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/, "must be 1-64 letters, digits, spaces or _.:-");
const paramValueSchema = z.union([wellFormed(z.string().max(200)), z.number().finite(), z.boolean(), z.null()]);

const paramName = wellFormed(z.string().max(64));
const metricName = wellFormed(z.string().min(1).max(64));

/**
 * A flat JSON object stored as sent (params, metric values). zod's record skips an own
 * `__proto__` key without a word (assigning it would set the prototype), so the stored object
 * would silently lose a field: such an object is refused before the record parses it.
 */
function storedRecord<V extends z.ZodType>(key: z.ZodString, value: V) {
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

export const MAX_POINTS_PER_BATCH = 1000;
export const pointsBodySchema = z
  .object({
    points: z
      .array(
        z
          .object({
            step: z.number().int().min(0).max(100_000_000),
            values: storedRecord(metricName, z.number().finite()).refine((v) => Object.keys(v).length <= 32, "at most 32 metrics per step"),
          })
          .strict(),
      )
      .min(1, "must hold at least one point")
      .max(MAX_POINTS_PER_BATCH, `at most ${MAX_POINTS_PER_BATCH} points per batch`),
  })
  .strict();

export const endRunBodySchema = z
  .object({
    status: z.enum(["finished", "failed", "interrupted", "crashed"]),
    reason: wellFormed(z.string().max(500)).nullable().optional(),
    durationMs: z.number().min(0).max(1e10).optional(),
  })
  .strict();

export const runParamsSchema = z.object({ runId: runIdSchema });

export const runQuerySchema = z.object({
  lesson: lessonSlugSchema.optional(),
  name: runNameSchema.optional(),
  points: z.enum(["0", "1"]).optional(),
});

export const exportQuerySchema = runQuerySchema.extend({ format: z.enum(["csv", "json"]) });

export const usernameSchema = z.string().regex(/^[a-zA-Z0-9_.-]{3,30}$/, "must be 3-30 letters, digits, dots, dashes or underscores");
export const passwordSchema = z.string().min(8, "must be at least 8 characters").max(128, "must be at most 128 characters");
export const credentialsBodySchema = z.object({ username: usernameSchema, password: passwordSchema }).strict();
