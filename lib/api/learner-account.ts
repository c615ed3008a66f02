import { learnerCookieHeader, newLearnerId } from "./learner-cookie";

/** A JSON response carrying better-auth's Set-Cookie headers (the session cookie). */
export function withAuthCookies(body: unknown, authHeaders: Headers, init: ResponseInit = {}): Response {
  const response = Response.json(body, init);
  for (const cookie of authHeaders.getSetCookie()) response.headers.append("set-cookie", cookie);
  return response;
}

/**
 * After sign-up, sign-in or sign-out the browser gets a new anonymous id: the old one's work
 * moved to the account, and signing out must not bring back a previous anonymous identity.
 */
export function freshLearnerCookie(response: Response, request: Request): Response {
  response.headers.append("set-cookie", learnerCookieHeader(newLearnerId(), new URL(request.url).protocol === "https:"));
  return response;
}
