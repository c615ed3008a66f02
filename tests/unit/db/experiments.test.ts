import { describe, expect, it } from "vitest";
import { jsonRequest, createFreshDatabase, learnerCookie } from "../api/test-database";

createFreshDatabase();

const runsRoute = await import("@/app/api/experiments/runs/route");
const runRoute = await import("@/app/api/experiments/runs/[runId]/route");
const pointsRoute = await import("@/app/api/experiments/runs/[runId]/points/route");
const exportRoute = await import("@/app/api/experiments/export/route");
const { markStaleRuns, STALE_RUN_MS } = await import("@/lib/db/experiments");
const { prisma } = await import("@/lib/db/client");

const LESSON = "first-look-at-tensors";
const alice = learnerCookie("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa");
const bob = learnerCookie("bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb");
const runContext = (runId: string) => ({ params: Promise.resolve({ runId }) });

function runBody(id: string, overrides: Record<string, unknown> = {}) {
  return { id, lessonSlug: LESSON, cellId: "make", name: "activation-sweep", params: { activation: "relu", lr: 0.1 }, seed: 67280421310721, codeHash: "ab12cd34ef56", engineVersion: "gradbook-0.1.0", startedAt: Date.now(), ...overrides };
}

async function startRun(cookie: string, overrides: Record<string, unknown> = {}) {
  const id = crypto.randomUUID();
  const response = await runsRoute.POST(jsonRequest("/api/experiments/runs", "POST", runBody(id, overrides), cookie), undefined);
  expect(response.status).toBe(201);
  return id;
}

const counts = async () => [await prisma.experimentRun.count(), await prisma.metricPoint.count()];

