/**
 * Signed-in callers recently looked up, so that a signed-in learner's autosaves and metric batches
 * (several a second per open notebook) do not each cost better-auth's session lookup (a database
 * read of the session and the user). What is kept is the answer for one session cookie value, for
 * SESSION_CACHE_TTL_MS at most and never past the session's own expiry.
 *
 * Sign-out (lib/auth/accounts.ts signOut) forgets the session here before and after better-auth
 * deletes it, and a lookup that started before the sign-out cannot put it back (rememberSession):
 * on the instance that signed out, no request is answered as that session afterwards. Another app
 * instance may still answer from its own memory for up to the TTL after the sign-out
 * (docs/deploy.md).
 */
import type { RequestUser } from "./request-user";

export const SESSION_CACHE_TTL_MS = 5_000;
const SESSIONS_KEPT = 20_000;

const sessions = new Map<string, { user: RequestUser; until: number }>();
/**
 * When a session was last signed out on this instance: a lookup that started before it may hold
 * that session's answer, so it is not kept (sign-outs are rare; the next lookup keeps it).
 */
let lastSignOutAt = -Infinity;

const SESSION_COOKIE = /(?:^|;\s*)((?:__Secure-)?better-auth\.session_token)=([^;]*)/;

/** The session cookie's value in a Cookie header ("" when there is none): the cache key. */
export function sessionTokenOf(cookieHeader: string | null): string {
  const match = SESSION_COOKIE.exec(cookieHeader ?? "");
  return match ? `${match[1]}=${match[2]}` : "";
}

export function cachedSession(token: string, now = Date.now()): RequestUser | null {
  const entry = sessions.get(token);
  if (!entry) return null;
  if (entry.until > now) return entry.user;
  sessions.delete(token);
  return null;
}

/**
 * Keeps `user` for `token` until the TTL or `expiresAt`, whichever is first, unless the session
 * was signed out after `lookedUpAt` (the lookup's answer may predate the sign-out).
 */
export function rememberSession(token: string, user: RequestUser, expiresAt: Date, lookedUpAt: number, now = Date.now()): void {
  if (!token || lastSignOutAt >= lookedUpAt) return;
  const until = Math.min(now + SESSION_CACHE_TTL_MS, expiresAt.getTime());
  if (until <= now) return;
  sessions.delete(token);
  if (sessions.size >= SESSIONS_KEPT) sessions.delete(sessions.keys().next().value!);
  sessions.set(token, { user, until });
}

/** The session of this Cookie header is being signed out: never answered from memory again here. */
export function forgetSession(cookieHeader: string | null, now = Date.now()): void {
  lastSignOutAt = Math.max(lastSignOutAt, now);
  sessions.delete(sessionTokenOf(cookieHeader));
}
