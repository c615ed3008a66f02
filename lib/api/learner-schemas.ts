import { z } from "zod";
import { cellIdSchema, lessonSlugSchema, MAX_CELL_CODE_CHARS } from "./schemas";

/** Request bodies and query strings of the learner-data routes (cells, progress, experiments, account). */

export const cellVersionSchema = z.number().int("must be an integer").positive("must be positive").max(Number.MAX_SAFE_INTEGER);

export const saveVersionedCellBodySchema = z
  .object({
    code: z.string().max(MAX_CELL_CODE_CHARS, `must be at most ${MAX_CELL_CODE_CHARS} characters`),
    version: cellVersionSchema,
  })
  .strict();

export const progressEventSchema = z.discriminatedUnion("event", [
  z.object({ event: z.literal("opened") }).strict(),
  z.object({ event: z.literal("executed"), cellId: cellIdSchema, status: z.enum(["ok", "error"]), executionCount: z.number().int().min(0).max(1_000_000) }).strict(),
]);

export const runIdSchema = z.uuid("must be a run id (a UUID)");
export const runNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/, "must be 1-64 letters, digits, spaces or _.:-");
const paramValueSchema = z.union([z.string().max(200), z.number().finite(), z.boolean(), z.null()]);
const metricName = z.string().min(1).max(64);

export const createRunBodySchema = z
  .object({
    id: runIdSchema,
    lessonSlug: lessonSlugSchema,
    cellId: cellIdSchema.nullable(),
    name: runNameSchema,
    params: z.record(z.string().max(64), paramValueSchema).refine((p) => Object.keys(p).length <= 50, "at most 50 params"),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
    codeHash: z.string().regex(/^[0-9a-f]{8,128}$/, "must be a hex digest").nullable(),
    engineVersion: z.string().max(64).nullable(),
    startedAt: z.number().int().positive(),
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
            values: z.record(metricName, z.number().finite()).refine((v) => Object.keys(v).length <= 32, "at most 32 metrics per step"),
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
    reason: z.string().max(500).nullable().optional(),
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
