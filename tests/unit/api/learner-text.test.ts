import { describe, expect, it } from "vitest";
import { cellCodeSchema } from "@/lib/api/schemas";
import { createRunBodySchema } from "@/app/api/experiments/runs/schema";
import { endRunBodySchema } from "@/app/api/experiments/runs/[runId]/schema";
import { pointsBodySchema } from "@/app/api/experiments/runs/[runId]/points/schema";
import { saveVersionedCellBodySchema } from "@/app/api/lessons/[slug]/cells/[cellId]/schema";
import { submitBodySchema } from "@/app/api/exercises/[slug]/[exerciseId]/submit/schema";

// Every learner text that is stored refuses a lone surrogate: SQLite writes UTF-8, where one
// cannot be encoded, so the stored text would silently differ from what was sent.
const LONE = ["\ud800", "\udfff", "a\ud83d", "\ude00b"];
const WELL_FORMED = ["", "plain", "📉 ✓ \u{1F600}", "\ud83d\ude00"];

describe("learner text fields", () => {
  it.each(LONE)("refuse %j in cell code, submission code, param values and names, metric names, engine version and reason", (bad) => {
    const run = { id: crypto.randomUUID(), lessonSlug: "first-look-at-tensors", cellId: null, name: "r", params: {}, seed: null, codeHash: null, engineVersion: null, startedAt: Date.UTC(2026, 0, 1) };
    expect(cellCodeSchema.safeParse(bad).success).toBe(false);
    expect(saveVersionedCellBodySchema.safeParse({ code: bad, version: 1 }).success).toBe(false);
    expect(submitBodySchema.safeParse({ code: `function f() { return "${bad}"; }` }).success).toBe(false);
    expect(createRunBodySchema.safeParse(run).success).toBe(true);
    expect(createRunBodySchema.safeParse({ ...run, params: { lr: bad } }).success).toBe(false);
    expect(createRunBodySchema.safeParse({ ...run, params: { [`lr${bad}`]: 1 } }).success).toBe(false);
    expect(createRunBodySchema.safeParse({ ...run, engineVersion: bad }).success).toBe(false);
    expect(pointsBodySchema.safeParse({ points: [{ step: 0, values: { [`loss${bad}`]: 1 } }] }).success).toBe(false);
    expect(endRunBodySchema.safeParse({ status: "failed", reason: bad }).success).toBe(false);
  });

  it.each(WELL_FORMED)("accept %j", (good) => {
    expect(saveVersionedCellBodySchema.safeParse({ code: good, version: 1 }).success).toBe(true);
    expect(submitBodySchema.safeParse({ code: good }).success).toBe(true);
    expect(endRunBodySchema.safeParse({ status: "failed", reason: good }).success).toBe(true);
  });
});
