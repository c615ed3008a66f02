import { newLearnerId } from "../auth/learner-id";
import { learnerCookieHeader } from "../auth/learner-cookie";
import { servedOverHttps, withSecure } from "./served-over-https";

/**
 * A JSON response carrying better-auth's Set-Cookie headers (the session cookie). better-auth
 * decides `Secure` once, from BETTER_AUTH_URL; a site served over HTTPS through a proxy without
 * that setting still gets Secure cookies here, decided per request.
 */
export function withAuthCookies(body: unknown, authHeaders: Headers, request: Pick<Request, "url" | "headers">, init: ResponseInit = {}): Response {
  const response = Response.json(body, init);
  const secure = servedOverHttps(request);
  for (const cookie of authHeaders.getSetCookie()) response.headers.append("set-cookie", secure ? withSecure(cookie) : cookie);
  response.headers.set("cache-control", "private, no-store");
  return response;
}

/**
 * After sign-up, sign-in or sign-out the browser gets a new anonymous id: the old one's work
 * moved to the account, and signing out must not bring back a previous anonymous identity.
 */
export function freshLearnerCookie(response: Response, request: Pick<Request, "url" | "headers">): Response {
  response.headers.append("set-cookie", learnerCookieHeader(newLearnerId(), servedOverHttps(request)));
  return response;
}
