import { errorResponse } from "./responses";
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
 * Refuses state-changing requests sent by another site (CSRF): when the browser says where the
 * request came from, it must be this host. SameSite=Lax cookies already stop most of these.
 */
export function sameOrigin(request: Request): Response | null {
  const origin = request.headers.get("origin");
  if (!origin) return null;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    if (host && new URL(origin).host === host) return null;
  } catch {
    // fall through
  }
  return errorResponse(403, "Cross-site request refused");
}
