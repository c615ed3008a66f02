import { describe, expect, it } from "vitest";
import { comparisonTitle, configColour, groupLabel, groupRuns, varyingFields } from "@/app/_components/experiments/run-groups";
import type { RunSummary } from "@/lib/db/experiments";

let minute = 0;
function run(params: Record<string, unknown>, codeHash: string | null = "c0de", name = "activation-sweep"): RunSummary {
  minute++;
  return {
    id: `run-${minute}`,
    lessonSlug: "activation-functions",
    cellId: "experiment-activations",
    name,
    params,
    seed: 0,
    codeHash,
    engineVersion: "x",
    status: "finished",
    statusReason: null,
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    endedAt: null,
    durationMs: null,
    finalMetrics: {},
  };
}

describe("grouping repeated runs", () => {
  it("turns four Run alls of a three-activation sweep into three configurations of four runs, newest first", () => {
    const runs: RunSummary[] = [];
    for (let round = 0; round < 4; round++) for (const activation of ["sigmoid", "tanh", "relu"]) runs.push(run({ activation, lr: 0.1, hidden: 64 }));
    const groups = groupRuns([...runs].reverse());
    expect(groups.map((g) => g.params.activation)).toEqual(["sigmoid", "tanh", "relu"]);
    expect(groups.map((g) => g.runs.length)).toEqual([4, 4, 4]);
    expect(groups[2].runs[0]).toBe(runs[11]);
    const varying = varyingFields(groups);
    expect(varying).toEqual({ params: ["activation"], code: false, name: false });
    expect(groups.map((g) => groupLabel(g, varying, groups))).toEqual(["activation=sigmoid", "activation=tanh", "activation=relu"]);
    expect(comparisonTitle("loss", varying)).toBe("loss by activation");
  });

  it("tells apart configurations by every param that varies, a missing param and edited code", () => {
    const groups = groupRuns([run({ width: 8, lr: 0.5 }), run({ width: 32, lr: 0.5 }), run({ width: 32, lr: 0.1, momentum: 0.9 }), run({ width: 32, lr: 0.1, momentum: 0.9 }, "ed17")]);
    const varying = varyingFields(groups);
    expect(varying).toEqual({ params: ["width", "lr", "momentum"], code: true, name: false });
    expect(groups.map((g) => groupLabel(g, varying, groups))).toEqual([
      "width=8, lr=0.5, momentum=–, code #1",
      "width=32, lr=0.5, momentum=–, code #1",
      "width=32, lr=0.1, momentum=0.9, code #1",
      "width=32, lr=0.1, momentum=0.9, code #2",
    ]);
    expect(comparisonTitle("accuracy", varying)).toBe("accuracy by width, lr, momentum, code");
  });

  it("labels a single configuration by its params, and distinguishes the string '1' from the number 1", () => {
    const one = groupRuns([run({ lr: 0.1 }), run({ lr: 0.1 })]);
    expect(one).toHaveLength(1);
    expect(groupLabel(one[0], varyingFields(one), one)).toBe("lr=0.1");
    expect(comparisonTitle("loss", varyingFields(one))).toBe("loss");
    expect(groupRuns([run({ k: 1 }), run({ k: "1" })])).toHaveLength(2);
  });

  it("gives every configuration a colour of its own, even past the palette", () => {
    const colours = Array.from({ length: 40 }, (_, i) => configColour(i));
    expect(new Set(colours).size).toBe(40);
  });
});
