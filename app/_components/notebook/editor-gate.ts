import { useSyncExternalStore } from "react";

/**
 * The page-wide latch that lets the code editors load Monaco (~10 MB of script). Closed while
 * the page starts, so Monaco does not compete with the kernel for the network and the main
 * thread; each editor shows its code in a plain text area meanwhile (CodeEditor.tsx). It opens
 * once, and never closes: a kernel restart must not unmount editors the learner is using.
 */

let open = false;
let scheduled = false;
const listeners = new Set<() => void>();

/** At most this long after the page became usable, Monaco starts loading even if the page never idles. */
export const IDLE_TIMEOUT_MS = 2000;

/** Opens the latch now: a learner reached for an editor, so Monaco must load at once. */
export function openEditors(): void {
  if (open) return;
  open = true;
  for (const listener of [...listeners]) listener();
}

/**
 * Opens the latch the next time the main thread is idle (requestIdleCallback, at most
 * IDLE_TIMEOUT_MS later): the page is usable, and Monaco should not delay the first paint
 * of whatever the learner does next. Calling it again changes nothing.
 */
export function openEditorsWhenIdle(): void {
  if (open || scheduled) return;
  scheduled = true;
  if (typeof requestIdleCallback === "function") requestIdleCallback(() => openEditors(), { timeout: IDLE_TIMEOUT_MS });
  else setTimeout(openEditors, 0);
}

export function editorsOpen(): boolean {
  return open;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether editors may mount Monaco; re-renders when the latch opens. Closed on the server. */
export function useEditorsOpen(): boolean {
  return useSyncExternalStore(subscribe, editorsOpen, () => false);
}
