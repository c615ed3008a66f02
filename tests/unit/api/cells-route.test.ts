import { beforeAll, describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "./test-database";

createFreshDatabase();

const { PUT } = await import("@/app/api/lessons/[slug]/cells/[cellId]/route");
const { GET } = await import("@/app/api/lessons/[slug]/cells/route");
const { prisma } = await import("@/lib/db/client");
const { savableCellIds } = await import("@/lib/lessons/lesson-parts");

const LESSON = "first-look-at-tensors";
const learnerA = "11111111-1111-4111-8111-111111111111";
const learnerB = "22222222-2222-4222-8222-222222222222";
const learnerC = "33333333-3333-4333-8333-333333333333";
const cookieOf = learnerCookie;
const params = (slug: string, cellId: string) => ({ params: Promise.resolve({ slug, cellId }) });

async function rowCount() {
  return prisma.cellState.count();
}

describe("PUT /api/lessons/:slug/cells/:cellId", () => {
  beforeAll(async () => {
    await prisma.cellState.deleteMany();
  });

  it.each([
    ["a body that is not JSON", "{code:", /valid JSON/],
    ["a missing code field", { version: 1 }, /code/],
    ["code of the wrong type", { code: 42, version: 1 }, /code/],
    ["a missing version", { code: "1" }, /version/],
    ["a fractional version", { code: "1", version: 1.5 }, /version/],
    ["unknown fields", { code: "1", version: 1, extra: true }, /extra|Unrecognized/i],
    ["code over the size limit", { code: "x".repeat(100_001), version: 1 }, /at most 100000/],
    // Stored as U+FFFD, it would differ from what was sent, and the retry would be a conflict.
    ["code with a lone surrogate", { code: 'const s = "\ud800"', version: 1 }, /code: must be valid Unicode text/],
    ["code ending in half an emoji", { code: "x = 1 // \ud83d", version: 1 }, /code: must be valid Unicode/],
  ])("answers 400 for %s and writes nothing", async (_label, body, message) => {
    const before = await rowCount();
    const response = await PUT(jsonRequest(`/api/lessons/${LESSON}/cells/make`, "PUT", body, cookieOf(learnerA)), params(LESSON, "make"));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(message);
    expect(await rowCount()).toBe(before);
  });

  it("answers 400 for a malformed cell id and 404 for an unknown lesson, writing nothing", async () => {
    const before = await rowCount();
    const badId = await PUT(jsonRequest(`/api/lessons/${LESSON}/cells/a b`, "PUT", { code: "1", version: 1 }, cookieOf(learnerA)), params(LESSON, "a b"));
    expect(badId.status).toBe(400);
    expect((await badId.json()).error).toMatch(/cellId/);
    const unknown = await PUT(jsonRequest("/api/lessons/no-such-lesson/cells/make", "PUT", { code: "1", version: 1 }, cookieOf(learnerA)), params("no-such-lesson", "make"));
    expect(unknown.status).toBe(404);
    expect(await rowCount()).toBe(before);
  });

  it("answers 400 for a cell id the lesson does not have, writing nothing", async () => {
    const before = await rowCount();
    for (const cellId of ["no-such-cell", "exercise-no-such-exercise", "row-means", "one-neuron"]) {
      const response = await PUT(jsonRequest(`/api/lessons/${LESSON}/cells/${cellId}`, "PUT", { code: "1", version: 1 }, cookieOf(learnerA)), params(LESSON, cellId));
      expect(response.status, cellId).toBe(400);
      expect((await response.json()).error).toBe(`Invalid URL parameter: cellId: lesson "${LESSON}" has no cell "${cellId}"`);
    }
    expect(await rowCount()).toBe(before);
  });

  it("saves the lesson's cells and exercise editors, so a learner has at most one row per cell and exercise of a lesson", async () => {
    const ids = [...savableCellIds(LESSON)];
    expect(ids).toEqual(expect.arrayContaining(["make", "grad", "exercise-row-means"]));
    for (const cellId of ids) {
      for (const version of [1, 2]) {
        const response = await PUT(jsonRequest(`/api/lessons/${LESSON}/cells/${cellId}`, "PUT", { code: `v${version}`, version }, cookieOf(learnerC)), params(LESSON, cellId));
        expect(response.status, cellId).toBe(200);
      }
    }
    expect(await prisma.cellState.count({ where: { userId: learnerC, lessonSlug: LESSON } })).toBe(ids.length);
  });

  it("saves code per learner and returns only the caller's cells", async () => {
    const saveA = await PUT(jsonRequest(`/api/lessons/${LESSON}/cells/make`, "PUT", { code: "const a = 1", version: 10 }, cookieOf(learnerA)), params(LESSON, "make"));
    expect(saveA.status).toBe(200);
    await PUT(jsonRequest(`/api/lessons/${LESSON}/cells/make`, "PUT", { code: "const b = 2", version: 10 }, cookieOf(learnerB)), params(LESSON, "make"));
    await PUT(jsonRequest(`/api/lessons/${LESSON}/cells/make`, "PUT", { code: "const a = 3", version: 11 }, cookieOf(learnerA)), params(LESSON, "make"));

    const listA = await GET(new Request(`http://localhost/api/lessons/${LESSON}/cells`, { headers: { cookie: cookieOf(learnerA) } }), { params: Promise.resolve({ slug: LESSON }) });
    expect((await listA.json()).cells.map((c: { code: string }) => c.code)).toEqual(["const a = 3"]);
    const listB = await GET(new Request(`http://localhost/api/lessons/${LESSON}/cells`, { headers: { cookie: cookieOf(learnerB) } }), { params: Promise.resolve({ slug: LESSON }) });
    expect((await listB.json()).cells.map((c: { code: string }) => c.code)).toEqual(["const b = 2"]);
  });

  it("keeps the newest version: an older write gets 409 with the newer code, a retried write is a no-op", async () => {
    const put = (code: string, version: number) => PUT(jsonRequest(`/api/lessons/${LESSON}/cells/shape`, "PUT", { code, version }, cookieOf(learnerA)), params(LESSON, "shape"));
    expect((await put("newest", 200)).status).toBe(200);
    const stale = await put("older tab", 150);
    expect(stale.status).toBe(409);
    expect((await stale.json()).cell).toMatchObject({ code: "newest", version: 200 });
    const retried = await put("newest", 200);
    expect(retried.status).toBe(200);
    const sameVersionOtherCode = await put("clash", 200);
    expect(sameVersionOtherCode.status).toBe(409);
    const row = await prisma.cellState.findFirstOrThrow({ where: { userId: learnerA, cellId: "shape" } });
    expect(row.code).toBe("newest");
    expect(Number(row.version)).toBe(200);
  });

  it("stores code with characters outside the BMP exactly as sent, so a retried save is not a conflict", async () => {
    const code = 'print("loss 📉 ✓ \u{1F600}")';
    const put = () => PUT(jsonRequest(`/api/lessons/${LESSON}/cells/broadcast`, "PUT", { code, version: 500 }, cookieOf(learnerB)), params(LESSON, "broadcast"));
    expect((await put()).status).toBe(200);
    const retried = await put();
    expect(retried.status).toBe(200);
    expect((await retried.json()).cell).toEqual({ cellId: "broadcast", code, version: 500 });
    expect((await prisma.cellState.findFirstOrThrow({ where: { userId: learnerB, cellId: "broadcast" } })).code).toBe(code);
  });

  it("answers 401 to a request with no learner cookie or session, writing nothing", async () => {
    const before = await rowCount();
    const response = await PUT(jsonRequest(`/api/lessons/${LESSON}/cells/make`, "PUT", { code: "1", version: 1 }), params(LESSON, "make"));
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/Not signed in/);
    expect(await rowCount()).toBe(before);
  });
});
