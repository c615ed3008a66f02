#!/usr/bin/env node
// `npm run load`: 100 concurrent learners autosaving cells and logging experiment metrics for
// 30 s against a production build on SQLite (started here on a free port with a temporary
// database), then checks that every write the server confirmed is in the database.
//
// Each learner (one autocannon connection, its own anonymous cookie) starts a run, then
// alternates an autosave of one of its cells (a new version each time) with a batch of metric
// points, at LOAD_RATE requests per second (default 4: a save per second of typing plus
// metric batches, what a learner training a model while editing sends; the client batches
// points every 500 ms). LOAD_RATE=0 removes the pacing and measures the server flat out.
//
// Env: LOAD_CONNECTIONS (100), LOAD_SECONDS (30), LOAD_RATE (4), NEXT_DIST_DIR (.next).
import { spawn, execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";

const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 100);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const RATE = Number(process.env.LOAD_RATE ?? 4);
const POINTS_PER_BATCH = 5;
const CELLS_PER_LEARNER = 8;
const LESSON = "first-look-at-tensors";

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url, child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the server did not start within 60 s");
}

// ---- set up: build if needed, fresh database, server --------------------------------------
const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-load-"));
const dbFile = path.join(dir, "load.db");
// The server signs learner cookies with this secret; the load learners sign theirs with it too
// (lib/auth/learner-id.ts: `<uuid>.<base64url HMAC-SHA256 of the uuid>`), one per connection.
const secret = process.env.BETTER_AUTH_SECRET || randomBytes(32).toString("base64url");
const env = { ...process.env, BETTER_AUTH_SECRET: secret, DATABASE_URL: `file:${dbFile}`, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" };
const learnerCookie = (id) => `gb_learner=${id}.${createHmac("sha256", secret).update(id).digest("base64url")}`;
console.log(`▸ Database: ${dbFile}`);
execFileSync(process.execPath, ["scripts/db/migrate.mjs", "deploy"], { env, stdio: "inherit" });
execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], { env, stdio: "inherit" });
const port = await freePort();
const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "inherit", "inherit"] });
const base = `http://127.0.0.1:${port}`;
await waitUntilUp(`${base}/api/account`, server);
console.log(`▸ Server up at ${base}; ${CONNECTIONS} learners for ${SECONDS} s at ${RATE || "unlimited"} req/s each\n`);

/** CPU seconds used so far by a process and its descendants (Linux /proc; null elsewhere). */
function cpuSeconds(rootPid) {
  try {
    const stats = new Map();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const text = readFileSync(`/proc/${entry}/stat`, "utf8");
        const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
        stats.set(Number(entry), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / 100 });
      } catch {
        // the process ended while we looked
      }
    }
    const tree = new Set([rootPid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, stat] of stats) {
        if (!tree.has(pid) && tree.has(stat.ppid)) {
          tree.add(pid);
          grew = true;
        }
      }
    }
    return [...tree].reduce((sum, pid) => sum + (stats.get(pid)?.cpu ?? 0), 0);
  } catch {
    return null;
  }
}

// ---- what the server confirmed --------------------------------------------------------------
const confirmedCells = new Map(); // `${learner}/${cellId}` -> { version, code }
const confirmedPoints = new Map(); // runId -> points confirmed
let confirmedSaves = 0;
let confirmedRuns = 0;
let refused = 0;
const refusals = new Map();

function refuse(what, status, body) {
  refused++;
  const key = `${what} ${status}`;
  if (!refusals.has(key)) refusals.set(key, body.slice(0, 200));
}

const json = { "content-type": "application/json" };

const createRun = {
  method: "POST",
  path: "/api/experiments/runs",
  setupRequest(request, context) {
    context.learner ??= crypto.randomUUID();
    context.runId = crypto.randomUUID();
    context.version = Date.now();
    context.step = 0;
    context.saves = 0;
    return {
      ...request,
      headers: { ...json, cookie: learnerCookie(context.learner) },
      body: JSON.stringify({ id: context.runId, lessonSlug: LESSON, cellId: "make", name: "load-sweep", params: { lr: 0.01, learner: context.learner.slice(0, 8) }, seed: 0, codeHash: null, engineVersion: "load", startedAt: Date.now() }),
    };
  },
  onResponse(status, body, context) {
    if (status === 201) {
      confirmedRuns++;
      confirmedPoints.set(context.runId, 0);
    } else refuse("create run", status, body);
  },
};

