import { getRequestUser, getWritingUser, type RequestUser } from "../auth/request-user";
import { HttpError } from "./http-error";

/**
 * Who a route handler acts for (`auth` in lib/api/route.ts):
 * - "none": nobody is looked up (the handler may ask lib/auth itself).
 * - "optional": the caller, or null when the request carries no identity.
 * - "reader": the caller, without creating an anonymous learner's row; 401 without identity.
 * - "writer": the caller with their row guaranteed to exist (an anonymous learner's row is
 *   created on their first write); 401 without identity. Cross-site requests are refused first.
 * - "instructor": 401 without identity, 403 for a learner (anonymous or signed in).
 */
export type Auth = "none" | "optional" | "reader" | "writer" | "instructor";

export type CallerOf<A extends Auth> = A extends "none" ? undefined : A extends "optional" ? RequestUser | null : RequestUser;

const NO_IDENTITY = "Not signed in: this request carries no session or learner cookie";

export async function resolveCaller<A extends Auth>(request: Pick<Request, "headers">, auth: A): Promise<CallerOf<A>> {
  return (await callerFor(request, auth)) as CallerOf<A>;
}

async function callerFor(request: Pick<Request, "headers">, auth: Auth): Promise<RequestUser | null | undefined> {
  switch (auth) {
    case "none":
      return undefined;
    case "optional":
      return getRequestUser(request);
    case "reader":
      return (await getRequestUser(request)) ?? unauthorized(NO_IDENTITY);
    case "writer":
      return (await getWritingUser(request)) ?? unauthorized(NO_IDENTITY);
    case "instructor": {
      const user = (await getRequestUser(request)) ?? unauthorized("Sign in as an instructor to use this");
      if (user.role !== "instructor") throw new HttpError(403, "Only instructors can use this");
      return user;
    }
  }
}

function unauthorized(message: string): never {
  throw new HttpError(401, message);
}

/** The "writer" check answered instead of thrown, for code outside route(): the caller, or the 401 response. */
export async function requireUser(request: Request): Promise<RequestUser | Response> {
  return answered(() => resolveCaller(request, "writer"));
}

/** The "instructor" check answered instead of thrown, for code outside route(): the caller, or the 401/403 response. */
export async function requireInstructor(request: Request): Promise<RequestUser | Response> {
  return answered(() => resolveCaller(request, "instructor"));
}

async function answered<T>(resolve: () => Promise<T>): Promise<T | Response> {
  try {
    return await resolve();
  } catch (error) {
    if (error instanceof HttpError) return error.toResponse();
    throw error;
  }
}
