import { forwardedEntry, trustedProxyHops } from "./client-address";
import { HttpError } from "./http-error";

/**
 * Refuses state-changing requests sent by another site (CSRF) with 403; SameSite=Lax cookies
 * already stop most of these. A browser says where a request comes from in Sec-Fetch-Site (sent
 * even when it leaves out Origin) and Origin: anything but our own origin is refused. `same-site`
 * is refused too: a sibling subdomain is another party, and Lax cookies do reach us from it.
 * Requests with neither header pass: they are not a browser acting for a victim (curl, scripts;
 * every current browser sends Origin on a cross-origin POST).
 * The origin is compared with Host; X-Forwarded-Host is anyone's to send unless a proxy we
 * trust (TRUSTED_PROXY) writes it.
 */
export function refuseCrossSite(request: Pick<Request, "url" | "headers">): void {
  if (isCrossSite(request)) throw new HttpError(403, "Cross-site request refused");
}

function isCrossSite(request: Pick<Request, "url" | "headers">): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const hops = trustedProxyHops();
  const host = (hops > 0 ? forwardedEntry(request.headers.get("x-forwarded-host"), hops) : null) ?? request.headers.get("host") ?? new URL(request.url).host;
  try {
    return new URL(origin).host.toLowerCase() !== host.toLowerCase();
  } catch {
    // "null" or a malformed origin
    return true;
  }
}
