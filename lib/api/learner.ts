import { isLearnerId, LEARNER_COOKIE, learnerCookieHeader, newLearnerId, readCookie } from "./learner-cookie";

export interface RequestLearner {
  id: string;
  /** Set when the request carried no valid learner cookie and a new id was issued. */
  setCookie: string | null;
}

/** The learner a request speaks for; a request without a valid cookie gets a new learner. */
export function requestLearner(request: Request): RequestLearner {
  const fromCookie = readCookie(request, LEARNER_COOKIE);
  if (isLearnerId(fromCookie)) return { id: fromCookie, setCookie: null };
  const id = newLearnerId();
  return { id, setCookie: learnerCookieHeader(id, new URL(request.url).protocol === "https:") };
}

export function withLearnerCookie(response: Response, learner: RequestLearner): Response {
  if (learner.setCookie) response.headers.append("set-cookie", learner.setCookie);
  return response;
}
