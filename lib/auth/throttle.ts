/**
 * Slows password guessing: after MAX_FAILURES failed sign-ins for one username within WINDOW_MS,
 * further attempts for it are refused until the window passes. In memory, per server process:
 * enough for one machine; several instances would want a shared store.
 */
const MAX_FAILURES = 10;
const WINDOW_MS = 10 * 60_000;

const failures = new Map<string, number[]>();

function recent(username: string, now: number): number[] {
  const kept = (failures.get(username.toLowerCase()) ?? []).filter((at) => now - at < WINDOW_MS);
  if (kept.length) failures.set(username.toLowerCase(), kept);
  else failures.delete(username.toLowerCase());
  return kept;
}

/** Seconds until another attempt is allowed, or 0 when the username may try now. */
export function signInRetryAfter(username: string, now = Date.now()): number {
  const kept = recent(username, now);
  return kept.length < MAX_FAILURES ? 0 : Math.ceil((kept[0] + WINDOW_MS - now) / 1000);
}

export function recordSignInFailure(username: string, now = Date.now()): void {
  failures.set(username.toLowerCase(), [...recent(username, now), now]);
}

export function clearSignInFailures(username: string): void {
  failures.delete(username.toLowerCase());
}
