import { beforeEach, describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "./test-database";

createFreshDatabase();

const { PUT } = await import("@/app/api/lessons/[slug]/learner-cells/[cellId]/route");
const { GET } = await import("@/app/api/lessons/[slug]/learner-cells/route");
const { GET: GET_LESSON_CELLS } = await import("@/app/api/lessons/[slug]/cells/route");
const { PUT: PUT_LESSON_CELL } = await import("@/app/api/lessons/[slug]/cells/[cellId]/route");
const { MAX_LEARNER_CELLS_PER_LESSON, savedLearnerCells } = await import("@/lib/db/learner-cells");
const { moveAnonymousWork } = await import("@/lib/db/users");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const OTHER_LESSON = "activation-functions";
const alice = "a1a1a1a1-1111-4111-8111-111111111111";
const bob = "b2b2b2b2-2222-4222-8222-222222222222";
const OWN = "own-4f1c2a9e-0000-4000-8000-000000000001";

const cellParams = (slug: string, cellId: string) => ({ params: Promise.resolve({ slug, cellId }) });
const lessonParams = (slug: string) => ({ params: Promise.resolve({ slug }) });
const body = (overrides: Record<string, unknown> = {}) => ({ code: "const mine = 1", version: 10, kind: "code", anchor: "make", position: 1, deleted: false, ...overrides });

function save(user: string | null, cellId: string, payload: unknown, slug = LESSON, headers: Record<string, string> = {}) {
  const request = jsonRequest(`/api/lessons/${slug}/learner-cells/${cellId}`, "PUT", payload, user ? learnerCookie(user) : undefined);
  for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
  return PUT(request, cellParams(slug, cellId));
}

async function list(user: string, slug = LESSON) {
  const response = await GET(new Request(`http://localhost/api/lessons/${slug}/learner-cells`, { headers: { cookie: learnerCookie(user) } }), lessonParams(slug));
  return { status: response.status, body: (await response.json()) as { cells: { cellId: string; code: string; kind: string; anchor: string; position: number; deleted: boolean; version: number }[] } };
}

beforeEach(async () => {
  await prisma.cellState.deleteMany();
});

describe("PUT /api/lessons/:slug/learner-cells/:cellId", () => {
  it.each([
    // Own ids start with "own-", so they can never name the lesson's cells or exercise editors.
    ["a lesson cell's id", "make", body(), /cellId: must be "own-"/],
    ["an exercise editor's id", "exercise-row-means", body(), /cellId: must be "own-"/],
    ["an id without the own- prefix", "mine-12345678", body(), /cellId/],
    ["an id with a slash-like character", "own-abc.def12", body(), /cellId/],
    ["an unknown kind", OWN, body({ kind: "raw" }), /kind/],
    ["an anchor that is not a cell id", OWN, body({ anchor: "../make" }), /anchor/],
    ["a position that is not a number", OWN, body({ position: "1" }), /position/],
    ["a missing deleted flag", OWN, { code: "1", version: 1, kind: "code", anchor: "", position: 0 }, /deleted/],
    ["unknown fields", OWN, body({ userId: bob }), /userId|Unrecognized/i],
    ["code with a lone surrogate", OWN, body({ code: "x = '\ud800'" }), /valid Unicode/],
  ])("answers 400 for %s and writes nothing", async (_label, cellId, payload, message) => {
    const response = await save(alice, cellId, payload);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(message);
    expect(await prisma.cellState.count()).toBe(0);
  });

  it("answers 404 for an unknown lesson, 401 without identity and 403 cross-site, writing nothing", async () => {
    expect((await save(alice, OWN, body(), "no-such-lesson")).status).toBe(404);
    expect((await save(null, OWN, body())).status).toBe(401);
    expect((await save(alice, OWN, body(), LESSON, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect(await prisma.cellState.count()).toBe(0);
  });

  it("stores the cell with its kind and place; a newer version replaces it, a retry is a no-op, an older one is 409 with the stored cell", async () => {
    const first = await save(alice, OWN, body());
    expect(first.status).toBe(200);
    expect((await first.json()).cell).toEqual({ cellId: OWN, ...body() });
    expect((await save(alice, OWN, body())).status).toBe(200);

    const moved = body({ version: 20, code: "# Notes\nmine", kind: "note", anchor: "shape", position: -0.5 });
    expect((await save(alice, OWN, moved)).status).toBe(200);
    const stale = await save(alice, OWN, body({ version: 15, code: "older" }));
    expect(stale.status).toBe(409);
    expect((await stale.json()).cell).toEqual({ cellId: OWN, ...moved });
    expect((await list(alice)).body.cells).toEqual([{ cellId: OWN, ...moved }]);
  });

  it("keeps a deleted cell as a tombstone, so an older edit from another tab cannot bring it back", async () => {
    await save(alice, OWN, body({ version: 10 }));
    expect((await save(alice, OWN, body({ version: 30, deleted: true }))).status).toBe(200);
    expect((await save(alice, OWN, body({ version: 20, code: "late edit from another tab" }))).status).toBe(409);
    const [cell] = (await list(alice)).body.cells;
    expect(cell).toMatchObject({ deleted: true, version: 30, code: "const mine = 1" });
    // Undo is a newer edit with deleted: false.
    expect((await save(alice, OWN, body({ version: 40 }))).status).toBe(200);
    expect((await list(alice)).body.cells[0]).toMatchObject({ deleted: false, version: 40 });
  });

  it("keeps a cell whose anchor the lesson no longer has (the page shows it at the end)", async () => {
    const response = await save(alice, OWN, body({ anchor: "a-cell-an-earlier-version-had" }));
    expect(response.status).toBe(200);
    expect((await list(alice)).body.cells[0].anchor).toBe("a-cell-an-earlier-version-had");
  });

  it("follows a lesson cell that was renamed (was=old-id) to its new id", async () => {
    // activation-functions renamed cell "linear" to "identity-activation" (was=linear).
    expect((await save(alice, OWN, body({ anchor: "linear" }), OTHER_LESSON)).status).toBe(200);
    expect((await list(alice, OTHER_LESSON)).body.cells[0].anchor).toBe("identity-activation");
  });

  it(`refuses a new cell over ${MAX_LEARNER_CELLS_PER_LESSON} live ones per lesson with 409, yet saves edits of existing ones`, async () => {
    await prisma.user.upsert({ where: { id: alice }, create: { id: alice }, update: {} });
    await prisma.cellState.createMany({
      data: Array.from({ length: MAX_LEARNER_CELLS_PER_LESSON }, (_, i) => ({ userId: alice, lessonSlug: LESSON, cellId: `own-filled-${i}`, code: "", kind: "code", anchor: "make", position: i, version: 1n })),
    });
    const refused = await save(alice, OWN, body());
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatch(/at most 100 cells/);
    expect((await save(alice, "own-filled-3", body({ version: 5, code: "edited" }))).status).toBe(200);
    // Deleting one makes room.
    expect((await save(alice, "own-filled-4", body({ version: 5, deleted: true }))).status).toBe(200);
    expect((await save(alice, OWN, body())).status).toBe(200);
    // The cap is per lesson.
    expect((await save(alice, OWN, body(), OTHER_LESSON)).status).toBe(200);
  });
});

describe("one learner's cells are invisible and untouchable to another", () => {
  it("lists only the caller's cells, and the same id from another learner writes that learner's own row", async () => {
    expect((await save(alice, OWN, body({ code: "alice's secret" }))).status).toBe(200);
    const bobList = await list(bob);
    expect(bobList.status).toBe(200);
    expect(bobList.body.cells).toEqual([]);

    // Bob naming Alice's cell id (even with a far newer version) writes Bob's row, not Alice's.
    expect((await save(bob, OWN, body({ code: "bob overwrites?", version: 99_999 }))).status).toBe(200);
    expect((await list(alice)).body.cells).toEqual([expect.objectContaining({ cellId: OWN, code: "alice's secret", version: 10 })]);
    expect((await list(bob)).body.cells).toEqual([expect.objectContaining({ cellId: OWN, code: "bob overwrites?" })]);
    // And Bob deleting it deletes his only.
    expect((await save(bob, OWN, body({ version: 100_000, deleted: true }))).status).toBe(200);
    expect((await list(alice)).body.cells[0].deleted).toBe(false);
  });

  it("answers 401 to a list without identity and 404 for an unknown lesson", async () => {
    const anonymous = await GET(new Request(`http://localhost/api/lessons/${LESSON}/learner-cells`), lessonParams(LESSON));
    expect(anonymous.status).toBe(401);
    const unknown = await GET(new Request("http://localhost/api/lessons/no-such-lesson/learner-cells", { headers: { cookie: learnerCookie(alice) } }), lessonParams("no-such-lesson"));
    expect(unknown.status).toBe(404);
  });

  it("the lesson-cells routes neither list own cells nor write them", async () => {
    await save(alice, OWN, body());
    const lessonCells = await GET_LESSON_CELLS(new Request(`http://localhost/api/lessons/${LESSON}/cells`, { headers: { cookie: learnerCookie(alice) } }), lessonParams(LESSON));
    expect(((await lessonCells.json()) as { cells: { cellId: string }[] }).cells).toEqual([]);
    const viaLessonRoute = await PUT_LESSON_CELL(jsonRequest(`/api/lessons/${LESSON}/cells/${OWN}`, "PUT", { code: "changed", version: 50 }, learnerCookie(alice)), cellParams(LESSON, OWN));
    expect(viaLessonRoute.status).toBe(400);
    expect((await list(alice)).body.cells[0].code).toBe("const mine = 1");
  });
});

describe("signing up carries a guest's own cells over", () => {
  it("moves them with kind and place, and the newer version wins when the account has the same cell", async () => {
    const guest = "c3c3c3c3-3333-4333-8333-333333333333";
    const account = "account-own-cells";
    await prisma.user.create({ data: { id: account, username: "olga", email: "olga@users.gradbook.invalid" } });
    await save(guest, OWN, body({ code: "guest newer", version: 50, kind: "note", anchor: "grad", position: 2 }));
    await save(guest, "own-guest-only-1", body({ code: "only the guest's" }));
    await save(account, OWN, body({ code: "account older", version: 40 }));

    await moveAnonymousWork(guest, account);
    const cells = (await savedLearnerCells(account, LESSON)).sort((a, b) => a.cellId.localeCompare(b.cellId));
    expect(cells).toEqual([
      { cellId: OWN, code: "guest newer", version: 50, kind: "note", anchor: "grad", position: 2, deleted: false },
      { cellId: "own-guest-only-1", ...body({ code: "only the guest's" }) },
    ]);
  });
});
