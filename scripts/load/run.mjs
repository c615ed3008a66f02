#!/usr/bin/env node
// `npm run load`: learners autosaving cells and logging experiment metrics, open loop (arrivals
// at random times at a fixed mean rate: scripts/load/open-loop.mjs), against the production
// build on a fresh database; then checks that every write the server confirmed is stored.
//
//   npm run load                                     100 learners, SQLite, one app instance
//   LOAD_DB=postgres LOAD_INSTANCES=2 npm run load   the same on PostgreSQL, two instances
//   LOAD_SWEEP=1 [LOAD_DB=... LOAD_INSTANCES=...]    raises the learners step by step (each at
//                                                    the same per-learner rate) until p99 > 50 ms
//
// Env: LOAD_LEARNERS (100), LOAD_SECONDS (30; 15 per sweep step), LOAD_SAVES_PER_S (1 per
// learner), LOAD_BATCHES_PER_S (1 per learner), LOAD_DB (sqlite | postgres), LOAD_INSTANCES (1),
// LOAD_SWEEP_STEP (100 learners), NEXT_DIST_DIR (.next), LOAD_CPU_PROF (a directory: each app
// instance writes a CPU profile there when it stops; summarise it with scripts/load/profile.mjs).
import os from "node:os";
import { cookieFor, cpuSeconds, ensureBuild, freshDatabase, loadEnv, startApp, stopProcess } from "./cluster.mjs";
import { checkStored, runOpenLoop } from "./open-loop.mjs";

const PROVIDER = process.env.LOAD_DB === "postgres" ? "postgres" : "sqlite";
const INSTANCES = Number(process.env.LOAD_INSTANCES ?? 1);
const SWEEP = ["1", "true", "yes"].includes((process.env.LOAD_SWEEP ?? "").toLowerCase());
const LEARNERS = Number(process.env.LOAD_LEARNERS ?? 100);
const SECONDS = Number(process.env.LOAD_SECONDS ?? (SWEEP ? 15 : 30));
const SAVES = Number(process.env.LOAD_SAVES_PER_S ?? 1);
const BATCHES = Number(process.env.LOAD_BATCHES_PER_S ?? 1);
const STEP = Number(process.env.LOAD_SWEEP_STEP ?? 100);
const P99_GOAL_MS = 50;

const database = await freshDatabase(PROVIDER);
const env = loadEnv(database);
ensureBuild(env);
const apps = [];
for (let i = 0; i < INSTANCES; i++) apps.push(await startApp(env, `app${i + 1}`));
const cookie = cookieFor(env);
// Interrupted (Ctrl-C, a timeout): leave no server or cluster behind.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const app of apps) app.child.kill("SIGKILL");
    database.stop();
    process.exit(130);
  });
}
console.log(`▸ ${PROVIDER} (${database.url.replace(/\/\/[^@]*@/, "//")}); ${INSTANCES} app instance(s): ${apps.map((app) => app.base).join(", ")}`);

const pids = () => apps.map((app) => app.child.pid);

/**
 * Waits (at most 30 s) until the app instances are quiet: for some seconds after a start V8 keeps
 * compiling and Next keeps loading code on background threads (about 20 ms of CPU a second per
 * instance), which would otherwise be counted against the first requests measured.
 */
async function settled() {
  for (let waited = 0; waited < 30; waited++) {
    const before = cpuSeconds(pids());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (cpuSeconds(pids()) - before < 0.003 * apps.length) return;
  }
}

async function step(learners) {
  // CPU of the timed part only: creating the learners' runs and the warm-up (which loads every
  // route's code) would otherwise count against the requests measured.
  let cpuBefore = null;
  const onTimedStart = () => (cpuBefore = cpuSeconds(pids()));
  const result = await runOpenLoop({ bases: apps.map((app) => app.base), learners, seconds: SECONDS, savesPerSecond: SAVES, batchesPerSecond: BATCHES, cookie, beforeTimed: settled, onTimedStart });
  const cpu = cpuBefore === null ? null : cpuSeconds(pids()) - cpuBefore;
  const stored = await checkStored(database, result);
  const ms = (value) => `${value.toFixed(1)} ms`;
  console.log(
    `${learners} learners, ${result.rate.toFixed(0)} req/s offered for ${SECONDS} s: p50 ${ms(result.latency.p50)}, p90 ${ms(result.latency.p90)}, p99 ${ms(result.latency.p99)}, max ${ms(result.latency.max)}; ` +
      `errors ${result.errorCount}; lost writes ${stored.lost} (of ${stored.cells} cells' latest saves and ${stored.pointsConfirmed} points)` +
      (cpu === null ? "" : `; app CPU ${((1000 * cpu) / result.requests).toFixed(2)} ms per request (load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`),
  );
  for (const [key, entry] of result.errors) console.log(`  ${entry.count} × ${key}: ${entry.sample}`);
  return { learners, result, stored };
}

let exitCode = 0;
try {
  if (SWEEP) {
    let below = null;
    let above = null;
    for (let learners = STEP; ; learners += STEP) {
      const outcome = await step(learners);
      if (outcome.result.latency.p99 > P99_GOAL_MS || outcome.result.errorCount > 0) {
        above = outcome;
        break;
      }
      below = outcome;
    }
    console.log(
      `\n=== p99 crosses ${P99_GOAL_MS} ms (${PROVIDER}, ${INSTANCES} instance(s)) between ${below ? `${below.result.rate.toFixed(0)} req/s (p99 ${below.result.latency.p99.toFixed(1)} ms)` : "0 req/s"} and ${above.result.rate.toFixed(0)} req/s (p99 ${above.result.latency.p99.toFixed(1)} ms) ===`,
    );
  } else {
    const { result, stored } = await step(LEARNERS);
    const goals = [
      ["zero errors", result.errorCount === 0],
      ["zero lost writes", stored.lost === 0],
      [`p99 < ${P99_GOAL_MS} ms`, result.latency.p99 < P99_GOAL_MS],
    ];
    for (const [goal, met] of goals) console.log(`${met ? "✓" : "✗"} ${goal}`);
    if (!goals.every(([, met]) => met)) exitCode = 1;
  }
} finally {
  for (const app of apps) await stopProcess(app.child);
  database.stop();
}
process.exit(exitCode);
