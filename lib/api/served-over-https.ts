/**
 * Whether the browser reached us over HTTPS, so cookies we set must be `Secure`: the operator
 * said so (BETTER_AUTH_URL is https), the request URL is https, or a proxy in front says so in
 * X-Forwarded-Proto. The header is believed without TRUSTED_PROXY because all a client gains by
 * faking it is a Secure flag on its own cookies, which then only travel over HTTPS.
 */
export function servedOverHttps(request: Pick<Request, "url" | "headers">): boolean {
  if ((process.env.BETTER_AUTH_URL ?? "").toLowerCase().startsWith("https:")) return true;
  if (new URL(request.url).protocol === "https:") return true;
  return (request.headers.get("x-forwarded-proto") ?? "").split(",").some((proto) => proto.trim().toLowerCase() === "https");
}

/** Adds `Secure` to a Set-Cookie header that lacks it. */
export function withSecure(setCookie: string): string {
  return /;\s*secure\s*(;|$)/i.test(setCookie) ? setCookie : `${setCookie}; Secure`;
}
