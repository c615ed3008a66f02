import { beforeAll, describe, expect, it } from "vitest";
import { createFreshDatabase, jsonRequest, learnerCookie } from "./test-database";

createFreshDatabase();

const cellRoute = await import("@/app/api/lessons/[slug]/outputs/[cellId]/route");
const lessonRoute = await import("@/app/api/lessons/[slug]/outputs/route");
const { prisma } = await import("@/lib/db/client");
const { createAccount } = await import("@/lib/auth/accounts");
const { saveLearnerCell } = await import("@/lib/db/learner-cells");

const LESSON = "first-look-at-tensors";
const anonymous = learnerCookie("44444444-4444-4444-8444-444444444444");
const OWN = "own-4f1c2a9e-0000-4000-8000-0000000000aa";

async function account(username: string): Promise<{ cookie: string; id: string }> {
  const created = await createAccount(username, "correct horse battery", new Headers(), "learner");
  if (!created.ok) throw new Error(created.message);
  return { id: created.userId, cookie: created.headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ") };
}

const cellParams = (slug: string, cellId: string) => ({ params: Promise.resolve({ slug, cellId }) });
const body = (over: Record<string, unknown> = {}) => ({
  outputs: [
    { output_type: "stream", name: "stdout", text: "hello\n" },
    { output_type: "execute_result", execution_count: 3, data: { "text/plain": "tensor([1., 2.])" } },
  ],
  executionCount: 3,
  codeHash: "0a1b2c3d",
  ranAt: 1_000,
  ...over,
});

function put(cookie: string | undefined, payload: unknown, cellId = "make", slug = LESSON) {
  return cellRoute.PUT(jsonRequest(`/api/lessons/${slug}/outputs/${cellId}`, "PUT", payload, cookie), cellParams(slug, cellId));
}

async function list(cookie: string | undefined, slug = LESSON) {
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const response = await lessonRoute.GET(new Request(`http://localhost/api/lessons/${slug}/outputs`, { headers }), { params: Promise.resolve({ slug }) });
  return { status: response.status, json: (await response.json()) as { cells?: { cellId: string; outputs: unknown[]; executionCount: number | null; ranAt: number }[]; error?: string } };
}

let alice: { cookie: string; id: string };
let bob: { cookie: string; id: string };

beforeAll(async () => {
  alice = await account("alice_outputs");
  bob = await account("bob_outputs");
});

describe("/api/lessons/:slug/outputs", () => {
  it.each([
    ["an output kind nbformat does not have", body({ outputs: [{ output_type: "html", text: "x" }] }), /outputs/],
    ["a bundle without text/plain", body({ outputs: [{ output_type: "display_data", data: { "image/png": "x" } }] }), /text\/plain/],
    ["a bundle key that is not a MIME type", body({ outputs: [{ output_type: "display_data", data: { "text/plain": "x", "<script>": 1 } }] }), /MIME types/],
    ["a fractional execution count", body({ executionCount: 1.5 }), /executionCount/],
    ["a code hash that is not 8 hex digits", body({ codeHash: "zz" }), /codeHash/],
    ["unknown fields", body({ extra: 1 }), /extra|Unrecognized/i],
    ["more than 200 outputs", body({ outputs: Array.from({ length: 201 }, () => ({ output_type: "stream", name: "stdout", text: "x" })) }), /at most 200/],
  ])("answers 400 for %s and stores nothing", async (_label, payload, message) => {
    const response = await put(alice.cookie, payload);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(message);
    expect(await prisma.cellOutputs.count()).toBe(0);
  });

  it("answers 400 for a cell the lesson does not have and 404 for an unknown lesson or someone else's own cell", async () => {
    expect((await put(alice.cookie, body(), "no-such-cell")).status).toBe(400);
    expect((await put(alice.cookie, body(), "make", "no-such-lesson")).status).toBe(404);
    await saveLearnerCell(bob.id, LESSON, OWN, { code: "1", kind: "code", anchor: "", position: 0, deleted: false }, 1);
    const notHers = await put(alice.cookie, body(), OWN);
    expect(notHers.status).toBe(404);
    expect(await prisma.cellOutputs.count()).toBe(0);
    // Bob's own cell takes his outputs.
    expect((await put(bob.cookie, body(), OWN)).status).toBe(200);
    await prisma.cellOutputs.deleteMany();
  });

  it("answers 403 to an anonymous learner (this browser keeps their outputs) and 401 without identity", async () => {
    const refused = await put(anonymous, body());
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatch(/Sign in/);
    expect((await list(anonymous)).status).toBe(403);
    expect((await put(undefined, body())).status).toBe(401);
    expect((await list(undefined)).status).toBe(401);
    expect(await prisma.cellOutputs.count()).toBe(0);
  });

  it("stores per account: each learner reads only their own outputs", async () => {
    expect(await (await put(alice.cookie, body())).json()).toEqual({ stored: true });
    expect((await put(bob.cookie, body({ outputs: [{ output_type: "stream", name: "stdout", text: "bob\n" }], executionCount: 7 }))).status).toBe(200);
    const mine = await list(alice.cookie);
    expect(mine.status).toBe(200);
    expect(mine.json.cells).toEqual([{ cellId: "make", outputs: body().outputs, executionCount: 3, codeHash: "0a1b2c3d", ranAt: 1000 }]);
    const his = await list(bob.cookie);
    expect(his.json.cells?.map((cell) => [cell.cellId, cell.executionCount, cell.outputs])).toEqual([["make", 7, [{ output_type: "stream", name: "stdout", text: "bob\n" }]]]);
  });

  it("keeps the newest run: an older run from another device does not replace it", async () => {
    expect(await (await put(alice.cookie, body({ ranAt: 500, executionCount: 1 }))).json()).toEqual({ stored: false });
    expect((await list(alice.cookie)).json.cells?.[0].executionCount).toBe(3);
    expect(await (await put(alice.cookie, body({ ranAt: 2_000, executionCount: 9 }))).json()).toEqual({ stored: true });
    expect((await list(alice.cookie)).json.cells?.[0].executionCount).toBe(9);
  });

  it("DELETE clears only the caller's outputs of that cell", async () => {
    const response = await cellRoute.DELETE(new Request(`http://localhost/api/lessons/${LESSON}/outputs/make`, { method: "DELETE", headers: { cookie: alice.cookie } }), cellParams(LESSON, "make"));
    expect(response.status).toBe(204);
    expect((await list(alice.cookie)).json.cells).toEqual([]);
    expect((await list(bob.cookie)).json.cells).toHaveLength(1);
  });
});
