/**
 * Runs once when the server starts (Next's instrumentation hook; `npm start` and `npm run dev`).
 *
 * Grading: on SQLite the app is its own grader, and its worker starts here, at boot, rather than
 * at the first Submit, so submissions left queued when the server stopped (or written while no
 * request is in flight) are graded without anyone asking. On PostgreSQL separate `npm run grader`
 * processes grade, and nothing starts here unless GRADER_IN_PROCESS=1
 * (lib/api/submission-queue.ts). On SIGTERM/SIGINT scripts/serve.mjs awaits
 * `globalThis.__gradbookBeforeExit`: the worker finishes the jobs in hand and isolated-vm frees
 * its isolates before the process exits (a job cut off mid-grade would wait for its lease).
 *
 * The hot path (lib/api/hot-path.ts): scripts/serve.mjs hands autosaves and metric batches to
 * `globalThis.__gradbookHotPath`, which calls their route handlers without Next's router.
 */
type Globals = typeof globalThis & { __gradbookBeforeExit?: () => Promise<void>; __gradbookHotPath?: unknown };

export async function register(): Promise<void> {
  // The Edge runtime has no database or sandbox; the imports stay inside this check so its
  // bundle never includes them.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const globals = globalThis as Globals;

  const { hotPath, hotPathEnabled } = await import("./lib/api/hot-path");
  if (hotPathEnabled()) {
    const { PUT: saveCell } = await import("./app/api/lessons/[slug]/cells/[cellId]/route");
    const { POST: addPoints } = await import("./app/api/experiments/runs/[runId]/points/route");
    globals.__gradbookHotPath = hotPath([
      { method: "PUT", pattern: /^\/api\/lessons\/(?<slug>[^/]+)\/cells\/(?<cellId>[^/]+)$/, handler: saveCell },
      { method: "POST", pattern: /^\/api\/experiments\/runs\/(?<runId>[^/]+)\/points$/, handler: addPoints },
    ]);
  }

  const { startInProcessGrading, stopInProcessGrading } = await import("./lib/api/submission-queue");
  if (!startInProcessGrading()) return;
  const { sandboxesReleased } = await import("./lib/grading/sandbox/grader");
  globals.__gradbookBeforeExit = async () => {
    await stopInProcessGrading();
    await sandboxesReleased();
  };
}
