/**
 * The hot path (lib/api/hot-path.ts) on a real HTTP server: the autosave route answered without
 * Next, with what Next would add (next.config.js headers), the route's own checks intact, and
 * every request it does not name exactly left to the next handler.
 */
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFreshDatabase, learnerCookie } from "./test-database";

createFreshDatabase();
const { hotPath, SECURITY_HEADERS } = await import("@/lib/api/hot-path");
const { MAX_BODY_BYTES } = await import("@/lib/api/responses");
const { PUT: saveCell } = await import("@/app/api/lessons/[slug]/cells/[cellId]/route");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const learner = "abababab-1212-4121-8121-121212121212";
let server: Server;
let base = "";

beforeAll(async () => {
  const hot = hotPath([{ method: "PUT", pattern: /^\/api\/lessons\/(?<slug>[^/]+)\/cells\/(?<cellId>[^/]+)$/, handler: saveCell }]);
  server = createServer((request, response) => {
    if (hot(request, response)) return;
    response.writeHead(299, { "content-type": "text/plain" }).end("next");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function put(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}${path}`, { method: "PUT", headers: { "content-type": "application/json", cookie: learnerCookie(learner), ...headers }, body });
}

describe("the hot path", () => {
  it("adds exactly the headers next.config.js gives every response", async () => {
    const config = createRequire(import.meta.url)("../../../next.config.js");
    const [rule] = await config.headers();
    expect(rule.source).toBe("/:path*");
    expect(Object.fromEntries(rule.headers.map((header: { key: string; value: string }) => [header.key, header.value]))).toEqual(SECURITY_HEADERS);
  });

  it("answers an autosave through the route handler: stored, with the route's answer and the security headers", async () => {
    const response = await put(`/api/lessons/${LESSON}/cells/make`, JSON.stringify({ code: "x = 1", version: 5 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ cell: { cellId: "make", code: "x = 1", version: 5 } });
    expect(response.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const row = await prisma.cellState.findUniqueOrThrow({ where: { userId_lessonSlug_cellId: { userId: learner, lessonSlug: LESSON, cellId: "make" } } });
    expect(row.code).toBe("x = 1");
    // An older version loses (409 with the stored code), as through Next.
    const stale = await put(`/api/lessons/${LESSON}/cells/make`, JSON.stringify({ code: "old", version: 4 }));
    expect(stale.status).toBe(409);
  });

  it("keeps the route's checks: cross-site 403, unknown cell 400, too large 413, no identity 401", async () => {
    const body = JSON.stringify({ code: "y", version: 10 });
    expect((await put(`/api/lessons/${LESSON}/cells/make`, body, { origin: "https://evil.example" })).status).toBe(403);
    expect((await put(`/api/lessons/${LESSON}/cells/no-such-cell`, body)).status).toBe(400);
    expect((await put(`/api/lessons/${LESSON}/cells/make`, JSON.stringify({ code: "z".repeat(MAX_BODY_BYTES + 10), version: 11 }))).status).toBe(413);
    expect((await put(`/api/lessons/${LESSON}/cells/make`, body, { cookie: "" })).status).toBe(401);
    const row = await prisma.cellState.findUniqueOrThrow({ where: { userId_lessonSlug_cellId: { userId: learner, lessonSlug: LESSON, cellId: "make" } } });
    expect(row.code).toBe("x = 1");
  });

  it("leaves to Next whatever it does not name exactly", async () => {
    const body = JSON.stringify({ code: "y", version: 20 });
    for (const path of [`/api/lessons/${LESSON}/cells/make/`, `/api/lessons/${LESSON}/cells`, `/api/lessons/${LESSON}/cells/%E0%A4%A`, `/lessons/${LESSON}/cells/make`]) {
      const response = await put(path, body);
      expect([path, response.status, await response.text()]).toEqual([path, 299, "next"]);
    }
    const get = await fetch(`${base}/api/lessons/${LESSON}/cells/make`);
    expect(get.status).toBe(299);
  });
});
