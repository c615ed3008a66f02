/**
 * What the Chromium benches share: a production server (scripts/test-server.mjs: `next build`
 * into NEXT_DIST_DIR when the sources changed, then `next start`) on a free port, and Debian's
 * Chromium launched headless against it. The server's output goes to a log file whose path is
 * printed, so a failed build can be read after the bench.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForServer(url: string, timeoutMs: number, exited: () => number | null, log: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const code = exited();
    if (code !== null) throw new Error(`The production server exited with code ${code} before serving: see ${log}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`The server at ${url} did not start within ${timeoutMs / 1000} s: see ${log}`);
}

export interface BenchServer {
  base: string;
  databaseUrl: string;
  browser: Browser;
}

/**
 * Runs `body` with a production server and a browser, then stops both. `extraArgs` are added to
 * Chromium's flags. Returns false (after saying why) when Chromium is not installed.
 */
export async function withProductionServer(options: { databaseUrl?: string; extraArgs?: string[]; buildTimeoutMs?: number }, body: (server: BenchServer) => Promise<void>): Promise<boolean> {
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: Chromium not found at ${CHROMIUM} (sudo apt-get install -y chromium)`);
    return false;
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-bench-"));
  const databaseUrl = options.databaseUrl ?? `file:${path.join(dir, "bench.db")}`;
  const log = path.join(dir, "server.log");
  const out = openSync(log, "a");
  let exitCode: number | null = null;
  const server = spawn(process.execPath, ["scripts/test-server.mjs"], { env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl }, stdio: ["ignore", out, out], detached: true });
  server.on("exit", (code) => (exitCode = code ?? -1));
  try {
    await waitForServer(`${base}/`, options.buildTimeoutMs ?? 900_000, () => exitCode, log);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...(options.extraArgs ?? [])],
    });
    try {
      await body({ base, databaseUrl, browser });
    } finally {
      await browser.close();
    }
  } finally {
    if (server.pid && exitCode === null) process.kill(-server.pid, "SIGTERM");
  }
  return true;
}
