/**
 * Grades a learner's code for one exercise on the server: the visible and hidden checks
 * run in the sandbox, and the score is computed here from what the sandbox reports. No
 * input from the browser but the code itself is looked at.
 *
 * A check the author got wrong must not count against the learner. The reference solution
 * is the judge: each exercise's solution is graded once (cached in the process and, through
 * shareVerdictsThrough, in the database for every grader process), and
 * a check the solution fails is reported as an authoring error and left out of the score.
 * Nor may a check pay for nothing: the untouched starter is graded the same way, and a check
 * it passes earns no points (like a check the author marked `free`).
 */
import { createHash } from "node:crypto";
import type { LessonExercise } from "../lessons/exercises";
import { defaultLimits, runInSandbox, type SandboxLimits } from "./sandbox/grader";
import { gradedNames } from "../lessons/exercise-scope";
import { capMessage } from "./message-caps";
import type { CheckResult, GradeResult, SubmissionStatus } from "./types";

export interface GradeRequest {
  exercise: LessonExercise;
  dependencies: { id: string; code: string }[];
  learnerCode: string;
  limits?: SandboxLimits;
}

/** Check name -> how a reference run (the solution's or the starter's) ended. */
type Verdict = Map<string, CheckResult>;

const verdicts = new Map<string, Promise<Verdict>>();

/**
 * Where reference verdicts are shared between grader processes (lib/db/verdicts.ts): with
 * several workers, each exercise version's solution and starter are still graded once.
 */
export interface VerdictStore {
  get(key: string): Promise<CheckResult[] | null>;
  put(key: string, checks: CheckResult[]): Promise<void>;
}

let sharedVerdicts: VerdictStore | null = null;

export function shareVerdictsThrough(store: VerdictStore | null): void {
  sharedVerdicts = store;
}

/** A shared store that fails (the database restarting) only costs a recomputation. */
async function sharedVerdict(key: string): Promise<Verdict | null> {
  try {
    const checks = await sharedVerdicts?.get(key);
    return checks ? new Map(checks.map((check) => [check.name, check])) : null;
  } catch (error) {
    console.error("[grading] could not read a shared verdict:", (error as Error).message);
    return null;
  }
}

function exerciseKey(kind: string, exercise: LessonExercise, dependencies: GradeRequest["dependencies"]): string {
  return createHash("sha256").update(JSON.stringify({ kind, exercise, dependencies })).digest("hex");
}

/**
 * How `code` (the reference solution or the untouched starter) fares on every check: graded
 * once per exercise version and server process, then cached. A limit hit by a reference run
 * says more about the server's load than the check, so such a run is not cached.
 */
function referenceVerdict(kind: "solution" | "starter", code: string, exercise: LessonExercise, dependencies: GradeRequest["dependencies"], limits: SandboxLimits): Promise<Verdict> {
  const key = exerciseKey(kind, exercise, dependencies);
  let verdict = verdicts.get(key);
  if (!verdict) {
    verdict = sharedVerdict(key).then(async (shared) => {
      if (shared) return shared;
      const result = await runInSandbox({ dependencies, learnerCode: code, checks: exercise.checks, graded: gradedNames(exercise) }, limits);
      // A check the sandbox itself failed on has no verdict: it is left out (counted as usual)
      // and, like a limit hit, the run is not cached.
      const kept = result.checks.filter((check) => !result.crashedChecks.includes(check.name));
      const byName: Verdict = new Map(kept.map((check) => [check.name, check]));
      if (result.crashedChecks.length > 0 || result.checks.some((check) => check.status === "time_limit" || check.status === "memory_limit")) verdicts.delete(key);
      else await sharedVerdicts?.put(key, kept).catch((error: unknown) => console.error("[grading] could not share a verdict:", (error as Error).message));
      return byName;
    });
    // A failure to grade (not a verdict) is not cached either.
    verdict.catch(() => verdicts.delete(key));
    verdicts.set(key, verdict);
  }
  return verdict;
}

/** Which checks the reference solution fails, with why (those are the author's mistakes). */
export async function brokenChecks(exercise: LessonExercise, dependencies: GradeRequest["dependencies"], limits: SandboxLimits): Promise<Map<string, string>> {
  const broken = new Map<string, string>();
  if (exercise.solution === null) return broken;
  for (const [name, check] of await referenceVerdict("solution", exercise.solution, exercise, dependencies, limits)) {
    if (check.status !== "passed" && check.status !== "time_limit" && check.status !== "memory_limit") broken.set(name, check.message);
  }
  return broken;
}

/** Which checks the untouched starter passes: they earn nothing, whatever the author marked. */
export async function checksTheStarterPasses(exercise: LessonExercise, dependencies: GradeRequest["dependencies"], limits: SandboxLimits): Promise<Set<string>> {
  const passed = new Set<string>();
  for (const [name, check] of await referenceVerdict("starter", exercise.starter, exercise, dependencies, limits)) if (check.status === "passed") passed.add(name);
  return passed;
}

function statusOf(checks: readonly CheckResult[]): SubmissionStatus {
  if (checks.some((check) => check.status === "time_limit")) return "time_limit";
  if (checks.some((check) => check.status === "memory_limit")) return "memory_limit";
  if (checks.some((check) => check.status === "authoring_error")) return "authoring_error";
  return "graded";
}

/**
 * Score out of the exercise's points, in proportion to the counted checks that pass. Free
 * checks (sanity checks worth 0, and any check the untouched starter passes) and broken
 * checks do not count.
 */
export function scoreOf(points: number, checks: readonly CheckResult[]): { score: number; passed: boolean } {
  const judged = checks.filter((check) => check.status !== "authoring_error");
  const counted = judged.filter((check) => !check.free);
  const passedCount = counted.filter((check) => check.status === "passed").length;
  if (counted.length === 0) return { score: 0, passed: judged.length > 0 && judged.every((check) => check.status === "passed") };
  return { score: Math.round((points * passedCount * 100) / counted.length) / 100, passed: passedCount === counted.length };
}

export async function gradeExercise(request: GradeRequest): Promise<GradeResult> {
  const limits = request.limits ?? defaultLimits();
  const { exercise, dependencies } = request;
  const started = performance.now();
  const [broken, starterPasses, result] = await Promise.all([
    brokenChecks(exercise, dependencies, limits),
    checksTheStarterPasses(exercise, dependencies, limits),
    runInSandbox({ dependencies, learnerCode: request.learnerCode, checks: exercise.checks, graded: gradedNames(exercise) }, limits),
  ]);
  const freeByAuthor = new Set(exercise.checks.filter((check) => check.free).map((check) => check.name));
  const checks = result.checks.map((check): CheckResult => {
    const reason = broken.get(check.name);
    if (reason !== undefined) return { ...check, status: "authoring_error", message: capMessage(`This check is broken (the reference solution fails it too), so it does not count: ${reason}`) };
    if (freeByAuthor.has(check.name) || starterPasses.has(check.name)) return { ...check, free: true };
    return check;
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
