import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Points the app at a fresh SQLite file with every migration applied, through the same
 * offline migration script `npm start` uses. Call before importing anything from lib/db.
 */
export function createFreshDatabase(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-unit-"));
  const url = `file:${path.join(dir, "unit.db")}`;
  process.env.DATABASE_URL = url;
  execFileSync(process.execPath, ["scripts/db/migrate.mjs", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  return url;
}

export function jsonRequest(url: string, method: string, body: unknown, cookie?: string): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  return new Request(`http://localhost${url}`, { method, headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}
