import { useSyncExternalStore } from "react";

/**
 * The lesson's comment count, shared between the discussion (which loads it) and the
 * "Comments (N)" link in the lesson header: one request, two places. Null until loaded.
 */
let count: number | null = null;
const listeners = new Set<() => void>();

export function setCommentCount(next: number | null): void {
  if (next === count) return;
  count = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useCommentCount(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => count,
    () => null,
  );
}

/** "Comments (3)", or "Comments" before the count is known. */
export function commentsLabel(value: number | null): string {
  return value === null ? "Comments" : `Comments (${value})`;
}
