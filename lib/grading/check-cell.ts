/**
 * The page's side of "Check": the one-line cell it runs in the kernel, and the comm
 * message the worker's `grading` bridge answers with. Kept apart from the bridge so the
 * page bundle does not pull in the engine.
 */
import type { CheckResult } from "./types";

export const GRADING_COMM_TARGET = "grading";

/** The names a check may read besides the engine and expect (see lib/grading/run-checks.ts). */
export interface CheckScopeNames {
  /** The exercise's starter's top-level names, read from the learner's code. */
  graded: string[];
  /** The names its dependsOn cells declare. */
  dependencies: string[];
}

export interface VisibleCheck {
  name: string;
  /** TypeScript, as the author wrote it. */
  code: string;
  /** A sanity check worth no points. */
  free?: boolean;
  scope?: CheckScopeNames;
}

export interface GradingCommMessage {
  exerciseId: string;
  results: CheckResult[];
}

/**
 * The worker's builtin that runs checks. Names with the kernel's reserved prefix cannot be
 * declared by cells, so a learner's own `grading` variable cannot break "Check".
 */
export const GRADING_BUILTIN = "__gb_grading";

/** One call, so the kernel's ordering, time budget and interrupt apply to the checks too. */
export function checkCellCode(exerciseId: string, checks: readonly VisibleCheck[]): string {
  return `await ${GRADING_BUILTIN}.check(${JSON.stringify(exerciseId)}, ${JSON.stringify(checks)})`;
}
