import { cache } from "react";
import { cookies, headers } from "next/headers";
import { ensureAnonymousRow, learnerRowOf } from "../db/users";
import { LEARNER_COOKIE, readCookie } from "./learner-cookie";
import { getAuth } from "./auth";
import { cachedSession, rememberSession, sessionTokenOf } from "./session-cache";
import { verifyLearnerCookie } from "./learner-id";

/**
 * Who a request speaks for.
 * - A signed-in account (better-auth session cookie): `anonymous: false`, `username` set.
 * - Otherwise the anonymous learner of the signed `gb_learner` cookie (minted by POST
 *   /api/learner): `anonymous: true`, `username: null`, always role "learner". A cookie whose
 *   signature does not verify is no identity at all.
 */
export interface RequestUser {
  id: string;
  role: "learner" | "instructor";
  username: string | null;
  anonymous: boolean;
}

const SESSION_COOKIE_MARKER = "better-auth.session_token";

function roleOf(value: unknown): RequestUser["role"] {
  return value === "instructor" ? "instructor" : "learner";
}

async function sessionUser(requestHeaders: Headers): Promise<RequestUser | null> {
  // Skip the session lookup (a DB read) for the common anonymous request.
  const cookie = requestHeaders.get("cookie") ?? "";
  if (!cookie.includes(SESSION_COOKIE_MARKER)) return null;
  // Answered from memory for a session looked up in the last few seconds (./session-cache.ts).
  const token = sessionTokenOf(cookie);
  const cached = cachedSession(token);
  if (cached) return cached;
  const lookedUpAt = Date.now();
  const session = await getAuth().api.getSession({ headers: requestHeaders });
  if (!session) return null;
  const user = session.user as typeof session.user & { role?: string; username?: string | null };
  const found: RequestUser = { id: user.id, role: roleOf(user.role), username: user.username ?? null, anonymous: false };
  rememberSession(token, found, new Date(session.session.expiresAt), lookedUpAt);
  return found;
}

/**
 * The anonymous learner of a cookie value, and whether their row exists yet. A value that is not
 * an id this server signed is refused before any database read. An id that names an account row
 * is refused too: accounts are reached only through a session, never through the anonymous cookie.
 */
async function anonymousUser(cookieValue: string | null | undefined): Promise<{ user: RequestUser; rowExists: boolean } | null> {
  const cookieId = verifyLearnerCookie(cookieValue);
  if (!cookieId) return null;
  // Answered from memory for a row seen in the last few seconds (lib/db/users.ts).
  const row = await learnerRowOf(cookieId);
  if (row === "account") return null;
  return { user: { id: cookieId, role: "learner", username: null, anonymous: true }, rowExists: row === "anonymous" };
}

async function identify(request: Pick<Request, "headers">): Promise<{ user: RequestUser; rowExists: boolean } | null> {
  const fromSession = await sessionUser(request.headers);
  if (fromSession) return { user: fromSession, rowExists: true };
  return anonymousUser(readCookie(request, LEARNER_COOKIE));
}

/** The caller, or null when the request carries neither a session nor an anonymous cookie. */
export async function getRequestUser(request: Pick<Request, "headers">): Promise<RequestUser | null> {
  return (await identify(request))?.user ?? null;
}

/** Makes sure the anonymous learner's row exists before anything is written for them. */
export async function ensureUserRow(user: RequestUser): Promise<void> {
  if (!user.anonymous) return;
  await ensureAnonymousRow(user.id);
}

/**
 * For writes: the caller, with their user row guaranteed to exist (an anonymous learner's row is
 * created on first use), or null when the request has no identity at all (lib/api answers 401).
 */
export async function getWritingUser(request: Pick<Request, "headers">): Promise<RequestUser | null> {
  const found = await identify(request);
  if (!found) return null;
  // Only the first write of a new anonymous learner creates their row (no write per request).
  if (!found.rowExists) await ensureUserRow(found.user);
  return found.user;
}

/**
 * For server components and pages: the visitor, read from the request's cookies. Does not
 * create the anonymous row (rendering never writes); null when there is no identity yet.
 * Cached per request, so several components can ask.
 */
export const getPageUser = cache(async (): Promise<RequestUser | null> => {
  const requestHeaders = await headers();
  const fromSession = await sessionUser(new Headers(requestHeaders));
  if (fromSession) return fromSession;
  const jar = await cookies();
  return (await anonymousUser(jar.get(LEARNER_COOKIE)?.value))?.user ?? null;
});
