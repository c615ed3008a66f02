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
 * An attempt is counted when it is reserved, before the password is checked, and the check and
 * the reservation happen in one synchronous call: concurrent requests cannot all pass the check
 * before any failure is recorded. A success gives its reservation back.
 *
 * In memory, per server process: enough for one machine; several instances would want a
 * shared store (each instance then allows its own budgets).
 */
export const WINDOW_MS = 10 * 60_000;
export const LIMITS = { pair: 10, address: 30, username: 100 } as const;

type Scope = keyof typeof LIMITS;

/** Timestamps of counted attempts per key, oldest first; never longer than the scope's limit. */
const windows: Record<Scope, Map<string, number[]>> = { pair: new Map(), address: new Map(), username: new Map() };
let reservationsSinceSweep = 0;

function recent(scope: Scope, key: string, now: number): number[] {
  const map = windows[scope];
  const kept = (map.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
  if (kept.length) map.set(key, kept);
  else map.delete(key);
  return kept;
}

/** Drops keys whose attempts all expired, so sprayed usernames and addresses do not pile up. */
function sweep(now: number): void {
  for (const scope of Object.keys(windows) as Scope[]) for (const key of [...windows[scope].keys()]) recent(scope, key, now);
}

function removeOne(scope: Scope, key: string, at: number): void {
  const list = windows[scope].get(key);
  const index = list?.indexOf(at) ?? -1;
  if (!list || index === -1) return;
  list.splice(index, 1);
  if (!list.length) windows[scope].delete(key);
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
  | { ok: true; succeeded(): void }
  | { ok: false; scope: Scope; retryAfterSeconds: number };

/**
 * Reserves one attempt for `username` from `address`, counted as a failure unless `succeeded()`
 * is called; or says which budget is spent and for how many seconds.
 */
export function reserveSignInAttempt(username: string, address: string, now = Date.now()): SignInAttempt {
  if (++reservationsSinceSweep >= 1000) {
    reservationsSinceSweep = 0;
    sweep(now);
  }
  const user = username.toLowerCase();
  const from = addressKey(address);
  const keys: Record<Scope, string> = { pair: `${user}\n${from}`, address: from, username: user };
  for (const scope of ["pair", "address", "username"] as const) {
    const kept = recent(scope, keys[scope], now);
    if (kept.length >= LIMITS[scope]) return { ok: false, scope, retryAfterSeconds: Math.max(1, Math.ceil((kept[kept.length - LIMITS[scope]] + WINDOW_MS - now) / 1000)) };
  }
  for (const scope of Object.keys(keys) as Scope[]) windows[scope].set(keys[scope], [...(windows[scope].get(keys[scope]) ?? []), now]);
  let settled = false;
  return {
    ok: true,
    succeeded() {
      if (settled) return;
      settled = true;
      // The right password for this account from this address: its own failures are forgiven.
      // The address's and the username's other failures stay (a learner signing in to their
      // own account between guesses at others must not reset the address budget).
      windows.pair.delete(keys.pair);
      removeOne("address", keys.address, now);
      removeOne("username", keys.username, now);
    },
  };
}

/** Forgets every counted attempt (tests). */
export function resetSignInThrottle(): void {
  for (const map of Object.values(windows)) map.clear();
}
