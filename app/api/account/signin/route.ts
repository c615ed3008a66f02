import { signIn } from "@/lib/auth/accounts";
import { clearSignInFailures, recordSignInFailure, signInRetryAfter } from "@/lib/auth/throttle";
import { getRequestUser } from "@/lib/auth/request-user";
import { moveAnonymousWork } from "@/lib/db/users";
import { prisma } from "@/lib/db/client";
import { errorResponse, readJsonBody } from "@/lib/api/responses";
import { credentialsBodySchema } from "@/lib/api/learner-schemas";
import { freshLearnerCookie, withAuthCookies } from "@/lib/api/learner-account";
import { jsonRoute, sameOrigin } from "@/lib/api/learner-route";

/** Signs in; work done anonymously in this browser joins the account (the account's newer cells win). */
export const POST = jsonRoute(async (request: Request) => {
  const refused = sameOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, credentialsBodySchema);
  if (!body.ok) return body.response;
  const retryAfter = signInRetryAfter(body.value.username);
  if (retryAfter > 0) {
    const limited = errorResponse(429, `Too many failed sign-ins for "${body.value.username}"; try again in ${Math.ceil(retryAfter / 60)} min`);
    limited.headers.set("retry-after", String(retryAfter));
    return limited;
  }
  const caller = await getRequestUser(request);
  const result = await signIn(body.value.username, body.value.password, request.headers);
  if (!result.ok) {
    recordSignInFailure(body.value.username);
    return errorResponse(result.status, result.message);
  }
  clearSignInFailures(body.value.username);
  const moved = caller?.anonymous ? await moveAnonymousWork(caller.id, result.userId) : null;
  const account = await prisma.user.findUniqueOrThrow({ where: { id: result.userId }, select: { role: true } });
  return freshLearnerCookie(withAuthCookies({ user: { username: result.username, role: account.role }, moved }, result.headers), request);
});
