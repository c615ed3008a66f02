import { createAccount } from "@/lib/auth/accounts";
import { moveAnonymousWork } from "@/lib/db/users";
import { HttpError } from "@/lib/api/http-error";
import { freshLearnerCookie, withAuthCookies } from "@/lib/api/learner-account";
import { route } from "@/lib/api/route";
import { credentialsBodySchema } from "../schema";

/** Creates an account, signs it in, and moves the anonymous learner's work onto it. */
export const POST = route({ sameOrigin: true, body: credentialsBodySchema, auth: "optional" }, async ({ request, body, user: caller }) => {
  if (caller && !caller.anonymous) throw new HttpError(400, `You are signed in as ${caller.username}; sign out first`);
  const created = await createAccount(body.username, body.password, request.headers);
  if (!created.ok) throw new HttpError(created.status, created.message);
  const moved = caller ? await moveAnonymousWork(caller.id, created.userId) : null;
  return freshLearnerCookie(withAuthCookies({ user: { username: created.username, role: "learner" }, moved }, created.headers, request, { status: 201 }), request);
});
