#!/usr/bin/env node
// `npm run db:backup [-- <file>]`: a consistent copy of the database while the app runs.
// SQLite: better-sqlite3's online backup API (pages copied in steps, writers keep going), to
//   <file> (default backups/gradbook-<UTC time>.db); restore by stopping the app and copying
//   the file over DATABASE_URL's.
// PostgreSQL: pg_dump in its custom format (one snapshot; PG_DUMP names the binary, default
//   pg_dump on PATH, else /usr/lib/postgresql/15/bin/pg_dump), to <file> (default
//   backups/gradbook-<UTC time>.dump); restore with pg_restore --clean -d <url> <file>.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { databaseUrl, providerOf, sqliteFileFromUrl } from "./schema-engine.mjs";

const url = databaseUrl();
const provider = providerOf(url);
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "Z");
const target = path.resolve(process.argv[2] || path.join("backups", `gradbook-${stamp}.${provider === "postgres" ? "dump" : "db"}`));
mkdirSync(path.dirname(target), { recursive: true });

function pgDump() {
  if (process.env.PG_DUMP) return process.env.PG_DUMP;
  try {
    execFileSync("pg_dump", ["--version"], { stdio: "ignore" });
    return "pg_dump";
  } catch {
    const bundled = "/usr/lib/postgresql/15/bin/pg_dump";
    if (existsSync(bundled)) return bundled;
    throw new Error("pg_dump not found: install postgresql-client or set PG_DUMP");
  }
}

try {
  if (provider === "postgres") {
    execFileSync(pgDump(), ["--format=custom", "--no-owner", `--file=${target}`, url], { stdio: ["ignore", "inherit", "inherit"] });
  } else {
    const source = new Database(sqliteFileFromUrl(url), { readonly: true, fileMustExist: true });
    try {
      await source.backup(target);
    } finally {
      source.close();
    }
  }
  console.log(`Backed up ${provider === "postgres" ? "PostgreSQL" : "SQLite"} to ${path.relative(process.cwd(), target)} (${statSync(target).size} bytes)`);
} catch (error) {
  console.error(`db:backup: ${error.message}`);
  process.exit(1);
}
