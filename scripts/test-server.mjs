#!/usr/bin/env node
// The server the browser tests run against: a production build on a fresh temporary
// database, so tests never touch a learner's data. Playwright starts and stops it.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { run } from "./lib.mjs";

if (!process.env.DATABASE_URL) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-test-"));
  process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;
}
run("node", ["scripts/prepare.mjs"]);
run("node", ["scripts/build-if-needed.mjs"]);
// --no-node-snapshot as in production (scripts/start.mjs): isolated-vm requires it on Node 20+.
run("node", ["--no-node-snapshot", "scripts/serve.mjs", "-p", process.env.PORT || "3100", "-H", "127.0.0.1"]);
