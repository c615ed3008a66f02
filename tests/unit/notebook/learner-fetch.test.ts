import { afterEach, describe, expect, it, vi } from "vitest";

/**
 * learnerFetch: the page's calls on behalf of the learner. A first-time visitor (no cookie: GET
 * /api/account answers { user: null }) gets a learner id first, so no call is refused with a 401
 * (each one a red error in the console); a returning visitor pays nothing extra; an identity lost
 * mid-visit is replaced once.
 */
afterEach(() => vi.unstubAllGlobals());

/** A fake server: who the visitor is, and whether it has a learner cookie; logs every request. */
function fakeServer(options: { user: object | null; cookieValid: boolean }) {
  const log: string[] = [];
  let cookie = options.user !== null && options.cookieValid;
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      let status: number;
      if (url === "/api/account") status = 200;
      else if (url === "/api/learner") {
        status = cookie ? 204 : 201;
        cookie = true;
      } else status = cookie ? 200 : 401;
      log.push(`${method} ${url} ${status}`);
      const body = url === "/api/account" ? JSON.stringify({ user: options.user }) : status === 204 ? null : "{}";
      return new Response(body, { status, headers: body ? { "content-type": "application/json" } : {} });
    }),
  );
  return log;
}

/** The module afresh, as each page load has it (what it knows of the identity is per page). */
async function freshLearnerFetch() {
  vi.resetModules();
  return (await import("@/app/_components/learner-fetch")).learnerFetch;
}

describe("learnerFetch", () => {
  it("a first-time visitor gets a learner id once, before the page's calls: none is refused", async () => {
    const log = fakeServer({ user: null, cookieValid: false });
    const learnerFetch = await freshLearnerFetch();
    const answers = await Promise.all(["/api/lessons/x/cells", "/api/lessons/x/learner-cells", "/api/exercises/x"].map((url) => learnerFetch(url)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(log.filter((line) => line.endsWith(" 401"))).toEqual([]);
    expect(log.filter((line) => line.startsWith("POST /api/learner"))).toEqual(["POST /api/learner 201"]);
    expect(log.indexOf("POST /api/learner 201")).toBeLessThan(log.findIndex((line) => line.startsWith("GET /api/lessons/")));
    // Later calls of the same page go straight to the API.
    await learnerFetch("/api/progress");
    expect(log.at(-1)).toBe("GET /api/progress 200");
    expect(log.filter((line) => line.includes("/api/learner") || line.includes("/api/account"))).toHaveLength(2);
  });

  it("a returning visitor (a learner cookie or an account) asks for no new id", async () => {
    for (const user of [{ username: null, role: "learner", anonymous: true }, { username: "ada", role: "learner", anonymous: false }]) {
      const log = fakeServer({ user, cookieValid: true });
      const learnerFetch = await freshLearnerFetch();
      expect((await learnerFetch("/api/lessons/x/cells")).status).toBe(200);
      expect(log).toEqual(["GET /api/account 200", "GET /api/lessons/x/cells 200"]);
    }
  });

  it("an identity lost since the page asked (a 401) is replaced and the call retried, once", async () => {
    const log = fakeServer({ user: { username: null, role: "learner", anonymous: true }, cookieValid: false });
    const learnerFetch = await freshLearnerFetch();
    expect((await learnerFetch("/api/lessons/x/cells", { method: "PUT" })).status).toBe(200);
    expect(log).toEqual(["GET /api/account 200", "PUT /api/lessons/x/cells 401", "POST /api/learner 201", "PUT /api/lessons/x/cells 200"]);
  });
});
