import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/** A free port, found synchronously because the config must be a plain object. */
function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script]).toString().trim());
}

const port = Number(process.env.GRADBOOK_TEST_PORT ?? (process.env.GRADBOOK_TEST_PORT = String(freePort())));
const baseURL = `http://127.0.0.1:${port}`;

// One fresh database per run, named here (workers inherit the env) so tests that must seed
// it, such as an instructor account for the gradebook, reach the same file as the server.
process.env.DATABASE_URL ??= `file:${path.join(mkdtempSync(path.join(os.tmpdir(), "gradbook-test-")), "test.db")}`;

/**
 * Two workers by default: each runs a spec file's tests one after another in its own Chromium,
 * files side by side (fullyParallel false). Tests in different files share only the server and
 * its database, and keep to their own rows: their own accounts and anonymous learners, unique
 * names (tests/browser/unique.ts), a seeded class found by its own email domain. What is the
 * whole server's stays in one file: the grader's slots and per-address quota (grading.spec.ts),
 * comments and their counts (discussion.spec.ts). GRADBOOK_BROWSER_WORKERS=1 runs one file at a
 * time, for a machine with one core or to rule out an interaction between tests.
 */
function workers(): number {
  const raw = process.env.GRADBOOK_BROWSER_WORKERS?.trim();
  if (!raw) return 2;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`GRADBOOK_BROWSER_WORKERS must be a whole number of at least 1, got "${raw}"`);
  return value;
}

export default defineConfig({
  testDir: "tests/browser",
  fullyParallel: false,
  workers: workers(),
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    command: "node scripts/test-server.mjs",
    url: `${baseURL}/`,
    env: { PORT: String(port) },
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
  },
});
