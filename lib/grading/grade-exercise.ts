/**
 * Grades a learner's code for one exercise on the server: the visible and hidden checks
 * run in the sandbox, and the score is computed here from what the sandbox reports. No
 * input from the browser but the code itself is looked at.
 *
 * A check the author got wrong must not count against the learner. The reference solution
 * is the judge: each exercise's solution is graded once per server process (cached), and
 * a check the solution fails is reported as an authoring error and left out of the score.
 */
import { createHash } from "node:crypto";
import type { LessonExercise } from "../lessons/exercises";
import { defaultLimits, runInSandbox, type SandboxLimits } from "./sandbox/grader";
import type { CheckResult, GradeResult, SubmissionStatus } from "./types";

export interface GradeRequest {
  exercise: LessonExercise;
  dependencies: { id: string; code: string }[];
  learnerCode: string;
  limits?: SandboxLimits;
}

/** Check name -> why the reference solution fails it. */
type BrokenChecks = Map<string, string>;

const solutionVerdicts = new Map<string, Promise<BrokenChecks>>();

function exerciseKey(exercise: LessonExercise, dependencies: GradeRequest["dependencies"]): string {
  return createHash("sha256").update(JSON.stringify({ exercise, dependencies })).digest("hex");
}

/** Which checks the reference solution fails (graded once per exercise version, then cached). */
export function brokenChecks(exercise: LessonExercise, dependencies: GradeRequest["dependencies"], limits: SandboxLimits): Promise<BrokenChecks> {
  if (exercise.solution === null) return Promise.resolve(new Map());
  const key = exerciseKey(exercise, dependencies);
  let verdict = solutionVerdicts.get(key);
  if (!verdict) {
    verdict = runInSandbox({ dependencies, learnerCode: exercise.solution, checks: exercise.checks }, limits).then((result) => {
      const broken: BrokenChecks = new Map();
      let conclusive = true;
      for (const check of result.checks) {
        // A limit hit by the reference solution says more about the server's load than the check:
        // count the check (no free pass) and ask again next time instead of caching.
        if (check.status === "time_limit" || check.status === "memory_limit") conclusive = false;
        else if (check.status !== "passed") broken.set(check.name, check.message);
      }
      if (!conclusive) solutionVerdicts.delete(key);
      return broken;
    });
    // A failure to grade the solution (not a verdict) is not cached.
    verdict.catch(() => solutionVerdicts.delete(key));
    solutionVerdicts.set(key, verdict);
  }
  return verdict;
}

function statusOf(checks: readonly CheckResult[]): SubmissionStatus {
  if (checks.some((check) => check.status === "time_limit")) return "time_limit";
  if (checks.some((check) => check.status === "memory_limit")) return "memory_limit";
  if (checks.some((check) => check.status === "authoring_error")) return "authoring_error";
  return "graded";
}

/** Score out of the exercise's points, in proportion to the counted checks that pass. */
export function scoreOf(points: number, checks: readonly CheckResult[]): { score: number; passed: boolean } {
  const counted = checks.filter((check) => check.status !== "authoring_error");
  const passedCount = counted.filter((check) => check.status === "passed").length;
  if (counted.length === 0) return { score: 0, passed: false };
  return { score: Math.round((points * passedCount * 100) / counted.length) / 100, passed: passedCount === counted.length };
}

export async function gradeExercise(request: GradeRequest): Promise<GradeResult> {
  const limits = request.limits ?? defaultLimits();
  const { exercise, dependencies } = request;
  const started = performance.now();
  const [broken, result] = await Promise.all([brokenChecks(exercise, dependencies, limits), runInSandbox({ dependencies, learnerCode: request.learnerCode, checks: exercise.checks }, limits)]);
  const checks = result.checks.map((check): CheckResult => {
    const reason = broken.get(check.name);
    if (reason === undefined) return check;
    return { ...check, status: "authoring_error", message: `This check is broken (the reference solution fails it too), so it does not count: ${reason}` };
  });
  const { score, passed } = scoreOf(exercise.points, checks);
  return {
    status: statusOf(checks),
    score,
    maxScore: exercise.points,
    passed,
    checks,
    setupError: result.setupError,
    durationMs: Math.round(performance.now() - started),
  };
}
