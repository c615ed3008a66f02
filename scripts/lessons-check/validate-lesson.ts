import { readFile } from "node:fs/promises";
import type { CourseOutline } from "../../lib/lessons/frontmatter";
import type { LessonCell } from "../../lib/lessons/cells";
import type { SandboxLimits } from "../../lib/grading/sandbox/grader";
import { gradeExercises } from "./grade-exercises";
import { NodeKernel } from "./node-kernel";
import type { LessonProblem } from "./problems";
import { readAndCheckLesson, type ParsedLesson } from "./static-checks";

/** A cell without `timeout=` must finish within this: lesson cells should take seconds. */
export const DEFAULT_CELL_BUDGET_MS = 30_000;

export interface ValidateOptions {
  outline: CourseOutline;
  /** The grader sandbox's limits (default: the server's, from lib/grading). */
  graderLimits?: SandboxLimits;
  /** Run the cells and grade the exercises (default true); false checks only the text. */
  run?: boolean;
  defaultCellBudgetMs?: number;
  /** Called as each cell or exercise finishes, for progress output. */
  onProgress?: (message: string) => void;
}

export interface LessonReport {
  file: string;
  problems: LessonProblem[];
  cells: number;
  exercises: number;
  checks: number;
  /** Wall time of each cell that ran, by id, in milliseconds. */
  cellDurations: { id: string; ms: number }[];
}

async function runCells(lesson: ParsedLesson, budgetMs: number, onProgress?: (m: string) => void): Promise<{ problems: LessonProblem[]; durations: LessonReport["cellDurations"] }> {
  const kernel = new NodeKernel();
  const problems: LessonProblem[] = [];
  const durations: LessonReport["cellDurations"] = [];
  const fileLine = (cell: LessonCell, lineInCell: number | null) => lesson.bodyLineOffset + cell.line + (lineInCell ?? 0);
  for (const cell of lesson.cells) {
    const budget = cell.timeoutMs ?? budgetMs;
    const run = await kernel.run(cell.code, cell.id, budget);
    durations.push({ id: cell.id, ms: run.durationMs });
    onProgress?.(`  cell ${cell.id}: ${run.error ? "error" : "ok"} in ${(run.durationMs / 1000).toFixed(2)} s`);
    if (cell.raises) {
      if (!run.error) problems.push({ file: lesson.file, line: fileLine(cell, null), message: `cell "${cell.id}" is marked raises but ran without an error` });
      continue;
    }
    if (run.error) {
      problems.push({ file: lesson.file, line: fileLine(cell, run.error.line), message: `cell "${cell.id}" failed: ${run.error.ename}: ${run.error.evalue}` });
    } else if (run.durationMs > budget) {
      problems.push({ file: lesson.file, line: fileLine(cell, null), message: `cell "${cell.id}" took ${(run.durationMs / 1000).toFixed(1)} s, over its ${(budget / 1000).toFixed(0)} s budget` });
    }
  }
  return { problems, durations };
}

/** Validates one lesson file; never throws for a problem in the lesson, it reports it. */
export async function validateLessonFile(file: string, options: ValidateOptions): Promise<LessonReport> {
  const raw = await readFile(file, "utf8");
  const lesson = await readAndCheckLesson(file, raw, options.outline);
  const report: LessonReport = {
    file,
    problems: [...lesson.problems],
    cells: lesson.cells.length,
    exercises: lesson.exercises.length,
    checks: lesson.exercises.reduce((n, e) => n + e.checks.length, 0),
    cellDurations: [],
  };
  if (!lesson.compiled || options.run === false) return report;
  const budgetMs = options.defaultCellBudgetMs ?? DEFAULT_CELL_BUDGET_MS;
  const cellResults = await runCells(lesson, budgetMs, options.onProgress);
  report.problems.push(...cellResults.problems);
  report.cellDurations = cellResults.durations;
  const place = (bodyLine: number, message: string): LessonProblem => ({ file, line: lesson.bodyLineOffset + bodyLine, message });
  report.problems.push(
    ...(await gradeExercises(lesson.exercises, lesson.cells, place, {
      limits: options.graderLimits,
      onVerdict: ({ id, solution, starter }) => {
        const passed = solution ? solution.checks.filter((c) => c.status === "passed").length : 0;
        const starterFails = starter.setupError !== null || starter.checks.some((c) => c.status !== "passed");
        // The grader's per-check limit is what a slow check runs into first: show the headroom.
        const slowest = Math.max(0, ...(solution?.checks ?? []).map((c) => c.durationMs));
        options.onProgress?.(`  exercise ${id}: solution passes ${passed}/${solution?.checks.length ?? 0} checks (slowest ${slowest} ms in the grader), starter ${starterFails ? "fails" : "PASSES"}`);
      },
    })),
  );
  report.problems.sort((a, b) => a.line - b.line);
  return report;
}
