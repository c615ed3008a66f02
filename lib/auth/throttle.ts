/**
 * Slows password guessing without letting a stranger lock a user out. Three sliding-window
 * budgets of failed sign-ins, all per WINDOW_MS:
 * - per (username, client address): 10. The ordinary limit: one address guessing one account.
 * - per client address, across usernames: 30. One address spraying many accounts.
 * - per username, across addresses: 100. Many addresses on one account; also the bound when
 *   addresses are made up (without TRUSTED_PROXY a client chooses its X-Forwarded-For, see
 *   lib/api/client-address.ts). Reaching it does lock the account out, but that takes ten
 *   addresses' worth of failures, not one.
 * A correct password from an address that has not used up its budgets gets in while another
 * address is refused.
 *
 * An attempt is counted when it is reserved, before the password is checked: its rows are
 * written first, then it is judged by the attempts counted before it (ThrottleHit ids increase),
 * so concurrent requests, on one instance or several, cannot all pass the check before any
 * failure is recorded. A refused attempt takes its rows back; a success gives its reservation back.
 *
 * Counted in the database (ThrottleHit), so every app instance shares the same budgets.
 */
import { prisma } from "../db/client";

export const WINDOW_MS = 10 * 60_000;
export const LIMITS = { pair: 10, address: 30, username: 100 } as const;

type Scope = keyof typeof LIMITS;
const SCOPES = Object.keys(LIMITS) as Scope[];
const THROTTLE_SCOPES = SCOPES.map((scope) => `signin:${scope}`);

let reservationsSinceSweep = 0;

/** Drops attempts older than the window, so sprayed usernames and addresses do not pile up. */
async function sweep(now: number): Promise<void> {
  await prisma.throttleHit.deleteMany({ where: { scope: { in: THROTTLE_SCOPES }, at: { lt: new Date(now - WINDOW_MS) } } });
}

/**
 * IPv6 clients are limited per /64, the block one subscriber usually gets: per address would let
 * one client rotate through 2^64 of them.
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const [head, tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

export type SignInAttempt =
  | { ok: true; succeeded(): Promise<void> }
  | { ok: false; scope: Scope; retryAfterSeconds: number };

/**
 * Reserves one attempt for `username` from `address`, counted as a failure unless `succeeded()`
 * is called; or says which budget is spent and for how many seconds.
 */
export async function reserveSignInAttempt(username: string, address: string, now = Date.now()): Promise<SignInAttempt> {
  if (++reservationsSinceSweep >= 1000) {
    reservationsSinceSweep = 0;
    await sweep(now);
  }
  const user = username.toLowerCase();
  const from = addressKey(address);
  const keys: Record<Scope, string> = { pair: `${user}\n${from}`, address: from, username: user };
  const at = new Date(now);
  const rows = await prisma.$transaction(SCOPES.map((scope) => prisma.throttleHit.create({ data: { scope: `signin:${scope}`, key: keys[scope], at }, select: { id: true } })));
  const ids = Object.fromEntries(SCOPES.map((scope, i) => [scope, rows[i].id])) as Record<Scope, number>;
  for (const scope of SCOPES) {
    // The most recent attempts counted before this one, within the window.
    const earlier = await prisma.throttleHit.findMany({
      where: { scope: `signin:${scope}`, key: keys[scope], at: { gt: new Date(now - WINDOW_MS) }, id: { lt: ids[scope] } },
      orderBy: { id: "desc" },
      take: LIMITS[scope],
      select: { at: true },
    });
    if (earlier.length >= LIMITS[scope]) {
      await prisma.throttleHit.deleteMany({ where: { id: { in: Object.values(ids) } } });
      const freedAt = earlier[LIMITS[scope] - 1].at.getTime() + WINDOW_MS;
      return { ok: false, scope, retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)) };
    }
  }
  let settled = false;
  return {
    ok: true,
    async succeeded() {
      if (settled) return;
      settled = true;
      // The right password for this account from this address: its own failures are forgiven.
      // The address's and the username's other failures stay (a learner signing in to their
      // own account between guesses at others must not reset the address budget).
      await prisma.throttleHit.deleteMany({ where: { OR: [{ scope: "signin:pair", key: keys.pair }, { id: { in: [ids.address, ids.username] } }] } });
    },
  };
}

/** Forgets every counted attempt (tests). */
export async function resetSignInThrottle(): Promise<void> {
  await prisma.throttleHit.deleteMany({ where: { scope: { in: THROTTLE_SCOPES } } });
}
