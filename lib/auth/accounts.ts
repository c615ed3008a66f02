import { APIError } from "better-auth/api";
import { prisma } from "../db/client";
import { getAuth, placeholderEmail } from "./auth";
import { forgetSession } from "./session-cache";

export type AccountResult = { ok: true; userId: string; username: string; headers: Headers } | { ok: false; status: 400 | 401 | 409; message: string };

function describe(error: unknown): { status: number; message: string } | null {
  if (error instanceof APIError) return { status: error.statusCode, message: error.body?.message ?? error.message };
  return null;
}

/** Creates a username/password account (role learner unless `role` says otherwise). */
export async function createAccount(username: string, password: string, requestHeaders: Headers = new Headers(), role: "learner" | "instructor" = "learner"): Promise<AccountResult> {
  try {
    const { headers, response } = await getAuth().api.signUpEmail({
      body: { email: placeholderEmail(username), password, name: username, username },
      headers: requestHeaders,
      returnHeaders: true,
    });
    if (role !== "learner") await prisma.user.update({ where: { id: response.user.id }, data: { role } });
    return { ok: true, userId: response.user.id, username: username.toLowerCase(), headers };
  } catch (error) {
    const known = describe(error);
    if (!known) throw error;
    if (/already taken|already exists/i.test(known.message)) return { ok: false, status: 409, message: `The username "${username}" is taken` };
    return { ok: false, status: 400, message: known.message };
  }
}

export async function signIn(username: string, password: string, requestHeaders: Headers): Promise<AccountResult> {
  try {
    const { headers, response } = await getAuth().api.signInUsername({ body: { username, password }, headers: requestHeaders, returnHeaders: true });
    if (!response) return { ok: false, status: 401, message: "Wrong username or password" };
    return { ok: true, userId: response.user.id, username: username.toLowerCase(), headers };
  } catch (error) {
    const known = describe(error);
    if (!known) throw error;
    return { ok: false, status: 401, message: "Wrong username or password" };
  }
}

/** Ends the session; returns the headers that clear the session cookie. */
export async function signOut(requestHeaders: Headers): Promise<Headers> {
  // Forgotten before and after the session row goes, so that this instance never answers from
  // memory for a signed-out session (lib/auth/session-cache.ts).
  forgetSession(requestHeaders.get("cookie"));
  try {
    const { headers } = await getAuth().api.signOut({ headers: requestHeaders, returnHeaders: true });
    return headers;
  } catch {
    return new Headers();
  } finally {
    forgetSession(requestHeaders.get("cookie"));
  }
}
