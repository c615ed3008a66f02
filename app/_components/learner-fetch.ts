/**
 * fetch for the API on behalf of the anonymous learner. Pages carry no per-visitor cookie (they
 * are static and shared-cacheable), so a first-time visitor's first API call answers 401: then
 * we ask POST /api/learner for a signed learner cookie once and retry the call. Returning
 * visitors already have the cookie and pay nothing extra.
 */
let minting: Promise<boolean> | null = null;

/** Gets this browser an anonymous learner cookie if it has no identity; true when it has one now. */
export function ensureLearner(): Promise<boolean> {
  // Calls that fail together (the page's first loads) share one request.
  minting ??= fetch("/api/learner", { method: "POST", cache: "no-store" })
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => {
      minting = null;
    });
  return minting;
}

export async function learnerFetch(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (response.status !== 401) return response;
  if (!(await ensureLearner())) return response;
  return fetch(url, init);
}
