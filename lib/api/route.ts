import type { z } from "zod";
import { fromFetchRequest, type ApiRequest } from "./api-request";
import { resolveCaller, type Auth, type CallerOf } from "./caller";
import { HttpError } from "./http-error";
import { json, toResponse, type Reply } from "./reply";
import { jsonBody, validated } from "./responses";
import { refuseCrossSite } from "./same-origin";

/**
 * The one way to write a route handler:
 *
 *   export const POST = route({ params: runParamsSchema, body: endRunBodySchema, auth: "writer" },
 *     async ({ params, body, user }) => Response.json(...));
 *
 * with the request schemas in `schema.ts` beside the route. Before the handler runs, in this order:
 * 1. `sameOrigin: true`: cross-site requests are refused (403) before anything is read. For
 *    writes that resolve no writer (the account routes); `auth: "writer"` refuses them in step 5.
 * 2. `params`: the URL's dynamic segments (400 "Invalid URL parameter: ...").
 * 3. `query`: the search parameters, each a string (400 "Invalid query: ...").
 * 4. `body`: a JSON body, at most MAX_BODY_BYTES (415 not JSON, 413 too large, 400 invalid).
 * 5. `lookup`: what the URL names (404 for an unknown lesson, ...), before the caller, so a bad
 *    request is refused before any identity is read or row written; its result is `found`.
 * 6. `auth` (lib/api/caller.ts): "writer" first refuses cross-site requests (403), then resolves
 *    the caller (401, or 403 for "instructor").
 * Anything under route() may `throw new HttpError(status, message)` to answer a JSON error;
 * any other error is logged and answered with a plain 500, never its details.
 *
 * The handler answers `json(...)` (./reply.ts) or any Response. What route() returns is the
 * function Next calls, with `answer` beside it: the same steps for the hot path (./hot-path.ts),
 * which passes the request and URL parameters as they are and writes the reply itself.
 */
export interface RouteSpec<P, Q, B, A extends Auth, F> {
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  auth: A;
  sameOrigin?: boolean;
  lookup?: (input: { params: P; query: Q; body: B }) => F | Promise<F>;
}

export interface RouteInput<P, Q, B, A extends Auth, F> {
  request: ApiRequest;
  params: P;
  query: Q;
  body: B;
  user: CallerOf<A>;
  found: F;
}

/** What Next.js calls: the request and, for dynamic routes, a promise of the URL's segments. */
export type NextRouteHandler = (request: Request, context?: { params?: Promise<unknown> }) => Promise<Response>;

/** A route: what Next calls, and `answer`, the same route for a request read without Next. */
export type RouteHandler = NextRouteHandler & { answer: (request: ApiRequest, params: unknown) => Promise<Reply> };

const SERVER_ERROR = "Something went wrong on the server; your change was not saved. Try again.";

export function route<A extends Auth, P = undefined, Q = undefined, B = undefined, F = undefined>(
  spec: RouteSpec<P, Q, B, A, F>,
  handler: (input: RouteInput<P, Q, B, A, F>) => Promise<Reply>,
): RouteHandler {
  const answer = async (request: ApiRequest, rawParams: unknown): Promise<Reply> => {
    try {
      if (spec.sameOrigin) refuseCrossSite(request);
      const params = (spec.params ? validated(rawParams, spec.params, "URL parameter", "params") : undefined) as P;
      const query = (spec.query ? validated(Object.fromEntries(new URL(request.url).searchParams), spec.query, "query", "query") : undefined) as Q;
      const body = (spec.body ? await jsonBody(request, spec.body) : undefined) as B;
      const found = (spec.lookup ? await spec.lookup({ params, query, body }) : undefined) as F;
      if (spec.auth === "writer") refuseCrossSite(request);
      const user = await resolveCaller(request, spec.auth);
      return await handler({ request, params, query, body, user, found });
    } catch (error) {
      if (error instanceof HttpError) return error.toReply();
      console.error(`[api] ${request.method} ${new URL(request.url).pathname} failed:`, error);
      return json({ error: SERVER_ERROR }, { status: 500 });
    }
  };
  const forNext: NextRouteHandler = async (request, context) => toResponse(await answer(fromFetchRequest(request), await context?.params));
  return Object.assign(forNext, { answer });
}
