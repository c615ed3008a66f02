import { signLearnerId } from "./learner-id";

/**
 * The anonymous learner's signed id (lib/auth/learner-id.ts) lives in this httpOnly cookie, set by
 * POST /api/learner (app/api/learner) and after signing up, in or out.
 */
export const LEARNER_COOKIE = "gb_learner";
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

/** A Set-Cookie header giving the browser `id`, signed; `secure` when the site is served over HTTPS. */
export function learnerCookieHeader(id: string, secure: boolean): string {
  return `${LEARNER_COOKIE}=${signLearnerId(id)}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function readCookie(request: Pick<Request, "headers">, name: string): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        // A malformed %-escape is no identity, not a server error.
        return null;
      }
    }
  }
  return null;
}
