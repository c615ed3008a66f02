/**
 * The address a request came from, for per-client limits (the grading queue's fair share).
 *
 * Route handlers never see the socket, only headers, so the answer is always the right-most
 * `x-forwarded-for` entry; what differs is how far it can be trusted:
 * - With `TRUSTED_PROXY` set (the operator states that the app is only reachable through a
 *   reverse proxy that appends the peer address), that entry is the one the proxy wrote;
 *   anything left of it came from the client and is ignored.
 * - Without it, `next start` fills `x-forwarded-for` with the socket's address, but only when
 *   the request has none (next/dist/server/base-server.js:
 *   `req.headers['x-forwarded-for'] ??= socket.remoteAddress`): a client-supplied value is
 *   neither overwritten nor appended to. A client talking to Next directly can therefore pick
 *   its own address, and per-address limits hold only against clients that do not bother;
 *   the global bound still holds.
 *   `x-real-ip` is never read: Next does not set it, so without a proxy it is pure client input.
 * Anything that does not look like an IP address becomes "unknown", so a forged header
 * cannot create unbounded or oversized keys.
 */
const IP_LIKE = /^[0-9a-f.:]{2,45}$/i;

export function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  if (!forwarded) return "unknown";
  const entries = forwarded.split(",").map((entry) => entry.trim()).filter(Boolean);
  const candidate = entries.at(-1);
  return candidate ? normalise(candidate) : "unknown";
}

function normalise(address: string): string {
  const lower = address.toLowerCase();
  if (!IP_LIKE.test(lower)) return "unknown";
  // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d; it is the same client.
  return lower.startsWith("::ffff:") && lower.includes(".") ? lower.slice("::ffff:".length) : lower;
}
