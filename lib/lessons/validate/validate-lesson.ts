import { readFile } from "node:fs/promises";
import type { CourseOutline } from "../frontmatter";
import type { LessonCell } from "../cells";
import { gradeExercise, type GradeOptions } from "./grade-exercise";
import { NodeKernel } from "./node-kernel";
import type { LessonProblem } from "./problems";
import { readAndCheckLesson, type ParsedLesson } from "./static-checks";

/** A cell without `timeout=` must finish within this: lesson cells should take seconds. */
export const DEFAULT_CELL_BUDGET_MS = 30_000;

export interface ValidateOptions {
  outline: CourseOutline;
  /** Names the exercise checks need (the grading library's `expect`). */
  checkGlobals: GradeOptions["checkGlobals"];
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

async function gradeExercises(lesson: ParsedLesson, options: ValidateOptions, budgetMs: number): Promise<LessonProblem[]> {
  const problems: LessonProblem[] = [];
  const cellsById = new Map(lesson.cells.map((cell) => [cell.id, cell]));
  const at = (line: number, message: string): LessonProblem => ({ file: lesson.file, line: lesson.bodyLineOffset + line, message });
  const gradeOptions: GradeOptions = { checkGlobals: options.checkGlobals, timeBudgetMs: budgetMs };
  for (const exercise of lesson.exercises) {
    if (!exercise.solution || !exercise.starter || exercise.checks.length === 0) continue; // reported by the static checks
    const solved = await gradeExercise(exercise, exercise.solution.code, cellsById, gradeOptions);
    if (solved.setupError) problems.push(at(exercise.solution.line, `exercise "${exercise.id}": the reference solution does not run: ${solved.setupError}`));
    for (const check of solved.checks) {
      if (!check.passed) problems.push(at(check.line, `exercise "${exercise.id}": the reference solution fails ${check.hidden ? "hidden" : "visible"} check "${check.name}": ${check.message}`));
    }
    const started = await gradeExercise(exercise, exercise.starter.code, cellsById, gradeOptions);
    const starterFails = started.setupError !== null || started.checks.some((check) => !check.passed);
    if (!starterFails) problems.push(at(exercise.starter.line, `exercise "${exercise.id}": the starter code already passes every check, so there is nothing to solve`));
    options.onProgress?.(`  exercise ${exercise.id}: solution ${solved.checks.filter((c) => c.passed).length}/${exercise.checks.length} checks, starter ${starterFails ? "fails" : "PASSES"}`);
  }
  return problems;
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
  report.problems.push(...(await gradeExercises(lesson, options, budgetMs)));
  report.problems.sort((a, b) => a.line - b.line);
  return report;
}
