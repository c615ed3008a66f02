/**
 * Cell versions are edit times in milliseconds, made strictly increasing: across two tabs the
 * later edit has the larger version, so "newest wins" needs no coordination between tabs.
 */
export function nextVersion(known: number | undefined, now = Date.now()): number {
  return Math.max(now, (known ?? 0) + 1);
}
