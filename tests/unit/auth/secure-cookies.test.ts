import { describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase } from "../api/test-database";

createFreshDatabase();
// better-auth reads this once, when the auth instance is made (first use below).
process.env.BETTER_AUTH_URL = "https://gradbook.example";

const signup = (await import("@/app/api/account/signup/route")).POST;
const me = (await import("@/app/api/account/route")).GET;

describe("with BETTER_AUTH_URL=https://…", () => {
  it("sign-up's session cookie and new learner cookie are Secure, even when the request reached Next over plain http (TLS ended at a proxy)", async () => {
    const response = await signup(jsonRequest("/api/account/signup", "POST", { username: "secure_ada", password: "long enough pw" }), undefined);
    expect(response.status).toBe(201);
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((cookie) => cookie.includes("session_token"));
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/HttpOnly/i);
    // better-auth's own secure mode (the __Secure- name), and the session still reads back.
    expect(session).toMatch(/^__Secure-better-auth\.session_token=/);
    const cookie = session!.split(";")[0];
    const user = (await (await me(new Request("https://gradbook.example/api/account", { headers: { cookie } }), undefined)).json()).user;
    expect(user).toMatchObject({ username: "secure_ada", anonymous: false });
    expect(cookies.find((cookie) => cookie.startsWith("gb_learner="))).toMatch(/; Secure/);
  });
});
