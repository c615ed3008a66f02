import { errorResponse } from "./responses";
import { forwardedEntry, trustedProxyHops } from "./client-address";
import { getRequestUser, requireUser, type RequestUser } from "../auth/request-user";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a route handler so an unexpected failure answers a JSON 500 with a plain message:
 * the details go to the server log, never to the client.
 */
export function jsonRoute<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      console.error(`[api] ${request.method} ${new URL(request.url).pathname} failed:`, error);
      return errorResponse(500, "Something went wrong on the server; your change was not saved. Try again.");
    }
  };
}

/** For reads: the caller without creating an anonymous row; 401 when the request has no identity. */
export async function readingUser(request: Request): Promise<RequestUser | Response> {
  const user = await getRequestUser(request);
  return user ?? errorResponse(401, "Not signed in: this request carries no session or learner cookie");
}

/** For writes: the caller with their row guaranteed to exist (see requireUser). */
export const writingUser = requireUser;

export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

/**
 * Refuses state-changing requests sent by another site (CSRF); SameSite=Lax cookies already stop
 * most of these. A browser says where a request comes from in Sec-Fetch-Site (sent even when it
 * leaves out Origin) and Origin: anything but our own origin is refused. `same-site` is refused
 * too: a sibling subdomain is another party, and Lax cookies do reach us from it. Requests
 * with neither header pass: they are not a browser acting for a victim (curl, scripts; every
 * current browser sends Origin on a cross-origin POST).
 * The origin is compared with Host; X-Forwarded-Host is anyone's to send unless a proxy we
 * trust (TRUSTED_PROXY) writes it.
 */
export function sameOrigin(request: Request): Response | null {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return errorResponse(403, "Cross-site request refused");
  const origin = request.headers.get("origin");
  if (!origin) return null;
  const hops = trustedProxyHops();
  const host = (hops > 0 ? forwardedEntry(request.headers.get("x-forwarded-host"), hops) : null) ?? request.headers.get("host") ?? new URL(request.url).host;
  try {
    if (new URL(origin).host.toLowerCase() === host.toLowerCase()) return null;
  } catch {
    // "null" or a malformed origin: refused below
  }
  return errorResponse(403, "Cross-site request refused");
}
