// A throwaway PostgreSQL 15 cluster for tests and benchmarks: initdb in a temporary directory,
// started with pg_ctl on a free TCP port (socket in the same directory), removed by stop().
// initdb refuses to run as root, so as root the cluster belongs to an unprivileged user
// (PG_CLUSTER_USER, else "postgres" if it exists, else "nobody") and every command runs through
// runuser. Trust authentication on 127.0.0.1 only: the cluster lives for one run.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export const PG_BIN = process.env.PG_BIN || "/usr/lib/postgresql/15/bin";

export function postgresAvailable() {
  return existsSync(path.join(PG_BIN, "initdb")) && existsSync(path.join(PG_BIN, "pg_ctl"));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function clusterUser() {
  if (process.getuid?.() !== 0) return null;
  if (process.env.PG_CLUSTER_USER) return process.env.PG_CLUSTER_USER;
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    return "postgres";
  } catch {
    return "nobody";
  }
}

function ids(user) {
  const uid = Number(execFileSync("id", ["-u", user]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", user]).toString().trim());
  return { uid, gid };
}

/**
 * Starts a cluster; resolves with { url, port, dir, stop(), restart(), pgStop(), pgStart() }.
 * `url` names database "gradbook" (created), user "postgres".
 */
export async function startPostgres({ database = "gradbook", settings = {} } = {}) {
  if (!postgresAvailable()) throw new Error(`PostgreSQL binaries not found in ${PG_BIN} (apt-get install postgresql)`);
  const user = clusterUser();
  const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-pg-"));
  if (user) {
    const { uid, gid } = ids(user);
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  const run = (bin, args, options = {}) => {
    const command = path.join(PG_BIN, bin);
    // cwd: the cluster user may not be able to enter the caller's working directory.
    const opts = { stdio: "pipe", cwd: dir, ...options };
    return user ? execFileSync("runuser", ["-u", user, "--", command, ...args], opts) : execFileSync(command, args, opts);
  };
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c max_connections=200",
    // A test cluster is thrown away: no need to wait for the disk.
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    ...Object.entries(settings).map(([key, value]) => `-c ${key}=${value}`),
  ].join(" ");
  const pgStart = () => run("pg_ctl", ["-D", data, "-l", path.join(dir, "log"), "-o", options, "-w", "-t", "60", "start"]);
  const pgStop = (mode = "fast") => run("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
  pgStart();
  run("createdb", ["-h", dir, "-p", String(port), "-U", "postgres", database]);
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
    port,
    dir,
    database,
    pgStart,
    pgStop,
    /** Stops the server (fast shutdown, or "immediate" like a crash) and starts it again. */
    restart(mode = "fast") {
      pgStop(mode);
      pgStart();
    },
    /** Runs a PostgreSQL client binary (psql, pg_dump, ...) as the cluster's user. */
    run,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        pgStop("immediate");
      } catch {
        // already down
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
