/**
 * Runs once when the server starts (Next's instrumentation hook; `npm start` and `npm run dev`).
 * On SQLite the app is its own grader: its worker starts here, at boot, rather than at the first
 * Submit, so submissions left queued when the server stopped (or written while no request is in
 * flight) are graded without anyone asking. On PostgreSQL separate `npm run grader` processes
 * grade, and nothing starts here unless GRADER_IN_PROCESS=1 (lib/api/submission-queue.ts).
 *
 * Stopping: scripts/serve.mjs awaits `globalThis.__gradbookBeforeExit` on SIGTERM/SIGINT, so the
 * worker finishes the jobs in hand and isolated-vm frees its isolates before the process exits
 * (a job cut off mid-grade would only be graded again once its lease ran out).
 */
export async function register(): Promise<void> {
  // The Edge runtime has no database or sandbox; the imports stay inside this check so its
  // bundle never includes them.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startInProcessGrading, stopInProcessGrading } = await import("./lib/api/submission-queue");
  if (!startInProcessGrading()) return;
  const { sandboxesReleased } = await import("./lib/grading/sandbox/grader");
  (globalThis as typeof globalThis & { __gradbookBeforeExit?: () => Promise<void> }).__gradbookBeforeExit = async () => {
    await stopInProcessGrading();
    await sandboxesReleased();
  };
}
