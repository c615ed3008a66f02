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
 * One worker by default; GRADBOOK_BROWSER_WORKERS=2 runs two, each a spec file's tests one after
 * another in its own Chromium, files side by side (fullyParallel false). Tests in different files
 * share only the server and its database, and keep to their own rows: their own accounts and
 * anonymous learners, unique names (tests/browser/unique.ts), a seeded class found by its own
 * email domain. What is the whole server's stays in one file: the grader's slots and per-address
 * quota (grading.spec.ts), comments and their counts (discussion.spec.ts).
 * Why not two by default: on CI's 2 cores the tests are CPU-bound (a Run all's kernel threads and
 * Monaco's TypeScript worker fill both with one browser), so two workers saved only about a
 * quarter (22 against 29.8 min, one run each, on a loaded machine) while doubling each test's
 * time: tests of 20-30 s then come near the 60 s test timeout on a slow host, and two workers
 * have passed the whole suite only once.
 */
function workers(): number {
  const raw = process.env.GRADBOOK_BROWSER_WORKERS?.trim();
  if (!raw) return 1;
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
