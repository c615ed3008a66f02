import type { LessonCell } from "../../lib/lessons/cells";
import type { LessonExercise } from "../../lib/lessons/exercises";
import { defaultLimits, runInSandbox, type SandboxLimits, type SandboxResult } from "../../lib/grading/sandbox/grader";
import { gradedNames } from "../../lib/lessons/exercise-scope";
import type { LessonProblem } from "./problems";

export interface ExerciseVerdict {
  id: string;
  solution: SandboxResult | null;
  starter: SandboxResult;
}

/** Runs code for an exercise exactly as a Submit does on the server: same sandbox, same limits. */
function grade(exercise: LessonExercise, code: string, dependencies: { id: string; code: string }[], limits: SandboxLimits): Promise<SandboxResult> {
  return runInSandbox({ dependencies, learnerCode: code, checks: exercise.checks, graded: gradedNames(exercise) }, limits);
}

/**
 * The reference solution must pass every check, visible and hidden, and the starter must
 * fail every check that carries points (a check marked `free` is a sanity check worth 0). Both run in the server grader's
 * sandbox, so an exercise that passes here grades the same way for learners.
 */
export async function gradeExercises(
  exercises: readonly LessonExercise[],
  cells: readonly LessonCell[],
  place: (bodyLine: number, message: string) => LessonProblem,
  options: { limits?: SandboxLimits; onVerdict?: (verdict: ExerciseVerdict) => void } = {},
): Promise<LessonProblem[]> {
  const limits = options.limits ?? defaultLimits();
  const problems: LessonProblem[] = [];
  for (const exercise of exercises) {
    // Dependencies run in lesson order, whatever order dependsOn lists them in.
    const dependencies = cells.filter((cell) => exercise.dependsOn.includes(cell.id)).map((cell) => ({ id: cell.id, code: cell.code }));
    const name = `exercise "${exercise.id}"`;
    let solution: SandboxResult | null = null;
    if (exercise.solution !== null) {
      solution = await grade(exercise, exercise.solution, dependencies, limits);
      if (solution.setupError) problems.push(place(exercise.line, `${name}: the reference solution does not run: ${solution.setupError}`));
      else {
        for (const check of solution.checks) {
          if (check.status !== "passed") {
            const line = exercise.checks.find((c) => c.name === check.name)?.line ?? exercise.line;
            problems.push(place(line, `${name}: the reference solution fails the ${check.hidden ? "hidden" : "visible"} check "${check.name}" (${check.status}): ${check.message}`));
          }
        }
      }
    }
    const starter = await grade(exercise, exercise.starter, dependencies, limits);
    if (starter.dependencyBroken) {
      problems.push(place(exercise.line, `${name}: a cell it depends on fails in the grader: ${starter.setupError}`));
    } else if (starter.setupError === null && starter.checks.every((check) => check.status === "passed")) {
      problems.push(place(exercise.line, `${name}: the starter code already passes every check, so there is nothing to solve`));
    } else {
      // A check that pays for the untouched starter pays for nothing: fail unless the author marked it free.
      for (const check of starter.checks) {
        const authored = exercise.checks.find((c) => c.name === check.name);
        if (check.status === "passed" && authored && !authored.free) {
          problems.push(place(authored.line, `${name}: the untouched starter passes the ${check.hidden ? "hidden" : "visible"} check "${check.name}", so it would earn points for nothing: make the check test the concept, or mark it as a sanity check worth 0 with \`free\` (\`\`\`ts check name="…" free)`));
        }
      }
    }
    options.onVerdict?.({ id: exercise.id, solution, starter });
  }
  return problems;
}
