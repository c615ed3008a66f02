// The signed-in session cache (lib/auth/session-cache.ts): a session is answered from memory for a
// few seconds, and never again once signed out on this instance, with real better-auth sessions.
import { describe, expect, it } from "vitest";
import { createFreshDatabase } from "../api/test-database";

createFreshDatabase();

const { createAccount, signOut } = await import("@/lib/auth/accounts");
const { getRequestUser } = await import("@/lib/auth/request-user");
const { cachedSession, forgetSession, rememberSession, sessionTokenOf, SESSION_CACHE_TTL_MS } = await import("@/lib/auth/session-cache");
const { prisma } = await import("@/lib/db/client");

/** The Cookie header a browser sends after sign-up (the session cookie better-auth set). */
async function signedUp(username: string): Promise<{ cookie: string; userId: string }> {
  const result = await createAccount(username, "correct horse battery");
  if (!result.ok) throw new Error(result.message);
  const cookie = result.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .join("; ");
  expect(sessionTokenOf(cookie)).toMatch(/^better-auth\.session_token=.+/);
  return { cookie, userId: result.userId };
}

const asRequest = (cookie: string) => new Request("http://localhost/api/account", { headers: { cookie } });

describe("signed-in session cache", () => {
  it("answers a session looked up moments ago from memory (its row deleted behind its back is not read again)", async () => {
    const { cookie, userId } = await signedUp("cached_ann");
    expect(await getRequestUser(asRequest(cookie))).toEqual({ id: userId, role: "learner", username: "cached_ann", anonymous: false });
    await prisma.session.deleteMany({ where: { userId } });
    expect((await getRequestUser(asRequest(cookie)))?.id).toBe(userId);
    // Once the entry is gone, the database is asked again: the session no longer exists.
    forgetSession(cookie);
    expect(await getRequestUser(asRequest(cookie))).toBeNull();
  });

  it("never answers for a session after it was signed out on this instance", async () => {
    const { cookie, userId } = await signedUp("signout_bob");
    expect((await getRequestUser(asRequest(cookie)))?.id).toBe(userId);
    await signOut(new Headers({ cookie }));
    expect(await getRequestUser(asRequest(cookie))).toBeNull();
    expect(await prisma.session.count({ where: { userId } })).toBe(0);
  });

  it("does not keep the answer of a lookup that started before a sign-out", () => {
    const user = { id: "u1", role: "learner" as const, username: "u1", anonymous: false };
    const token = sessionTokenOf("better-auth.session_token=abc.def");
    const lookedUpAt = Date.now();
    forgetSession("better-auth.session_token=someone-else", lookedUpAt + 1);
    rememberSession(token, user, new Date(Date.now() + 60_000), lookedUpAt, lookedUpAt + 2);
    expect(cachedSession(token, lookedUpAt + 3)).toBeNull();
    rememberSession(token, user, new Date(Date.now() + 60_000), lookedUpAt + 5, lookedUpAt + 6);
    expect(cachedSession(token, lookedUpAt + 7)).toEqual(user);
  });

  it("keeps an answer for the TTL at most, and never past the session's expiry", () => {
    const user = { id: "u2", role: "instructor" as const, username: "u2", anonymous: false };
    const now = Date.now() + 10_000;
    const long = sessionTokenOf("x=1; __Secure-better-auth.session_token=long.sig; y=2");
    expect(long).toBe("__Secure-better-auth.session_token=long.sig");
    rememberSession(long, user, new Date(now + 3_600_000), now, now);
    expect(cachedSession(long, now + SESSION_CACHE_TTL_MS - 1)).toEqual(user);
    expect(cachedSession(long, now + SESSION_CACHE_TTL_MS)).toBeNull();
    const expiring = sessionTokenOf("better-auth.session_token=expiring.sig");
    rememberSession(expiring, user, new Date(now + 1_000), now, now);
    expect(cachedSession(expiring, now + 999)).toEqual(user);
    expect(cachedSession(expiring, now + 1_000)).toBeNull();
    expect(sessionTokenOf("gb_learner=abc")).toBe("");
  });
});
