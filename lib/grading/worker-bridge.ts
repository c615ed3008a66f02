/**
 * The `__gb_grading` builtin in the kernel worker's scope: runs an exercise's visible checks
 * against the learner's current names and reports each result to the page as a
 * `comm_msg` with target "grading". The page sends a one-line cell that calls it.
 * Results from here are feedback only; the grade comes from the server ("Submit").
 */
import { stripTypes } from "../kernel/rewrite/transpile";
import { engineGlobals } from "../kernel/worker/engine";
import type { KernelSession } from "../kernel/worker/session";
import { expect } from "./assertions";
import { CheckCompileError, checkParameterNames, checkValues, compileCheck, runCompiledCheck, type CheckScope } from "./run-checks";
import { GRADING_COMM_TARGET, type GradingCommMessage, type VisibleCheck } from "./check-cell";
import type { CheckResult } from "./types";

export function createGradingBridge(session: KernelSession) {
  const pristine = Object.freeze({ ...engineGlobals(), expect });
  return Object.freeze({
    async check(exerciseId: string, checks: VisibleCheck[]): Promise<void> {
      const results: CheckResult[] = [];
      for (const check of checks) {
        const started = performance.now();
        // In the notebook, the learner's exercise code and the dependency cells both ran into
        // the one notebook scope; the names a check sees are the same as on the server.
        const names = check.scope ?? { graded: Object.keys(session.scope), dependencies: [] };
        const scope: CheckScope = { pristine, graded: names.graded, learnerScope: session.scope, dependencies: names.dependencies, dependencyScope: session.scope };
        const parameters = checkParameterNames(scope);
        let outcome: Pick<CheckResult, "status" | "message">;
        try {
          outcome = await runCompiledCheck(compileCheck(stripTypes(check.code), check.name, parameters), () => checkValues(scope, parameters));
        } catch (error) {
          if (!(error instanceof CheckCompileError) && !(error instanceof SyntaxError) && (error as Error)?.name !== "SyntaxError") throw error;
          outcome = { status: "authoring_error", message: `This check is broken (not your fault): ${(error as Error).message}` };
        }
        results.push({ name: check.name, hidden: false, ...outcome, durationMs: Math.round(performance.now() - started), ...(check.free ? { free: true } : {}) });
        // An interrupt (or the cell's time budget) stops the whole Check, not just one check.
        if (outcome.message.startsWith("KeyboardInterrupt")) break;
      }
      const message: GradingCommMessage = { exerciseId, results };
      session.sendComm(GRADING_COMM_TARGET, message);
    },
  });
}
