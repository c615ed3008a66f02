/** Page-wide signal that a run's ending reached the server, so comparisons can refresh. */
export const RUN_ENDED_EVENT = "gradbook:run-ended";

export interface RunEndedDetail {
  runId: string;
  name: string;
}

export function announceRunEnded(detail: RunEndedDetail): void {
  window.dispatchEvent(new CustomEvent<RunEndedDetail>(RUN_ENDED_EVENT, { detail }));
}

export function onRunEnded(listener: (detail: RunEndedDetail) => void): () => void {
  const handler = (event: Event) => listener((event as CustomEvent<RunEndedDetail>).detail);
  window.addEventListener(RUN_ENDED_EVENT, handler);
  return () => window.removeEventListener(RUN_ENDED_EVENT, handler);
}

/** Page-wide signal that old runs were deleted ("Clear old runs"), so every comparison reloads. */
export const RUNS_CLEARED_EVENT = "gradbook:runs-cleared";

export function announceRunsCleared(): void {
  window.dispatchEvent(new CustomEvent(RUNS_CLEARED_EVENT));
}

export function onRunsCleared(listener: () => void): () => void {
  window.addEventListener(RUNS_CLEARED_EVENT, listener);
  return () => window.removeEventListener(RUNS_CLEARED_EVENT, listener);
}
