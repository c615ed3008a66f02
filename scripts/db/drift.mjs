#!/usr/bin/env node
// Do the migration histories still produce the models of prisma/schema.prisma?
//   node scripts/db/drift.mjs sqlite            -> prints JSON { provider, drift: "<SQL>" | "" }
//   node scripts/db/drift.mjs postgres <url>    -> the same for PostgreSQL (url: an empty server's database)
// SQLite: the engine replays prisma/migrations into a shadow database and diffs it against the
// models. PostgreSQL: the engine cannot introspect PostgreSQL through the adapter, so the
// migrations are applied to one database, the models' from-empty script to another, and the
// two catalogs (columns, indexes, constraints) are compared.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openEngine, readMigrations, noFilters } from "./schema-engine.mjs";

const [provider, url] = process.argv.slice(2);

async function sqliteDrift() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-drift-"));
  const opened = await openEngine(`file:${path.join(dir, "drift.db")}`);
  try {
    const { stdout } = await opened.engine.diff({
      from: { tag: "migrations", ...(await readMigrations(opened.migrationsDir)) },
      to: { tag: "schemaDatamodel", files: [{ path: opened.schemaPath, content: opened.schema }] },
      script: true,
      exitCode: true,
      shadowDatabaseUrl: null,
      filters: noFilters,
    });
    return isEmptyScript(stdout) ? "" : stdout;
  } finally {
    opened.engine.free();
    rmSync(dir, { recursive: true, force: true });
  }
}

function isEmptyScript(sql) {
  return sql.split("\n").every((line) => line.trim() === "" || line.trim().startsWith("--"));
}

const CATALOG = [
  `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') || ' precision=' || coalesce(datetime_precision::text, '') AS line
     FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
  `SELECT 'index ' || indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  `SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS line
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_prisma_migrations', '"_prisma_migrations"')`,
];

async function describe(connectionString) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const lines = [];
    for (const sql of CATALOG) for (const row of (await client.query(sql)).rows) lines.push(row.line);
    return lines.sort();
  } finally {
    await client.end();
  }
}

function withDatabase(base, name) {
  const parsed = new URL(base);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function postgresDrift(baseUrl) {
  if (!baseUrl) throw new Error("usage: drift.mjs postgres <postgresql://... url>");
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const suffix = `${process.pid}_${Date.now()}`;
  const migrated = `drift_migrated_${suffix}`;
  const modelled = `drift_models_${suffix}`;
  try {
    await admin.query(`CREATE DATABASE ${migrated}`);
    await admin.query(`CREATE DATABASE ${modelled}`);
    const byMigrations = await openEngine(withDatabase(baseUrl, migrated));
    let script;
    try {
      await byMigrations.engine.applyMigrations({ migrationsList: await readMigrations(byMigrations.migrationsDir), filters: noFilters });
      ({ stdout: script } = await byMigrations.engine.diff({
        from: { tag: "empty" },
        to: { tag: "schemaDatamodel", files: [{ path: byMigrations.schemaPath, content: byMigrations.schema }] },
        script: true,
        exitCode: null,
        shadowDatabaseUrl: null,
        filters: noFilters,
      }));
    } finally {
      byMigrations.engine.free();
    }
    const target = new pg.Client({ connectionString: withDatabase(baseUrl, modelled) });
    await target.connect();
    try {
      await target.query(script);
    } finally {
      await target.end();
    }
    const [a, b] = [await describe(withDatabase(baseUrl, migrated)), await describe(withDatabase(baseUrl, modelled))];
    const onlyMigrated = a.filter((line) => !b.includes(line));
    const onlyModels = b.filter((line) => !a.includes(line));
    return onlyMigrated.length || onlyModels.length ? [...onlyMigrated.map((l) => `- migrations only: ${l}`), ...onlyModels.map((l) => `+ models only: ${l}`)].join("\n") : "";
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${migrated} WITH (FORCE)`).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${modelled} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

const drift = provider === "postgres" ? await postgresDrift(url) : provider === "sqlite" ? await sqliteDrift() : null;
if (drift === null) {
  console.error("usage: drift.mjs sqlite | postgres <url>");
  process.exit(2);
}
console.log(JSON.stringify({ provider, drift }));
