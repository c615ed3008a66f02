import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The app secret unit tests run with (set by createFreshDatabase). */
export const TEST_AUTH_SECRET = "gradbook-unit-test-secret-0123456789abcdef";

/**
 * Points the app at a fresh SQLite file with every migration applied, through the same
 * offline migration script `npm start` uses, and fixes the app secret (TEST_AUTH_SECRET) so
 * learnerCookie can sign ids. Call before importing anything from lib/db.
 */
export function createFreshDatabase(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-unit-"));
  // GRADBOOK_TEST_POSTGRES_URL (set by scripts/db/test-on-postgres.mjs): a fresh database on
  // that PostgreSQL server instead of a SQLite file, so the same tests run on both providers.
  const postgres = process.env.GRADBOOK_TEST_POSTGRES_URL;
  const url = postgres ? freshPostgresDatabase(postgres) : `file:${path.join(dir, "unit.db")}`;
  process.env.DATABASE_URL = url;
  process.env.BETTER_AUTH_SECRET = TEST_AUTH_SECRET;
  execFileSync(process.execPath, ["scripts/db/migrate.mjs", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  return url;
}

function freshPostgresDatabase(serverUrl: string): string {
  const name = `unit_${process.pid}_${Date.now()}`;
  const create = `const pg = require("pg"); const c = new pg.Client({ connectionString: process.argv[1] }); c.connect().then(() => c.query('CREATE DATABASE ${name}')).then(() => c.end()).catch((e) => { console.error(e); process.exit(1); });`;
  execFileSync(process.execPath, ["-e", create, serverUrl], { stdio: "pipe" });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function jsonRequest(url: string, method: string, body: unknown, cookie?: string): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  return new Request(`http://localhost${url}`, { method, headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/**
 * The Cookie header of an anonymous learner: `gb_learner=<id>.<signature>`, signed as the server
 * signs it (HMAC-SHA256 of the id under the app secret, base64url). Written out here rather than
 * imported from lib/auth so that tests check the server against the documented format.
 */
export function learnerCookie(id: string, secret = TEST_AUTH_SECRET): string {
  return `gb_learner=${id}.${createHmac("sha256", secret).update(id).digest("base64url")}`;
}
