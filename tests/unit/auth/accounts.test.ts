import { describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "../api/test-database";

createFreshDatabase();

const signup = (await import("@/app/api/account/signup/route")).POST;
const signin = (await import("@/app/api/account/signin/route")).POST;
const signout = (await import("@/app/api/account/signout/route")).POST;
const me = (await import("@/app/api/account/route")).GET;
const putCell = (await import("@/app/api/lessons/[slug]/cells/[cellId]/route")).PUT;
const { requireInstructor, requireUser } = await import("@/lib/api/caller");
const { createAccount } = await import("@/lib/auth/accounts");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const anonymousId = "33333333-3333-4333-8333-333333333333";

/** The cookies a browser would send back after this response (name=value pairs). */
function cookiesFrom(response: Response, previous = ""): string {
  const jar = new Map(previous.split("; ").filter(Boolean).map((c) => [c.slice(0, c.indexOf("=")), c.slice(c.indexOf("=") + 1)] as [string, string]));
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(";");
    const eq = pair.indexOf("=");
    const value = pair.slice(eq + 1);
    if (value === "" || /Max-Age=0/i.test(header)) jar.delete(pair.slice(0, eq));
    else jar.set(pair.slice(0, eq), value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

async function whoAmI(cookie: string) {
  return ((await (await me(new Request("http://localhost/api/account", { headers: { cookie } }), undefined)).json()) as { user: { id: string; anonymous: boolean; username: string | null } | null }).user;
}

describe("accounts", () => {
  it("sign-up keeps the anonymous learner's code, sets an httpOnly SameSite session cookie, and sign-in/out work", async () => {
    const anonymous = learnerCookie(anonymousId);
    const saved = await putCell(jsonRequest(`/api/lessons/${LESSON}/cells/make`, "PUT", { code: "const mine = 1", version: 5 }, anonymous), { params: Promise.resolve({ slug: LESSON, cellId: "make" }) });
    expect(saved.status).toBe(200);

    const created = await signup(jsonRequest("/api/account/signup", "POST", { username: "ada", password: "correct horse" }, anonymous), undefined);
    expect(created.status).toBe(201);
    const session = created.headers.getSetCookie().find((c) => c.includes("session_token"));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    let cookie = cookiesFrom(created, anonymous);
    const user = await whoAmI(cookie);
    expect(user).toMatchObject({ anonymous: false, username: "ada" });

    // The code moved to the account, the anonymous row is gone.
    const cells = await prisma.cellState.findMany({ where: { userId: user!.id } });
    expect(cells.map((c) => c.code)).toEqual(["const mine = 1"]);
    expect(await prisma.user.findUnique({ where: { id: anonymousId } })).toBeNull();
    // The password is stored hashed, never as given.
    const account = await prisma.account.findFirstOrThrow({ where: { userId: user!.id } });
    expect(account.password).not.toContain("correct horse");

    const out = await signout(jsonRequest("/api/account/signout", "POST", {}, cookie), undefined);
    expect(out.status).toBe(200);
    cookie = cookiesFrom(out, cookie);
    const afterSignOut = await whoAmI(cookie);
    expect(afterSignOut?.anonymous).toBe(true);
    expect(afterSignOut?.id).not.toBe(anonymousId);

    const wrong = await signin(jsonRequest("/api/account/signin", "POST", { username: "ada", password: "wrong password" }, cookie), undefined);
    expect(wrong.status).toBe(401);
    const back = await signin(jsonRequest("/api/account/signin", "POST", { username: "ada", password: "correct horse" }, cookie), undefined);
    expect(back.status).toBe(200);
    expect((await whoAmI(cookiesFrom(back, cookie)))?.id).toBe(user!.id);
  });

  it("refuses a taken username with 409 and bad credentials bodies with 400, creating nothing", async () => {
    await createAccount("grace", "long enough pw");
    const before = await prisma.user.count();
    const taken = await signup(jsonRequest("/api/account/signup", "POST", { username: "grace", password: "another password" }), undefined);
    expect(taken.status).toBe(409);
    for (const body of [{ username: "x", password: "long enough pw" }, { username: "okname", password: "short" }, { username: "okname" }, { username: "okname", password: "long enough pw", role: "instructor" }]) {
      const response = await signup(jsonRequest("/api/account/signup", "POST", body), undefined);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toMatch(/Invalid request body/);
    }
    expect(await prisma.user.count()).toBe(before);
  });

  it("an anonymous cookie naming an account's id is not that account", async () => {
    const created = await createAccount("linus", "long enough pw");
    if (!created.ok) throw new Error(created.message);
    // Account ids are not UUIDs, so they can never be a learner cookie; force one that is.
    const uuid = "44444444-4444-4444-8444-444444444444";
    await prisma.user.update({ where: { id: created.userId }, data: { id: uuid } });
    const result = await requireUser(new Request("http://localhost/x", { headers: { cookie: learnerCookie(uuid) } }));
    expect(result).toBeInstanceOf(Response);
    expect((result as Response).status).toBe(401);
  });

  it("requireInstructor answers 403 to learners and 401 to strangers, and lets instructors through", async () => {
    const learner = await requireInstructor(new Request("http://localhost/x", { headers: { cookie: learnerCookie("55555555-5555-4555-8555-555555555555") } }));
    expect((learner as Response).status).toBe(403);
    expect(((await requireInstructor(new Request("http://localhost/x"))) as Response).status).toBe(401);
    const teacher = await createAccount("teach", "long enough pw", new Headers(), "instructor");
    if (!teacher.ok) throw new Error(teacher.message);
    const cookie = cookiesFrom(new Response(null, { headers: teacher.headers }));
    const result = await requireInstructor(new Request("http://localhost/x", { headers: { cookie } }));
    expect(result).toMatchObject({ role: "instructor", username: "teach", anonymous: false });
  });
});

describe("sign-in throttling", () => {
  it("refuses a username with 429 after ten failed attempts, even with the right password", async () => {
    await createAccount("mallory", "the right password");
    for (let i = 0; i < 10; i++) {
      const wrong = await signin(jsonRequest("/api/account/signin", "POST", { username: "mallory", password: `guess number ${i}` }), undefined);
      expect(wrong.status).toBe(401);
    }
    const limited = await signin(jsonRequest("/api/account/signin", "POST", { username: "mallory", password: "the right password" }), undefined);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const other = await signin(jsonRequest("/api/account/signin", "POST", { username: "ada", password: "correct horse" }), undefined);
    expect(other.status).toBe(200);
  });
});
