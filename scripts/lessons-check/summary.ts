/** The per-lesson summary lines of `npm run lessons:check`, with each lesson's total cell time. */
import path from "node:path";
import type { LessonReport } from "./validate-lesson";

/** Sum of the lesson's cell durations: what Run all costs on this machine, grading excluded. */
export function totalCellMs(report: Pick<LessonReport, "cellDurations">): number {
  return report.cellDurations.reduce((sum, cell) => sum + cell.ms, 0);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `lessons/x.mdx: 24 cells, 4 exercises (9 checks), total cell time 41.2 s (slowest: train, 20.3 s) — ok` */
export function lessonSummary(report: LessonReport, cwd = process.cwd()): string {
  const slowest = [...report.cellDurations].sort((a, b) => b.ms - a.ms)[0];
  const timing = slowest ? `, total cell time ${seconds(totalCellMs(report))} (slowest: ${slowest.id}, ${seconds(slowest.ms)})` : "";
  return `${path.relative(cwd, report.file)}: ${report.cells} cells, ${report.exercises} exercises (${report.checks} checks)${timing} — ${report.problems.length === 0 ? "ok" : `${report.problems.length} problem(s)`}`;
}

/** The line under the summaries when several lessons ran: the course's Run all, lesson after lesson. */
export function courseTimeSummary(reports: LessonReport[]): string | null {
  const ran = reports.filter((r) => r.cellDurations.length > 0);
  if (ran.length < 2) return null;
  return `total cell time of ${ran.length} lessons: ${seconds(ran.reduce((sum, r) => sum + totalCellMs(r), 0))}`;
}
