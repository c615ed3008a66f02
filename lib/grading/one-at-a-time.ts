/**
 * One submission per learner in flight (per server process): a learner who double-clicks
 * Submit, or scripts it, cannot fill the grader's queue ahead of everyone else.
 */
const inFlight = new Set<string>();

/** Runs `work` unless `key` already has work running; null means it was refused. */
export async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T | null> {
  if (inFlight.has(key)) return null;
  inFlight.add(key);
  try {
    return await work();
  } finally {
    inFlight.delete(key);
  }
}
