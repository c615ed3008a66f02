import { describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie, TEST_AUTH_SECRET } from "../api/test-database";

createFreshDatabase();

const putCell = (await import("@/app/api/lessons/[slug]/cells/[cellId]/route")).PUT;
const learnerRoute = (await import("@/app/api/learner/route")).POST;
const me = (await import("@/app/api/account/route")).GET;
const { signLearnerId, verifyLearnerCookie } = await import("@/lib/auth/learner-id");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const id = "12345678-1234-4234-8234-123456789abc";
const params = { params: Promise.resolve({ slug: LESSON, cellId: "make" }) };
const save = (cookie: string) => putCell(jsonRequest(`/api/lessons/${LESSON}/cells/make`, "PUT", { code: "const x = 1", version: 1 }, cookie), params);

async function counts() {
  return { users: await prisma.user.count(), cells: await prisma.cellState.count() };
}

/** The cookie with one character of its signature changed (a middle one: every bit of it counts). */
function tampered(cookie: string): string {
  const at = cookie.indexOf(".") + 10;
  return `${cookie.slice(0, at)}${cookie[at] === "A" ? "B" : "A"}${cookie.slice(at + 1)}`;
}

/** The gb_learner value a response sets, if any. */
function learnerSetCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((cookie) => cookie.startsWith("gb_learner="));
}

describe("signed learner ids", () => {
  it("signs as documented (<uuid>.<base64url HMAC-SHA256>) and verifies only its own signatures", () => {
    expect(`gb_learner=${signLearnerId(id)}`).toBe(learnerCookie(id));
    expect(verifyLearnerCookie(signLearnerId(id))).toBe(id);
    const signature = signLearnerId(id).split(".")[1];
    for (const value of [
      id,
      `${id}.`,
      `${id}.${signature}x`,
      `${id.replace("1", "2")}.${signature}`,
      `${id.toUpperCase()}.${signature}`,
      tampered(signLearnerId(id)),
      // Same bytes, non-canonical spelling (the last character's unused low bits changed).
      `${id}.${signature.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(signature[42]) ^ 1]}`,
      signLearnerId(id, "another key"),
      "",
    ]) {
      expect(verifyLearnerCookie(value), value).toBeNull();
    }
    expect(() => signLearnerId("not-a-uuid")).toThrow(/Not a learner id/);
  });

  it.each([
    ["a made-up id (no signature)", `gb_learner=${id}`],
    ["a tampered signature", tampered(learnerCookie(id))],
    ["another learner's signature on this id", `gb_learner=${id}.${learnerCookie("87654321-4321-4321-8321-cba987654321").split(".")[1]}`],
    ["an id signed with another key", learnerCookie(id, `${TEST_AUTH_SECRET}-other`)],
  ])("refuses %s with 401 and writes nothing", async (_label, cookie) => {
    const before = await counts();
    const response = await save(cookie);
    expect(response.status).toBe(401);
    expect(await counts()).toEqual(before);
    expect(await prisma.user.findUnique({ where: { id } })).toBeNull();
    // Nor is it anyone to a read.
    expect((await (await me(new Request("http://localhost/api/account", { headers: { cookie } }), undefined)).json()).user).toBeNull();
  });

  it("accepts the signed id: the first write creates that learner", async () => {
    expect((await save(learnerCookie(id))).status).toBe(200);
    expect(await prisma.cellState.count({ where: { userId: id } })).toBe(1);
  });
});

describe("POST /api/learner", () => {
  it("gives a browser without identity a signed, httpOnly, uncacheable learner cookie, and writes nothing", async () => {
    const before = await counts();
    const response = await learnerRoute(new Request("http://localhost/api/learner", { method: "POST" }), undefined);
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const cookie = learnerSetCookie(response)!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const value = cookie.split(";")[0].slice("gb_learner=".length);
    expect(verifyLearnerCookie(value)).toMatch(/^[0-9a-f-]{36}$/);
    expect(await counts()).toEqual(before);
    // The new cookie works for a write.
    expect((await save(`gb_learner=${value}`)).status).toBe(200);
  });

  it("keeps a valid cookie (204, no Set-Cookie) and replaces a forged one", async () => {
    const kept = await learnerRoute(new Request("http://localhost/api/learner", { method: "POST", headers: { cookie: learnerCookie(id) } }), undefined);
    expect(kept.status).toBe(204);
    expect(learnerSetCookie(kept)).toBeUndefined();
    const replaced = await learnerRoute(new Request("http://localhost/api/learner", { method: "POST", headers: { cookie: `gb_learner=${id}` } }), undefined);
    expect(replaced.status).toBe(201);
    expect(learnerSetCookie(replaced)).not.toContain(id);
  });

  it("marks the cookie Secure when the site is served over HTTPS (directly or through a proxy)", async () => {
    for (const request of [
      new Request("https://gradbook.example/api/learner", { method: "POST" }),
      new Request("http://localhost/api/learner", { method: "POST", headers: { "x-forwarded-proto": "https" } }),
    ]) {
      expect(learnerSetCookie(await learnerRoute(request, undefined))).toMatch(/; Secure/);
    }
  });

  it("refuses another site (403) and sets nothing", async () => {
    const response = await learnerRoute(new Request("http://localhost/api/learner", { method: "POST", headers: { "sec-fetch-site": "cross-site" } }), undefined);
    expect(response.status).toBe(403);
    expect(learnerSetCookie(response)).toBeUndefined();
  });
});
