import { describe, expect, it } from "vitest";
import { courseTimeSummary, lessonSummary, totalCellMs, type LessonReport } from "@/scripts/lessons-check/index";

const report = (file: string, durations: number[], problems = 0): LessonReport => ({
  file: `/repo/lessons/${file}`,
  problems: Array.from({ length: problems }, () => ({ file, line: 1, message: "x" })),
  cells: durations.length,
  exercises: 1,
  checks: 3,
  cellDurations: durations.map((ms, i) => ({ id: `c${i}`, ms })),
});

describe("lessons:check summary", () => {
  it("reports each lesson's total cell time (the sum of its cell durations) and the slowest cell", () => {
    const r = report("a.mdx", [1200, 30_500, 300]);
    expect(totalCellMs(r)).toBe(32_000);
    expect(lessonSummary(r, "/repo")).toBe("lessons/a.mdx: 3 cells, 1 exercises (3 checks), total cell time 32.0 s (slowest: c1, 30.5 s) — ok");
    expect(lessonSummary(report("b.mdx", [100], 2), "/repo")).toMatch(/total cell time 0\.1 s .* — 2 problem\(s\)$/);
  });

  it("leaves the time out when no cell ran (--static), and sums lessons only when there are several", () => {
    expect(lessonSummary(report("a.mdx", []), "/repo")).toBe("lessons/a.mdx: 0 cells, 1 exercises (3 checks) — ok");
    expect(courseTimeSummary([report("a.mdx", [1000])])).toBeNull();
    expect(courseTimeSummary([report("a.mdx", [1000, 500]), report("b.mdx", [2500]), report("c.mdx", [])])).toBe("total cell time of 2 lessons: 4.0 s");
  });
});
