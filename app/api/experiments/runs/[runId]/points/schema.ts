import { z } from "zod";
import { metricName, storedRecord } from "../../schema";

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
