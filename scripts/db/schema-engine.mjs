// Drives Prisma's schema engine compiled to WebAssembly, because the Prisma CLI wants to
// download a native engine and these machines are offline. It writes the same
// `_prisma_migrations` history (sha256 checksums) the native CLI writes.
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as engineGlue from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { writePostgresSchema } from "./postgres-schema.mjs";

const require = createRequire(import.meta.url);
// Each provider has its own migration history, kept in step by
// tests/unit/db/migrations-in-step.test.ts (both must produce the models of prisma/schema.prisma).
export const MIGRATIONS_DIRS = { sqlite: path.resolve("prisma/migrations"), postgres: path.resolve("prisma/postgres/migrations") };
export const SCHEMA_PATHS = { sqlite: path.resolve("prisma/schema.prisma"), postgres: path.resolve("prisma/postgres/schema.prisma") };
/** The models as of the newest PostgreSQL migration (scripts/db/migrate.mjs create diffs from it). */
export const MIGRATED_POSTGRES_SCHEMA = path.resolve("prisma/postgres/migrated-schema.prisma");
export const MIGRATIONS_DIR = MIGRATIONS_DIRS.sqlite;
export const SCHEMA_PATH = SCHEMA_PATHS.sqlite;

let wasmReady;
// Node 20 cannot import the package's .wasm entry, so instantiate it by hand with the
// JS glue module as its import object, then hand the exports back to the glue.
async function loadWasm() {
  wasmReady ??= (async () => {
    const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "schema_engine_bg.wasm");
    const bytes = await readFile(wasmPath);
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": engineGlue });
    engineGlue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
  })();
  return wasmReady;
}

export function databaseUrl() {
  return process.env.DATABASE_URL || "file:./prisma/dev.db";
}

/** "postgres" for a postgres:// or postgresql:// URL, else "sqlite" (a file: URL). */
export function providerOf(url) {
  return /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";
}

export function sqliteFileFromUrl(url) {
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be a SQLite file: URL, got "${url}"`);
  return path.resolve(url.slice("file:".length));
}

// The shadow database replays migration files through prepare(), which refuses
// multi-statement and some DDL scripts; plain scripts go through executeScript instead.
function scriptFriendly(adapter) {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === "executeRaw" || prop === "queryRaw") {
        return async (query) => {
          if (query.args.length === 0 && prop === "executeRaw") {
            await target.executeScript(query.sql);
            return 0;
          }
          return target[prop](query);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The engine for DATABASE_URL (or `url`): { engine, schema, schemaPath, migrationsDir, provider, file }. */
export async function openEngine(url = databaseUrl()) {
  await loadWasm();
  const provider = providerOf(url);
  let factory;
  let file;
  if (provider === "postgres") {
    writePostgresSchema();
    file = url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
    factory = new PrismaPg({ connectionString: url, max: 2 });
  } else {
    file = sqliteFileFromUrl(url);
    // Wait for a busy database (a running server writing) rather than failing at once.
    factory = new PrismaBetterSqlite3({ url: file, timeout: 10_000 });
  }
  const migrationAware = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => factory.connect(),
    connectToShadowDb: async () => scriptFriendly(await factory.connectToShadowDb()),
  };
  const schemaPath = SCHEMA_PATHS[provider];
  const schema = await readFile(schemaPath, "utf8");
  const logs = [];
  const engine = await engineGlue.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (log) => logs.push(log),
    bindMigrationAwareSqlAdapterFactory(migrationAware),
  );
  return { engine, schema, schemaPath, migrationsDir: MIGRATIONS_DIRS[provider], provider, file };
}

export async function readMigrations(dir = MIGRATIONS_DIRS.sqlite) {
  let dirs = [];
  try {
    dirs = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  const lockPath = path.join(dir, "migration_lock.toml");
  let lockContent = null;
  try {
    lockContent = await readFile(lockPath, "utf8");
  } catch {
    lockContent = null;
  }
  const migrationDirectories = await Promise.all(
    dirs.map(async (name) => {
      const filePath = path.join(dir, name, "migration.sql");
      let content;
      try {
        content = { tag: "ok", value: await readFile(filePath, "utf8") };
      } catch (error) {
        content = { tag: "error", value: String(error.message) };
      }
      return { path: name, migrationFile: { path: "migration.sql", content } };
    }),
  );
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

export const noFilters = { externalTables: [], externalEnums: [] };
