import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { jsonRequest, createFreshDatabase } from "../api/test-database";

createFreshDatabase();

const signin = (await import("@/app/api/account/signin/route")).POST;
const signup = (await import("@/app/api/account/signup/route")).POST;
const { createAccount } = await import("@/lib/auth/accounts");
const { getAuth } = await import("@/lib/auth/auth");
const { addressKey, LIMITS, reserveSignInAttempt, resetSignInThrottle, WINDOW_MS } = await import("@/lib/auth/throttle");

const ATTACKER = "203.0.113.7";
const OWNER = "198.51.100.20";

function attempt(username: string, password: string, address: string) {
  const request = jsonRequest("/api/account/signin", "POST", { username, password });
  request.headers.set("x-forwarded-for", address);
  return signin(request, undefined);
}

beforeEach(() => resetSignInThrottle());
afterEach(() => vi.restoreAllMocks());

describe("sign-in throttle (route)", () => {
  it("checks at most 10 of 60 concurrent wrong guesses, and the owner still signs in from another address", async () => {
    await createAccount("victim", "the right password");
    const checks = vi.spyOn(getAuth().api, "signInUsername");
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt("victim", `wrong guess ${i}`, ATTACKER)));
    const statuses = answers.map((response) => response.status);
    expect(checks).toHaveBeenCalledTimes(LIMITS.pair);
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMITS.pair);
    expect(statuses.filter((status) => status === 429)).toHaveLength(60 - LIMITS.pair);
    const limited = answers.find((response) => response.status === 429)!;
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited.json()).error).toMatch(/Too many failed sign-ins for "victim"/);

    // The attacker's address stays locked out, even with the right password (no oracle)...
    expect((await attempt("victim", "the right password", ATTACKER)).status).toBe(429);
    expect(checks).toHaveBeenCalledTimes(LIMITS.pair);
    // ...while the owner, elsewhere, gets in.
    const owner = await attempt("victim", "the right password", OWNER);
    expect(owner.status).toBe(200);
    expect(owner.headers.getSetCookie().some((cookie) => cookie.includes("session_token"))).toBe(true);
  });

  it("limits one address across usernames (30 failures), not other addresses", async () => {
    await createAccount("sprayed", "the right password");
    // 30 failures spread over usernames (counted as the route counts them; no password hashing).
    for (let i = 0; i < LIMITS.address; i++) expect((await reserveSignInAttempt(`nobody${Math.floor(i / 5)}`, ATTACKER)).ok).toBe(true);
    const limited = await attempt("sprayed", "the right password", ATTACKER);
    expect(limited.status).toBe(429);
    expect((await limited.json()).error).toMatch(/from your network/);
    expect((await attempt("sprayed", "the right password", OWNER)).status).toBe(200);
  });

  it("a made-up X-Forwarded-For (no TRUSTED_PROXY) gets a few more guesses, but the per-username cap still holds", async () => {
    const now = Date.now();
    let allowed = 0;
    for (let i = 0; i < 300; i++) if ((await reserveSignInAttempt("rotated", `10.0.${Math.floor(i / 250)}.${i % 250}`, now)).ok) allowed++;
    expect(allowed).toBe(LIMITS.username);
    // Once the window has passed, guessing may resume.
    expect((await reserveSignInAttempt("rotated", "10.9.9.9", now + WINDOW_MS)).ok).toBe(true);
  });
});

describe("sign-in throttle (budgets)", () => {
  it("counts a reservation at once, and a success gives it back and forgives only its own pair", async () => {
    const now = Date.now();
    for (let i = 0; i < LIMITS.pair - 1; i++) expect((await reserveSignInAttempt("ada", OWNER, now)).ok).toBe(true);
    const last = await reserveSignInAttempt("ada", OWNER, now);
    expect(last.ok).toBe(true);
    expect(await reserveSignInAttempt("ada", OWNER, now)).toMatchObject({ ok: false, scope: "pair" });
    if (last.ok) await last.succeeded();
    expect((await reserveSignInAttempt("ada", OWNER, now)).ok).toBe(true);
  });

  it("does not let a success on one's own account reset the address budget", async () => {
    const now = Date.now();
    for (let i = 0; i < LIMITS.address - 1; i++) expect((await reserveSignInAttempt(`target${i % 5}`, ATTACKER, now)).ok).toBe(true);
    const own = await reserveSignInAttempt("attackers-own-account", ATTACKER, now);
    if (own.ok) await own.succeeded();
    expect((await reserveSignInAttempt("attackers-own-account", ATTACKER, now)).ok).toBe(true);
    expect(await reserveSignInAttempt("another-target", ATTACKER, now)).toMatchObject({ ok: false, scope: "address" });
  });

  it("keys IPv6 clients by /64", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("203.0.113.7")).toBe("203.0.113.7");
  });
});

describe("session cookie over HTTPS behind a proxy (no BETTER_AUTH_URL)", () => {
  it("is Secure when X-Forwarded-Proto says https, and not over plain http", async () => {
    const session = async (username: string, headers: Record<string, string>) => {
      const request = jsonRequest("/api/account/signup", "POST", { username, password: "long enough pw" });
      for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
      const response = await signup(request, undefined);
      expect(response.status).toBe(201);
      return response.headers.getSetCookie();
    };
    const proxied = await session("behindproxy", { "x-forwarded-proto": "https" });
    expect(proxied.find((cookie) => cookie.includes("session_token"))).toMatch(/; Secure/i);
    expect(proxied.find((cookie) => cookie.startsWith("gb_learner="))).toMatch(/; Secure/);
    const plain = await session("plainhttp", {});
    expect(plain.find((cookie) => cookie.includes("session_token"))).not.toMatch(/Secure/i);
    expect(plain.find((cookie) => cookie.startsWith("gb_learner="))).not.toMatch(/Secure/);
  });
});
