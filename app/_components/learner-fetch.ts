import { fetchAccount } from "./account/useAccount";

/**
 * fetch for the API on behalf of the anonymous learner. Pages carry no per-visitor cookie (they
 * are static and shared-cacheable), so a first-time visitor has no identity: before its first
 * call the page asks POST /api/learner for a signed learner cookie (once, shared by every call),
 * rather than letting each call be refused with a 401 (a red error in the console for every one)
 * and retried. Returning visitors already have the cookie and pay nothing extra: whether there is
 * an identity comes from GET /api/account, which the page asks once anyway (fetchAccount).
 */
let minting: Promise<boolean> | null = null;
let identity: Promise<boolean> | null = null;

/** Whether this browser speaks for someone (a learner cookie or an account), as this page load knows it. */
function hasIdentity(): Promise<boolean> {
  identity ??= fetchAccount().then((user) => user !== null);
  return identity;
}

/** Gets this browser an anonymous learner cookie if it has no identity; true when it has one now. */
export function ensureLearner(): Promise<boolean> {
  // Calls that start together (the page's first loads) share one request.
  minting ??= fetch("/api/learner", { method: "POST", cache: "no-store" })
    .then(async (response) => {
      // Read to the end (a few bytes): an unread body keeps the request open in the browser.
      await response.text().catch(() => "");
      if (response.ok) identity = Promise.resolve(true);
      return response.ok;
    })
    .catch(() => false)
    .finally(() => {
      minting = null;
    });
  return minting;
}

export async function learnerFetch(url: string, init?: RequestInit): Promise<Response> {
  if (!(await hasIdentity())) await ensureLearner();
  const response = await fetch(url, init);
  if (response.status !== 401) return response;
  // The identity went away since the page asked (cookie cleared or expired, signed out in another
  // tab): get a new one and retry, once.
  if (!(await ensureLearner())) return response;
  return fetch(url, init);
}
