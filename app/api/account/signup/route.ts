import { createAccount } from "@/lib/auth/accounts";
import { getRequestUser } from "@/lib/auth/request-user";
import { moveAnonymousWork } from "@/lib/db/users";
import { errorResponse, readJsonBody } from "@/lib/api/responses";
import { credentialsBodySchema } from "@/lib/api/learner-schemas";
import { freshLearnerCookie, withAuthCookies } from "@/lib/api/learner-account";
import { jsonRoute, sameOrigin } from "@/lib/api/learner-route";

/** Creates an account, signs it in, and moves the anonymous learner's work onto it. */
export const POST = jsonRoute(async (request: Request) => {
  const refused = sameOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, credentialsBodySchema);
  if (!body.ok) return body.response;
  const caller = await getRequestUser(request);
  if (caller && !caller.anonymous) return errorResponse(400, `You are signed in as ${caller.username}; sign out first`);
  const created = await createAccount(body.value.username, body.value.password, request.headers);
  if (!created.ok) return errorResponse(created.status, created.message);
  const moved = caller ? await moveAnonymousWork(caller.id, created.userId) : null;
  return freshLearnerCookie(withAuthCookies({ user: { username: created.username, role: "learner" }, moved }, created.headers, request, { status: 201 }), request);
});
