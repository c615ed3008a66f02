import { isIP } from "node:net";

/**
 * Where a request came from, for rate limits.
 *
 * `next start` has no other way to tell a route handler the peer's address than the
 * X-Forwarded-For header, and it fills that header only when the request has none
 * (node_modules/next/dist/server/base-server.js: `req.headers['x-forwarded-for'] ??=
 * socket.remoteAddress`). So:
 * - Behind a reverse proxy, each proxy appends the address it was connected from; the entry
 *   `TRUSTED_PROXY` hops from the right is the one our outermost proxy saw, and everything to
 *   its left is whatever the client claimed. Operators set TRUSTED_PROXY=1 (one proxy) or the
 *   number of proxies in front of Next.
 * - Without TRUSTED_PROXY, `npm start` serves through scripts/serve.mjs, which replaces any
 *   X-Forwarded-For the client sent with the connection's own address before Next sees the
 *   request, so the single entry is the peer. (Under a bare `next start` a client could send
 *   its own header and be believed: Next does not overwrite it. Whoever relies on the address
 *   must stay safe then too: the sign-in throttle also caps failures per username.)
 * `X-Real-IP` is never read: Next does not set it, so without a proxy it is pure client input.
 * Anything that is not an IP address becomes "unknown", so a forged header cannot make
 * unbounded or oversized keys.
 */

/** How many reverse proxies in front of Next append to X-Forwarded-For; 0 when none is trusted. */
export function trustedProxyHops(): number {
  const raw = (process.env.TRUSTED_PROXY ?? "").trim().toLowerCase();
  if (raw === "" || raw === "0" || raw === "false" || raw === "no") return 0;
  if (raw === "true" || raw === "yes") return 1;
  const hops = Number(raw);
  if (Number.isInteger(hops) && hops > 0 && hops <= 16) return hops;
  // A typo must not make us trust headers anyone can send.
  warnOnce(`TRUSTED_PROXY="${process.env.TRUSTED_PROXY}" is not a number of proxies (1-16) or true/false; forwarded headers are not trusted`);
  return 0;
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(`[config] ${message}`);
}

/**
 * The entry of a comma-separated forwarding header that the outermost of `hops` trusted proxies
 * wrote (each appends one), or with `hops` 0 the right-most entry. Null when there are fewer
 * entries than proxies (the request did not come through them).
 */
export function forwardedEntry(header: string | null, hops: number): string | null {
  const entries = (header ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  return entries[entries.length - Math.max(hops, 1)] ?? null;
}

/** An address as the rate limits key it: IPv4-mapped IPv6 as IPv4, brackets and ports dropped. */
function normalizeAddress(value: string | null): string | null {
  if (!value) return null;
  let address = value;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1];
  return isIP(address) ? address.toLowerCase() : null;
}

/** The client's address (see above), or "unknown" when the request does not say. */
export function clientAddress(request: Pick<Request, "headers">): string {
  return normalizeAddress(forwardedEntry(request.headers.get("x-forwarded-for"), trustedProxyHops())) ?? "unknown";
}