const saveCell = {
  method: "PUT",
  setupRequest(request, context) {
    const cellId = `load-${context.saves++ % CELLS_PER_LEARNER}`;
    const version = ++context.version;
    const code = `// learner ${context.learner}\nconst step = ${version};\n${"x".repeat(200)}`;
    context.pendingSave = { cellId, version, code };
    return { ...request, path: `/api/lessons/${LESSON}/cells/${cellId}`, headers: { ...json, cookie: learnerCookie(context.learner) }, body: JSON.stringify({ code, version }) };
  },
  onResponse(status, body, context) {
    if (status !== 200) return refuse("save cell", status, body);
    confirmedSaves++;
    const { cellId, version, code } = context.pendingSave;
    const key = `${context.learner}/${cellId}`;
    if ((confirmedCells.get(key)?.version ?? 0) < version) confirmedCells.set(key, { version, code });
  },
};

const logPoints = {
  method: "POST",
  setupRequest(request, context) {
    const points = Array.from({ length: POINTS_PER_BATCH }, () => {
      const step = context.step++;
      return { step, values: { loss: 1 / (step + 1), accuracy: Math.min(1, step / 1000) } };
    });
    return { ...request, path: `/api/experiments/runs/${context.runId}/points`, headers: { ...json, cookie: learnerCookie(context.learner) }, body: JSON.stringify({ points }) };
  },
  onResponse(status, body, context) {
    if (status !== 200) return refuse("log points", status, body);
    confirmedPoints.set(context.runId, (confirmedPoints.get(context.runId) ?? 0) + POINTS_PER_BATCH);
  },
};

// One run, then saves and metric batches alternating; long enough never to wrap within the run.
const requests = [createRun, ...Array.from({ length: 4000 }, (_, i) => (i % 2 === 0 ? saveCell : logPoints))];

const cpuBefore = cpuSeconds(server.pid);
const result = await autocannon({
  url: base,
  connections: CONNECTIONS,
  duration: SECONDS,
  ...(RATE > 0 ? { connectionRate: RATE } : {}),
  requests,
  timeout: 10,
});

const cpuUsed = cpuBefore === null ? null : cpuSeconds(server.pid) - cpuBefore;
server.kill("SIGTERM");
await new Promise((resolve) => server.once("exit", resolve));

// ---- check the database against what was confirmed ----------------------------------------
const db = new Database(dbFile, { readonly: true });
const cellRows = db.prepare("SELECT userId, cellId, code, version FROM CellState WHERE lessonSlug = ?").all(LESSON);
const byKey = new Map(cellRows.map((row) => [`${row.userId}/${row.cellId}`, row]));
let cellsFound = 0;
for (const [key, expected] of confirmedCells) {
  const row = byKey.get(key);
  // The confirmed write, or a newer one of the same learner's cell (sent after it), is stored.
  if (row && (Number(row.version) > expected.version || (Number(row.version) === expected.version && row.code === expected.code))) cellsFound++;
}
const pointRows = new Map(db.prepare("SELECT runId, COUNT(*) AS n FROM MetricPoint GROUP BY runId").all().map((row) => [row.runId, row.n]));
let pointsConfirmed = 0;
let pointsFound = 0;
for (const [runId, confirmed] of confirmedPoints) {
  pointsConfirmed += confirmed;
  pointsFound += Math.min(confirmed, pointRows.get(runId) ?? 0);
}
const runIds = new Set(db.prepare("SELECT id FROM ExperimentRun").all().map((row) => row.id));
const runsFound = [...confirmedPoints.keys()].filter((id) => runIds.has(id)).length;
db.close();

const errors = result.errors + result.timeouts + result.non2xx;
const lost = confirmedCells.size - cellsFound + (pointsConfirmed - pointsFound) + (confirmedRuns - runsFound);
console.log("\n=== Gradbook load test ===");
console.log(`learners (connections): ${CONNECTIONS}, duration: ${SECONDS} s, pacing: ${RATE ? `${RATE} req/s per learner` : "none (flat out)"}`);
console.log(`requests: ${result.requests.total} (${result.requests.average.toFixed(0)} req/s average, ${result.throughput.average.toFixed(0)} B/s)`);
console.log(`latency: p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
if (cpuUsed !== null) console.log(`server CPU: ${cpuUsed.toFixed(1)} s over ${SECONDS} s = ${((1000 * cpuUsed) / result.requests.total).toFixed(2)} ms per request (machine load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
console.log(`errors: ${errors} (connection errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`);
for (const [key, body] of refusals) console.log(`  refused: ${key}: ${body}`);
console.log(`cell saves confirmed: ${confirmedSaves}; latest confirmed version of each of ${confirmedCells.size} cells found in the DB: ${cellsFound}`);
console.log(`metric points confirmed: ${pointsConfirmed}; found in the DB: ${pointsFound}`);
console.log(`runs confirmed: ${confirmedRuns}; found in the DB: ${runsFound}`);
const goals = [
  ["zero errors", errors === 0 && refused === 0],
  ["zero lost writes", lost === 0],
  ["p99 < 50 ms", result.latency.p99 < 50],
];
for (const [goal, met] of goals) console.log(`${met ? "✓" : "✗"} ${goal}`);
process.exit(goals.every(([, met]) => met) ? 0 : 1);
