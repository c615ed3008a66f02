import { signOut } from "@/lib/auth/accounts";
import { freshLearnerCookie, withAuthCookies } from "@/lib/api/learner-account";
import { route } from "@/lib/api/route";

/** Ends the session; the browser continues as a new anonymous learner. */
export const POST = route({ sameOrigin: true, auth: "none" }, async ({ request }) => {
  const headers = await signOut(request.headers);
  return freshLearnerCookie(withAuthCookies({ signedOut: true }, headers, request), request);
});
