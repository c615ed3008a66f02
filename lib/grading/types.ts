/**
 * Shapes shared by the browser "Check", the server grader and the gradebook. Everything
 * here is plain JSON so it can cross a worker boundary, an isolate boundary and HTTP.
 */

/** How one check ended. */
export type CheckStatus =
  | "passed"
  | "failed"
  /** The check ran out of time (the learner's code looped or was far too slow). */
  | "time_limit"
  /** The learner's code allocated past the sandbox's memory limit. */
  | "memory_limit"
  /** The author's check is broken (it does not compile, or the reference solution fails it). */
  | "authoring_error";

export interface CheckResult {
  name: string;
  /** Hidden checks are graded on the server only; their code never leaves it. */
  hidden: boolean;
  status: CheckStatus;
  /** What differed, in the learner's terms; empty when the check passed. */
  message: string;
  durationMs: number;
  /** Carries no points: a sanity check the author marked `free`, or one the untouched starter passes. */
  free?: boolean;
}

/** The outcome of a whole exercise, as stored in a Submission row. */
export type SubmissionStatus = "graded" | "time_limit" | "memory_limit" | "authoring_error" | "error";

export interface GradeResult {
  status: SubmissionStatus;
  score: number;
  maxScore: number;
  /** Every counted check passed. */
  passed: boolean;
  checks: CheckResult[];
  /** Set when the learner's own code (or a cell it depends on) failed before any check ran. */
  setupError: string | null;
  durationMs: number;
  /** The lesson's version (frontmatter `version`) the exercise was graded on; 1 when unknown. */
  lessonVersion?: number;
}

/** A check as the runner receives it: TypeScript already stripped to JavaScript. */
export interface CheckSource {
  name: string;
  hidden: boolean;
  /** JavaScript, the body of an async function. */
  code: string;
}
