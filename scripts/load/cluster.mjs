// What the load scripts share: a database (a temporary SQLite file, or a throwaway PostgreSQL
// cluster), app instances serving the production build (scripts/serve.mjs, as `npm start`
// does), grader workers (scripts/grader.mjs), CPU accounting, and reading back what was stored.
import { execFileSync, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { startPostgres } from "../db/pg-cluster.mjs";

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitUntilUp(url, child, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

/**
 * A fresh database: `provider` "sqlite" (a temporary file) or "postgres" (a throwaway cluster).
 * Migrated; `query(sql, params)` reads it with $1-style placeholders on both.
 */
export async function freshDatabase(provider) {
  let url;
  let cluster = null;
  if (provider === "postgres") {
    // Room for two app instances' and two graders' pools, and a server the restart test can stop.
    cluster = await startPostgres({ settings: { max_connections: 300, shared_buffers: "128MB" } });
    url = cluster.url;
  } else {
    url = `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "gradbook-load-")), "load.db")}`;
  }
  execFileSync(process.execPath, ["scripts/db/migrate.mjs", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "inherit" });
  async function query(sql, params = []) {
    if (provider === "postgres") {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    }
    const db = new Database(url.slice("file:".length), { readonly: true });
    try {
      return db.prepare(sql.replace(/\$\d+/g, "?")).all(...params);
    } finally {
      db.close();
    }
  }
  return { provider, url, cluster, query, stop: () => cluster?.stop() };
}

/** The environment every process of a load run shares (one secret: learners sign their own cookies). */
export function loadEnv(database, extra = {}) {
  const secret = process.env.BETTER_AUTH_SECRET || randomBytes(32).toString("base64url");
  return { ...process.env, BETTER_AUTH_SECRET: secret, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...extra };
}

/** The learner cookie the server accepts for `id` (lib/auth/learner-id.ts: `<uuid>.<HMAC-SHA256>`). */
export function cookieFor(env) {
  return (id) => `gb_learner=${id}.${createHmac("sha256", env.BETTER_AUTH_SECRET).update(id).digest("base64url")}`;
}

/** Builds when the sources changed (scripts/build-if-needed.mjs); LOAD_SKIP_BUILD=1 serves the build there is. */
export function ensureBuild(env) {
  if (["1", "true", "yes"].includes((process.env.LOAD_SKIP_BUILD ?? "").toLowerCase())) return;
  execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], { env, stdio: "inherit" });
}

/**
 * An app instance (scripts/serve.mjs) on a free port; resolves once it answers.
 * LOAD_CPU_PROF=<dir>: each instance writes a V8 CPU profile there when it stops (node --cpu-prof).
 */
export async function startApp(env, label = "app") {
  const port = await freePort();
  const profile = process.env.LOAD_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.LOAD_CPU_PROF)}`] : [];
  const child = spawn(process.execPath, [...profile, "scripts/serve.mjs", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${base}/api/account`, child);
  return { label, base, child, port };
}

/** A grader worker (scripts/grader.mjs). */
export function startGrader(env, name) {
  const child = spawn(process.execPath, ["scripts/grader.mjs"], { env: { ...env, GRADER_NAME: name }, stdio: ["ignore", "ignore", "inherit"] });
  return { name, child };
}

export async function stopProcess(child, signal = "SIGTERM") {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await Promise.race([exited, sleep(15_000).then(() => child.kill("SIGKILL"))]);
}

/** CPU seconds used so far by processes and their descendants (Linux /proc; null elsewhere). */
export function cpuSeconds(rootPids) {
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
    const tree = new Set(rootPids);
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

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
