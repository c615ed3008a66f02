import { signIn } from "@/lib/auth/accounts";
import { reserveSignInAttempt } from "@/lib/auth/throttle";
import { getRequestUser } from "@/lib/auth/request-user";
import { moveAnonymousWork } from "@/lib/db/users";
import { prisma } from "@/lib/db/client";
import { HttpError } from "@/lib/api/http-error";
import { clientAddress } from "@/lib/api/client-address";
import { freshLearnerCookie, withAuthCookies } from "@/lib/api/learner-account";
import { route } from "@/lib/api/route";
import { credentialsBodySchema } from "../schema";

function tooMany(username: string, scope: "pair" | "address" | "username", retryAfterSeconds: number): HttpError {
  const wait = `try again in ${Math.ceil(retryAfterSeconds / 60)} min`;
  const message =
    scope === "address" ? `Too many failed sign-ins from your network; ${wait}` : `Too many failed sign-ins for "${username}"${scope === "pair" ? " from your network" : ""}; ${wait}`;
  return new HttpError(429, message, { headers: { "retry-after": String(retryAfterSeconds) } });
}

/** Signs in; work done anonymously in this browser joins the account (the account's newer cells win). */
export const POST = route({ sameOrigin: true, body: credentialsBodySchema, auth: "none" }, async ({ request, body }) => {
  // Reserved before anything else: counted first, then judged (see lib/auth/throttle.ts).
  const attempt = await reserveSignInAttempt(body.username, clientAddress(request));
  if (!attempt.ok) throw tooMany(body.username, attempt.scope, attempt.retryAfterSeconds);
  const caller = await getRequestUser(request);
  const result = await signIn(body.username, body.password, request.headers);
  if (!result.ok) throw new HttpError(result.status, result.message);
  await attempt.succeeded();
  const moved = caller?.anonymous ? await moveAnonymousWork(caller.id, result.userId) : null;
  const account = await prisma.user.findUniqueOrThrow({ where: { id: result.userId }, select: { role: true } });
  return freshLearnerCookie(withAuthCookies({ user: { username: result.username, role: account.role }, moved }, result.headers, request), request);
});