describe("experiment runs API", () => {
  it("stores a run with its points, final metrics and ending; retried requests change nothing", async () => {
    const id = await startRun(alice);
    const again = await runsRoute.POST(jsonRequest("/api/experiments/runs", "POST", runBody(id), alice), undefined);
    expect(again.status).toBe(200);
    const batch = { points: [0, 1, 2].map((step) => ({ step, values: { loss: 1 / (step + 1), accuracy: step / 3 } })) };
    for (let i = 0; i < 2; i++) {
      const stored = await pointsRoute.POST(jsonRequest(`/api/experiments/runs/${id}/points`, "POST", batch, alice), runContext(id));
      expect(await stored.json()).toEqual({ stored: 3 });
    }
    const ended = await runRoute.PATCH(jsonRequest(`/api/experiments/runs/${id}`, "PATCH", { status: "finished", durationMs: 1234.4 }, alice), runContext(id));
    expect(ended.status).toBe(200);
    // A late "interrupted" (e.g. from a restart) does not overwrite "finished".
    await runRoute.PATCH(jsonRequest(`/api/experiments/runs/${id}`, "PATCH", { status: "interrupted" }, alice), runContext(id));

    const got = await runRoute.GET(new Request(`http://localhost/api/experiments/runs/${id}`, { headers: { cookie: alice } }), runContext(id));
    const { run } = await got.json();
    expect(run).toMatchObject({ status: "finished", durationMs: 1234, seed: 67280421310721, params: { activation: "relu", lr: 0.1 }, finalMetrics: { loss: 1 / 3, accuracy: 2 / 3 } });
    expect(run.points.map((p: { step: number }) => p.step)).toEqual([0, 1, 2]);
    expect(await prisma.metricPoint.count({ where: { runId: id } })).toBe(3);
  });

  it("stores a batch sent twice at the same moment once (no duplicate steps, both answered 200)", async () => {
    const id = await startRun(alice, { name: "concurrent" });
    const batch = { points: [5, 6, 7].map((step) => ({ step, values: { loss: step } })) };
    const send = () => pointsRoute.POST(jsonRequest(`/x`, "POST", batch, alice), runContext(id));
    const answers = await Promise.all([send(), send()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(await prisma.metricPoint.count({ where: { runId: id } })).toBe(3);
    expect((await prisma.experimentRun.findUniqueOrThrow({ where: { id } })).lastStep).toBe(7);
  });

  it("hides a learner's runs from another learner: 404 on read, points, ending and delete; lists stay separate", async () => {
    const id = await startRun(alice, { name: "private-run" });
    const before = await counts();
    expect((await runRoute.GET(new Request(`http://localhost/x`, { headers: { cookie: bob } }), runContext(id))).status).toBe(404);
    expect((await pointsRoute.POST(jsonRequest("/x", "POST", { points: [{ step: 0, values: { loss: 9 } }] }, bob), runContext(id))).status).toBe(404);
    expect((await runRoute.PATCH(jsonRequest("/x", "PATCH", { status: "failed" }, bob), runContext(id))).status).toBe(404);
    expect((await runRoute.DELETE(new Request("http://localhost/x", { method: "DELETE", headers: { cookie: bob } }), runContext(id))).status).toBe(404);
    // Reusing alice's run id for bob's own run is refused too.
    expect((await runsRoute.POST(jsonRequest("/x", "POST", runBody(id), bob), undefined)).status).toBe(409);
    expect(await counts()).toEqual(before);
    const bobs = await (await runsRoute.GET(new Request("http://localhost/api/experiments/runs?name=private-run", { headers: { cookie: bob } }), undefined)).json();
    expect(bobs.runs).toEqual([]);
    const alices = await (await runsRoute.GET(new Request("http://localhost/api/experiments/runs?name=private-run", { headers: { cookie: alice } }), undefined)).json();
    expect(alices.runs.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await prisma.experimentRun.findUniqueOrThrow({ where: { id } })).status).toBe("running");
  });

  it.each([
    ["not JSON", "{", /valid JSON/],
    ["a missing name", (id: string) => ({ ...runBody(id), name: undefined }), /name/],
    ["a bad name", (id: string) => runBody(id, { name: "<script>" }), /name/],
    ["a non-UUID id", () => runBody("run-1"), /id/],
    ["params that are not flat", (id: string) => runBody(id, { params: { nested: { a: 1 } } }), /params/],
    ["an unknown lesson", (id: string) => runBody(id, { lessonSlug: "no-such-lesson" }), /lessonSlug/],
    ["an extra field", (id: string) => ({ ...runBody(id), userId: "someone-else" }), /userId|Unrecognized/i],
    // 9e15 ms is past the largest Date (8.64e15): it used to make an Invalid Date and a 500.
    ["a start time past the largest date", (id: string) => runBody(id, { startedAt: 9e15 }), /startedAt: must be a time before 2100/],
    ["a start time in the next century", (id: string) => runBody(id, { startedAt: Date.UTC(2100, 0, 2) }), /startedAt/],
    ["a start time of zero", (id: string) => runBody(id, { startedAt: 0 }), /startedAt: must be a time after 2000/],
    ["a negative start time", (id: string) => runBody(id, { startedAt: -1 }), /startedAt/],
    ["a fractional start time", (id: string) => runBody(id, { startedAt: Date.now() + 0.5 }), /startedAt/],
    ["a negative seed", (id: string) => runBody(id, { seed: -1 }), /seed/],
    ["a seed beyond 2^53", (id: string) => runBody(id, { seed: 2 ** 60 }), /seed/],
    ["a param value with a lone surrogate", (id: string) => runBody(id, { params: { activation: "relu\ud800" } }), /params/],
    ["a param name with a lone surrogate", (id: string) => runBody(id, { params: { "lr\udc00": 0.1 } }), /params/],
    ["a param named __proto__ (parsing would drop it)", (id: string) => JSON.stringify(runBody(id)).replace('"params":{', '"params":{"__proto__":1,'), /params/],
    ["an engine version with a lone surrogate", (id: string) => runBody(id, { engineVersion: "\ud800" }), /engineVersion: must be valid Unicode/],
    ["more than 50 params", (id: string) => runBody(id, { params: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, i])) }), /at most 50 params/],
  ])("creating a run with %s answers 400 and writes nothing", async (_label, body, message) => {
    const before = await counts();
    const payload = typeof body === "function" ? body(crypto.randomUUID()) : body;
    const response = await runsRoute.POST(jsonRequest("/api/experiments/runs", "POST", payload, alice), undefined);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["no points", { points: [] }],
    ["a non-finite metric", '{"points":[{"step":0,"values":{"loss":1e999}}]}'],
    ["a negative step", { points: [{ step: -1, values: { loss: 1 } }] }],
    ["a string metric", { points: [{ step: 0, values: { loss: "low" } }] }],
    ["too many points", { points: Array.from({ length: 1001 }, (_, step) => ({ step, values: { loss: 1 } })) }],
    ["a step past the largest", { points: [{ step: 100_000_001, values: { loss: 1 } }] }],
    ["a huge step", { points: [{ step: 9e15, values: { loss: 1 } }] }],
    ["a fractional step", { points: [{ step: 1.5, values: { loss: 1 } }] }],
    ["a NaN step (not JSON)", '{"points":[{"step":NaN,"values":{"loss":1}}]}'],
    ["a metric named with a lone surrogate", { points: [{ step: 0, values: { "loss\ud800": 1 } }] }],
    ["a metric named __proto__", '{"points":[{"step":0,"values":{"__proto__":1,"loss":2}}]}'],
    ["more than 32 metrics in a step", { points: [{ step: 0, values: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, i])) }] }],
  ])("adding points with %s answers 400 and writes nothing", async (_label, body) => {
    const id = await startRun(alice);
    const before = await counts();
    const response = await pointsRoute.POST(jsonRequest(`/api/experiments/runs/${id}/points`, "POST", body, alice), runContext(id));
    expect(response.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["a negative duration", { status: "finished", durationMs: -1 }],
    ["a duration of centuries", { status: "finished", durationMs: 9e15 }],
    ["a reason with a lone surrogate", { status: "failed", reason: "boom \ud800" }],
  ])("ending a run with %s answers 400 and changes nothing", async (_label, body) => {
    const id = await startRun(alice);
    const response = await runRoute.PATCH(jsonRequest(`/api/experiments/runs/${id}`, "PATCH", body, alice), runContext(id));
    expect(response.status).toBe(400);
    expect(await prisma.experimentRun.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "running", endedAt: null, statusReason: null });
  });

  it("stores params, metric names and a reason with characters outside the BMP exactly as sent", async () => {
    const id = await startRun(alice, { params: { "emoji 😀": "ok ✓ 😀" } });
    await pointsRoute.POST(jsonRequest(`/x`, "POST", { points: [{ step: 0, values: { "loss 📉": 0.5 } }] }, alice), runContext(id));
    await runRoute.PATCH(jsonRequest(`/x`, "PATCH", { status: "failed", reason: "diverged 🔥" }, alice), runContext(id));
    const { run } = await (await runRoute.GET(new Request(`http://localhost/x`, { headers: { cookie: alice } }), runContext(id))).json();
    expect(run).toMatchObject({ params: { "emoji 😀": "ok ✓ 😀" }, finalMetrics: { "loss 📉": 0.5 }, statusReason: "diverged 🔥" });
  });

  it("keeps at most EXPERIMENT_MAX_POINTS_PER_RUN points per run: a batch past it is 409 and stores nothing, a retried batch still replaces", async () => {
    const limit = 50;
    process.env.EXPERIMENT_MAX_POINTS_PER_RUN = String(limit);
    try {
      const id = await startRun(alice, { name: "long-run" });
      const send = (steps: number[]) => pointsRoute.POST(jsonRequest(`/x`, "POST", { points: steps.map((step) => ({ step, values: { loss: 1 } })) }, alice), runContext(id));
      expect((await send(Array.from({ length: limit - 1 }, (_, step) => step))).status).toBe(200);
      const over = await send([limit - 1, limit]);
      expect(over.status).toBe(409);
      expect((await over.json()).error).toMatch(/most points a run may keep \(50\)/);
      expect(await prisma.metricPoint.count({ where: { runId: id } })).toBe(limit - 1);
      // Replacing stored steps adds no rows, so it is allowed; so is the last free one.
      expect((await send([0, 1, limit - 1])).status).toBe(200);
      expect(await prisma.metricPoint.count({ where: { runId: id } })).toBe(limit);
      expect((await send([limit])).status).toBe(409);
      expect((await send([3])).status).toBe(200);
    } finally {
      delete process.env.EXPERIMENT_MAX_POINTS_PER_RUN;
    }
  });

  it("answers 413 to a body over the size limit", async () => {
    const id = await startRun(alice);
    const huge = { points: [{ step: 0, values: { loss: 1 } }], pad: "x".repeat(300 * 1024) };
    const response = await pointsRoute.POST(jsonRequest(`/api/experiments/runs/${id}/points`, "POST", huge, alice), runContext(id));
    expect(response.status).toBe(413);
  });

  it("marks a run nobody has heard from as interrupted, and revives it if points arrive after all", async () => {
    const id = await startRun(alice, { name: "stale-run" });
    const user = await prisma.experimentRun.findUniqueOrThrow({ where: { id } });
    expect(await markStaleRuns(user.userId, new Date(Date.now() + STALE_RUN_MS + 1000))).toBeGreaterThanOrEqual(1);
    expect((await prisma.experimentRun.findUniqueOrThrow({ where: { id } })).status).toBe("interrupted");
    await pointsRoute.POST(jsonRequest(`/x`, "POST", { points: [{ step: 0, values: { loss: 1 } }] }, alice), runContext(id));
    expect((await prisma.experimentRun.findUniqueOrThrow({ where: { id } })).status).toBe("running");
  });

  it("exports the caller's runs as CSV (one row per point) and JSON", async () => {
    const id = await startRun(bob, { name: "export-me", params: { lr: 0.5, note: 'say "hi", ok' } });
    await pointsRoute.POST(jsonRequest("/x", "POST", { points: [{ step: 0, values: { loss: 2 } }, { step: 1, values: { loss: 1 } }] }, bob), runContext(id));
    const csv = await exportRoute.GET(new Request("http://localhost/api/experiments/export?format=csv&name=export-me", { headers: { cookie: bob } }), undefined);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("run_id,name,lesson,status,seed,code_hash,engine_version,started_at,ended_at,param_lr,param_note,step,loss");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(`${id},export-me,${LESSON},running`);
    expect(lines[1]).toContain('0.5,"say ""hi"", ok",0,2');
    const json = await (await exportRoute.GET(new Request("http://localhost/api/experiments/export?format=json&name=export-me", { headers: { cookie: bob } }), undefined)).json();
    expect(json.runs).toHaveLength(1);
    expect(json.runs[0].points).toEqual([{ step: 0, values: { loss: 2 } }, { step: 1, values: { loss: 1 } }]);
    const bad = await exportRoute.GET(new Request("http://localhost/api/experiments/export?format=xml", { headers: { cookie: bob } }), undefined);
    expect(bad.status).toBe(400);
  });

  it("deletes the caller's run with its points", async () => {
    const id = await startRun(alice, { name: "to-delete" });
    await pointsRoute.POST(jsonRequest("/x", "POST", { points: [{ step: 0, values: { loss: 1 } }] }, alice), runContext(id));
    const response = await runRoute.DELETE(new Request("http://localhost/x", { method: "DELETE", headers: { cookie: alice } }), runContext(id));
    expect(response.status).toBe(200);
    expect(await prisma.experimentRun.findUnique({ where: { id } })).toBeNull();
    expect(await prisma.metricPoint.count({ where: { runId: id } })).toBe(0);
  });
});
