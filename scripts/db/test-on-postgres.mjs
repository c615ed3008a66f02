#!/usr/bin/env node
// Runs unit test files against PostgreSQL instead of SQLite: starts a throwaway cluster
// (scripts/db/pg-cluster.mjs), points tests/unit/api/test-database.ts's createFreshDatabase at
// it (GRADBOOK_TEST_POSTGRES_URL: one fresh database per test file), runs vitest, removes it.
//   node scripts/db/test-on-postgres.mjs [vitest file filters...]
// Default: the db and api route tests that only need a database.
import { spawnSync } from "node:child_process";
import { startPostgres } from "./pg-cluster.mjs";

const DEFAULT_FILES = ["tests/unit/db/progress.test.ts", "tests/unit/db/experiments.test.ts", "tests/unit/db/hot-writes.test.ts", "tests/unit/api/cells-route.test.ts", "tests/unit/auth/signin-throttle.test.ts", "tests/unit/api/comments-route.test.ts"];
const files = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_FILES;
const cluster = await startPostgres();
let status = 1;
try {
  status = spawnSync("npx", ["vitest", "run", ...files], { stdio: "inherit", env: { ...process.env, GRADBOOK_TEST_POSTGRES_URL: cluster.url } }).status ?? 1;
} finally {
  cluster.stop();
}
process.exit(status);
