/** The anonymous learner's id lives in this httpOnly cookie, set on the first visit. */
export const LEARNER_COOKIE = "gb_learner";
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;
const LEARNER_ID = /^[0-9a-f-]{36}$/;

export function newLearnerId(): string {
  return crypto.randomUUID();
}

export function isLearnerId(value: string | undefined | null): value is string {
  return typeof value === "string" && LEARNER_ID.test(value);
}

export function learnerCookieHeader(id: string, secure: boolean): string {
  return `${LEARNER_COOKIE}=${id}; Path=/; Max-Age=${ONE_YEAR_SECONDS}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
