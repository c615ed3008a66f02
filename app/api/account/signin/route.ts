import { signIn } from "@/lib/auth/accounts";
import { reserveSignInAttempt } from "@/lib/auth/throttle";
import { getRequestUser } from "@/lib/auth/request-user";
import { moveAnonymousWork } from "@/lib/db/users";
import { prisma } from "@/lib/db/client";
import { errorResponse, readJsonBody } from "@/lib/api/responses";
import { credentialsBodySchema } from "@/lib/api/learner-schemas";
import { clientAddress } from "@/lib/api/client-address";
import { freshLearnerCookie, withAuthCookies } from "@/lib/api/learner-account";
import { jsonRoute, sameOrigin } from "@/lib/api/learner-route";

function tooMany(username: string, scope: "pair" | "address" | "username", retryAfterSeconds: number): Response {
  const wait = `try again in ${Math.ceil(retryAfterSeconds / 60)} min`;
  const message =
    scope === "address" ? `Too many failed sign-ins from your network; ${wait}` : `Too many failed sign-ins for "${username}"${scope === "pair" ? " from your network" : ""}; ${wait}`;
  const limited = errorResponse(429, message);
  limited.headers.set("retry-after", String(retryAfterSeconds));
  return limited;
}

/** Signs in; work done anonymously in this browser joins the account (the account's newer cells win). */
export const POST = jsonRoute(async (request: Request) => {
  const refused = sameOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, credentialsBodySchema);
  if (!body.ok) return body.response;
  // Reserved before any await: the check and the count are one step (see lib/auth/throttle.ts).
  const attempt = reserveSignInAttempt(body.value.username, clientAddress(request));
  if (!attempt.ok) return tooMany(body.value.username, attempt.scope, attempt.retryAfterSeconds);
  const caller = await getRequestUser(request);
  const result = await signIn(body.value.username, body.value.password, request.headers);
  if (!result.ok) return errorResponse(result.status, result.message);
  attempt.succeeded();
  const moved = caller?.anonymous ? await moveAnonymousWork(caller.id, result.userId) : null;
  const account = await prisma.user.findUniqueOrThrow({ where: { id: result.userId }, select: { role: true } });
  return freshLearnerCookie(withAuthCookies({ user: { username: result.username, role: account.role }, moved }, result.headers, request), request);
});
