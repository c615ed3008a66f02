import { describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "./test-database";

createFreshDatabase();

const runsRoute = await import("@/app/api/experiments/runs/route");
const { prisma } = await import("@/lib/db/client");
const { runConfigKey } = await import("@/lib/db/run-config");

const LESSON = "activation-functions";
const OTHER_LESSON = "first-look-at-tensors";
const aliceId = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const alice = learnerCookie(aliceId);
const bob = learnerCookie("bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb");

let clock = Date.UTC(2026, 0, 1);

/** Starts a run (through the API) with an increasing start time; returns its id. */
async function startRun(cookie: string, params: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const id = crypto.randomUUID();
  clock += 1000;
  const body = { id, lessonSlug: LESSON, cellId: "experiment-activations", name: "activation-sweep", params, seed: 0, codeHash: "ab12cd34ef56", engineVersion: "gradbook-0.1.0", startedAt: clock, ...overrides };
  const response = await runsRoute.POST(jsonRequest("/api/experiments/runs", "POST", body, cookie), undefined);
  expect(response.status).toBe(201);
  await prisma.experimentRun.update({ where: { id }, data: { status: "finished", endedAt: new Date(clock + 500) } });
  return id;
}

const clear = (query: string, cookie?: string, headers: Record<string, string> = {}) =>
  runsRoute.DELETE(new Request(`http://localhost/api/experiments/runs${query}`, { method: "DELETE", headers: { ...(cookie ? { cookie } : {}), ...headers } }), undefined);

const idsOf = async (userId: string) => (await prisma.experimentRun.findMany({ where: { userId }, select: { id: true }, orderBy: { startedAt: "asc" } })).map((run) => run.id);

describe("runConfigKey", () => {
  it("is one key whatever the order of the params, and differs with any param, the name or the code", () => {
    const base = { name: "sweep", params: { lr: 0.1, activation: "relu" }, codeHash: "aa" };
    expect(runConfigKey(base)).toBe(runConfigKey({ ...base, params: { activation: "relu", lr: 0.1 } }));
    expect(runConfigKey(base)).not.toBe(runConfigKey({ ...base, params: { activation: "relu", lr: 0.2 } }));
    expect(runConfigKey(base)).not.toBe(runConfigKey({ ...base, params: { activation: "relu", lr: "0.1" } }));
    expect(runConfigKey(base)).not.toBe(runConfigKey({ ...base, name: "other" }));
    expect(runConfigKey(base)).not.toBe(runConfigKey({ ...base, codeHash: "bb" }));
  });
});

describe("DELETE /api/experiments/runs (clear old runs)", () => {
  it("keeps the latest run of each configuration in the lesson and deletes the caller's older repeats with their points", async () => {
    const activations = ["sigmoid", "tanh", "relu"];
    const rounds: string[][] = [];
    // Four Run alls: twelve runs, three configurations.
    for (let round = 0; round < 4; round++) rounds.push(await Promise.all(activations.map((activation) => startRun(alice, { activation, lr: 0.1 }))));
    // Same params, other code: a configuration of its own, kept.
    const edited = await startRun(alice, { activation: "relu", lr: 0.1 }, { codeHash: "ffff0000" });
    // Another lesson's runs and a run still running are never cleared (the running one does not replace the latest ended tanh run).
    const elsewhere = [await startRun(alice, { activation: "relu", lr: 0.1 }, { lessonSlug: OTHER_LESSON }), await startRun(alice, { activation: "relu", lr: 0.1 }, { lessonSlug: OTHER_LESSON })];
    const running = await startRun(alice, { activation: "tanh", lr: 0.1 });
    await prisma.experimentRun.update({ where: { id: running }, data: { status: "running", endedAt: null } });
    await prisma.metricPoint.create({ data: { runId: rounds[0][0], step: 0, values: '{"loss":1}' } });
    // Bob's identical runs are his.
    const bobs = [await startRun(bob, { activation: "relu", lr: 0.1 }), await startRun(bob, { activation: "relu", lr: 0.1 })];

    const response = await clear(`?lesson=${LESSON}`, alice);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deleted: 9, kept: 5 });
    const left = new Set(await idsOf(aliceId));
    expect(left).toEqual(new Set([...rounds[3], edited, running, ...elsewhere]));
    expect(await prisma.metricPoint.count({ where: { runId: rounds[0][0] } })).toBe(0);
    expect(await prisma.experimentRun.count({ where: { id: { in: bobs } } })).toBe(2);

    // Nothing more to clear: a second call changes nothing.
    expect(await (await clear(`?lesson=${LESSON}`, alice)).json()).toEqual({ deleted: 0, kept: 5 });
  });

  it("clears only the runs of one name when given", async () => {
    const a = [await startRun(alice, { x: 1 }, { name: "sweep-a" }), await startRun(alice, { x: 1 }, { name: "sweep-a" })];
    const b = [await startRun(alice, { x: 1 }, { name: "sweep-b" }), await startRun(alice, { x: 1 }, { name: "sweep-b" })];
    expect(await (await clear(`?lesson=${LESSON}&name=sweep-a`, alice)).json()).toMatchObject({ deleted: 1 });
    const left = new Set(await idsOf(aliceId));
    expect(left.has(a[0])).toBe(false);
    expect([a[1], ...b].every((id) => left.has(id))).toBe(true);
  });

  it("refuses bad requests and changes nothing: 400 malformed, 404 unknown lesson, 401 without identity, 403 cross-site", async () => {
    const before = await prisma.experimentRun.count();
    expect((await clear("", alice)).status).toBe(400);
    expect((await clear("?lesson=Not A Slug", alice)).status).toBe(400);
    expect((await clear(`?lesson=${LESSON}&extra=1`, alice)).status).toBe(400);
    expect((await clear(`?lesson=${LESSON}&name=${"x".repeat(80)}`, alice)).status).toBe(400);
    expect((await clear("?lesson=no-such-lesson", alice)).status).toBe(404);
    expect((await clear(`?lesson=${LESSON}`)).status).toBe(401);
    expect((await clear(`?lesson=${LESSON}`, bob, { origin: "https://evil.example", "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect(await prisma.experimentRun.count()).toBe(before);
  });
});
