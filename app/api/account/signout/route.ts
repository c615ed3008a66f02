import { signOut } from "@/lib/auth/accounts";
import { freshLearnerCookie, withAuthCookies } from "@/lib/api/learner-account";
import { jsonRoute, sameOrigin } from "@/lib/api/learner-route";

/** Ends the session; the browser continues as a new anonymous learner. */
export const POST = jsonRoute(async (request: Request) => {
  const refused = sameOrigin(request);
  if (refused) return refused;
  const headers = await signOut(request.headers);
  return freshLearnerCookie(withAuthCookies({ signedOut: true }, headers, request), request);
});
