import { newLearnerId } from "@/lib/auth/learner-id";
import { learnerCookieHeader } from "@/lib/auth/learner-cookie";
import { servedOverHttps } from "@/lib/api/served-over-https";
import { route } from "@/lib/api/route";

/**
 * Gives the browser an anonymous learner id (a signed `gb_learner` cookie) if it has no identity
 * yet: the page calls this when an API answers 401 (app/_components/learner-fetch.ts), then
 * retries. Pages themselves never set the cookie, so a lesson page stays one static response a
 * shared cache (CDN, proxy) may keep and serve to everyone; this answer is `no-store`.
 * Writes nothing: the learner's row is created by their first save.
 */
export const POST = route({ sameOrigin: true, auth: "optional" }, async ({ request, user }) => {
  const headers = new Headers({ "cache-control": "private, no-store" });
  // A browser that already speaks for someone (a signed-in account or a valid learner cookie)
  // keeps it: several requests of one page that all got 401 may ask, and only the first mints.
  if (user) return new Response(null, { status: 204, headers });
  headers.append("set-cookie", learnerCookieHeader(newLearnerId(), servedOverHttps(request)));
  return Response.json({ created: true }, { status: 201, headers });
});
