#!/usr/bin/env node
// The server CPU our own code spends on the two hot routes, without Next: the autosave
// (PUT /api/lessons/:slug/cells/:cellId) and metric-batch (POST /api/experiments/runs/:id/points)
// handlers called in this process, N times each, on a fresh SQLite database (or, with
// HANDLER_CPU_DB=postgres, a throwaway PostgreSQL cluster), with the CPU time (process.cpuUsage)
// per request of each layer: the whole route() handler, the learner lookup, and the database call
// alone. `npm run load` measures the same routes through the HTTP server.
//
//   node scripts/load/handler-cpu.mjs [requests per route, default 3000]
import { createHmac, randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundleForNode } from "../bundle-for-node.mjs";
import { startPostgres } from "../db/pg-cluster.mjs";

const N = Number(process.argv[2] ?? 3000);
const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-handler-cpu-"));
const cluster = process.env.HANDLER_CPU_DB === "postgres" ? await startPostgres() : null;
process.env.DATABASE_URL = cluster ? cluster.url : `file:${path.join(dir, "cpu.db")}`;
console.log(`▸ ${cluster ? "PostgreSQL" : "SQLite"}, ${N} requests per measurement`);
process.env.BETTER_AUTH_SECRET = "handler-cpu-secret-0123456789abcdef0123456789";
execFileSync(process.execPath, ["scripts/db/migrate.mjs", "deploy"], { env: process.env, stdio: "ignore" });

const { saveRoute, pointsRoute, createRunRoute, getWritingUser, saveCell, addPoints } = await bundleForNode(
  [
    'export { PUT as saveRoute } from "./app/api/lessons/[slug]/cells/[cellId]/route";',
    'export { POST as pointsRoute } from "./app/api/experiments/runs/[runId]/points/route";',
    'export { POST as createRunRoute } from "./app/api/experiments/runs/route";',
    'export { getWritingUser } from "./lib/auth/request-user";',
    'export { saveCell } from "./lib/db/cells";',
    'export { addPoints } from "./lib/db/experiments";',
  ].join("\n"),
  "lib/generated/handler-cpu/routes.mjs",
  {
    logLevel: "error",
    // Next's subpath entry points have no "exports" map: Node's ESM loader needs the file name.
    plugins: [{ name: "next-subpaths", setup: (b) => b.onResolve({ filter: /^next\/(headers|server)$/ }, (args) => ({ path: `${args.path}.js`, external: true })) }],
  },
);

const LESSON = "first-look-at-tensors";
const learner = randomUUID();
const cookie = `gb_learner=${learner}.${createHmac("sha256", process.env.BETTER_AUTH_SECRET).update(learner).digest("base64url")}`;
const json = (url, method, body) => new Request(`http://localhost${url}`, { method, headers: { "content-type": "application/json", cookie, origin: "http://localhost", host: "localhost" }, body: JSON.stringify(body) });
const runId = randomUUID();
const created = await createRunRoute(json("/api/experiments/runs", "POST", { id: runId, lessonSlug: LESSON, cellId: "make", name: "cpu", params: {}, seed: 0, codeHash: null, engineVersion: "cpu", startedAt: Date.now() }));
if (created.status !== 201) throw new Error(`run not created: ${created.status} ${await created.text()}`);

let version = Date.now();
let step = 0;
const code = () => `const step = ${version};\n${"x".repeat(200)}`;
const batch = () => Array.from({ length: 5 }, () => ({ step: step++, values: { loss: Math.random(), acc: Math.random() } }));

// HANDLER_CPU_ONLY=<word>: only the measurements whose label has it (to profile one with --cpu-prof).
const only = process.env.HANDLER_CPU_ONLY;
async function measure(label, call) {
  if (only && !label.includes(only)) return;
  for (let i = 0; i < 200; i++) await call(); // warm up (JIT, prepared statements)
  const before = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await call();
  const cpu = process.cpuUsage(before);
  const ms = (cpu.user + cpu.system) / 1000 / N;
  console.log(`${label.padEnd(50)} ${ms.toFixed(3)} ms CPU per request (${((performance.now() - t0) / N).toFixed(3)} ms wall)`);
}

const params = (value) => ({ params: Promise.resolve(value) });
await measure("autosave route (route() + auth + zod + db)", async () => {
  const response = await saveRoute(json(`/api/lessons/${LESSON}/cells/make`, "PUT", { code: code(), version: ++version }), params({ slug: LESSON, cellId: "make" }));
  if (response.status !== 200) throw new Error(`save: ${response.status} ${await response.text()}`);
});
// What the hot path (lib/api/hot-path.ts) calls: the same route, without fetch Request/Response.
const headers = { "content-type": "application/json", cookie, origin: "http://localhost", host: "localhost" };
const apiRequest = (url, method, body) => {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  return { method, url: `http://localhost${url}`, headers: new Headers(headers), bodyBytes: async () => bytes };
};
await measure("autosave through the hot path's route.answer", async () => {
  const reply = await saveRoute.answer(apiRequest(`/api/lessons/${LESSON}/cells/make`, "PUT", { code: code(), version: ++version }), { slug: LESSON, cellId: "make" });
  if (reply.status !== 200) throw new Error(`save: ${reply.status} ${JSON.stringify(reply.body)}`);
  JSON.stringify(reply.body);
});
await measure("  of which the learner lookup", async () => {
  if (!(await getWritingUser(json("/x", "GET")))) throw new Error("no user");
});
await measure("  of which saveCell", async () => {
  await saveCell(learner, LESSON, "make", code(), ++version);
});
await measure("metric batch route (5 points)", async () => {
  const response = await pointsRoute(json(`/api/experiments/runs/${runId}/points`, "POST", { points: batch() }), params({ runId }));
  if (response.status !== 200) throw new Error(`points: ${response.status} ${await response.text()}`);
});
await measure("metric batch through the hot path's route.answer", async () => {
  const reply = await pointsRoute.answer(apiRequest(`/api/experiments/runs/${runId}/points`, "POST", { points: batch() }), { runId });
  if (reply.status !== 200) throw new Error(`points: ${reply.status} ${JSON.stringify(reply.body)}`);
  JSON.stringify(reply.body);
});
await measure("  of which addPoints", async () => {
  await addPoints(learner, runId, batch());
});
cluster?.stop();
process.exit(0);
