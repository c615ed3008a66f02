import { NextResponse, type NextRequest } from "next/server";
import { isLearnerId, LEARNER_COOKIE, newLearnerId } from "@/lib/api/learner-cookie";

/** Gives every first-time visitor an anonymous learner id, before any page renders. */
export function proxy(request: NextRequest) {
  if (isLearnerId(request.cookies.get(LEARNER_COOKIE)?.value)) return NextResponse.next();
  const id = newLearnerId();
  // Visible to this request's handlers too, so the first API call does not mint a second id.
  request.cookies.set(LEARNER_COOKIE, id);
  const response = NextResponse.next({ request });
  response.cookies.set(LEARNER_COOKIE, id, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
    secure: request.nextUrl.protocol === "https:",
  });
  return response;
}

// Pages only: the cookie is set on the visit that loads a page, before the page calls any API,
// so API requests (autosave, metrics: the hot path) skip the proxy. An API call without a
// cookie is answered 401 by the route.
export const config = {
  matcher: ["/((?!_next/|api/|vendor/|data/|favicon.ico).*)"],
};
