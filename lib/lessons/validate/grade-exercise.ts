import type { LessonCell } from "../cells";
import type { LessonExercise } from "./exercises";
import { NodeKernel } from "./node-kernel";

export interface CheckOutcome {
  name: string;
  hidden: boolean;
  line: number;
  passed: boolean;
  /** Why it failed, in the learner's terms (the assertion's message). */
  message: string | null;
}

export interface GradeOutcome {
  /** The candidate code itself failed to run (before any check). */
  setupError: string | null;
  checks: CheckOutcome[];
}

export interface GradeOptions {
  /** Names the checks need besides the engine and the notebook builtins (`expect`). */
  checkGlobals: () => Record<string, unknown>;
  timeBudgetMs: number;
}

/**
 * Grades `code` as the server grader does: a fresh kernel runs the exercise's `dependsOn`
 * cells, then the code, then every check (visible and hidden) as its own cell, so one
 * failing check does not hide the others.
 */
export async function gradeExercise(
  exercise: LessonExercise,
  code: string,
  cellsById: ReadonlyMap<string, LessonCell>,
  options: GradeOptions,
): Promise<GradeOutcome> {
  const kernel = new NodeKernel(options.checkGlobals());
  for (const id of exercise.dependsOn) {
    const cell = cellsById.get(id);
    if (!cell) continue; // reported separately as an unknown dependency
    const run = await kernel.run(cell.code, id, cell.timeoutMs ?? options.timeBudgetMs);
    if (run.error) return { setupError: `dependency cell "${id}" failed: ${run.error.ename}: ${run.error.evalue}`, checks: [] };
  }
  const candidate = await kernel.run(code, `${exercise.id}:code`, options.timeBudgetMs);
  if (candidate.error) {
    return { setupError: `${candidate.error.ename}: ${candidate.error.evalue}`, checks: [] };
  }
  const checks: CheckOutcome[] = [];
  for (const check of exercise.checks) {
    const run = await kernel.run(check.code, `${exercise.id}:${check.name}`, options.timeBudgetMs);
    checks.push({
      name: check.name,
      hidden: check.hidden,
      line: check.line,
      passed: run.error === null,
      message: run.error ? `${run.error.ename}: ${run.error.evalue}` : null,
    });
  }
  return { setupError: null, checks };
}
