import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "../generated/prisma-pg/client";
import type Database from "better-sqlite3";
import pg from "pg";
import { registerDriver, setDriverHandle } from "./direct";
import { withStatementCache } from "./sqlite-statement-cache";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";

export type DatabaseProvider = "sqlite" | "postgres";

/** "postgres" for a postgres:// or postgresql:// DATABASE_URL, else "sqlite" (a file: URL). */
export function providerOf(url: string): DatabaseProvider {
  return /^postgres(ql)?:\/\//.test(url) ? "postgres" : "sqlite";
}

export function databaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

export const databaseProvider: DatabaseProvider = providerOf(databaseUrl());

function sqliteFile(url: string): string {
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be a SQLite file: URL or a postgresql:// URL, got "${url}"`);
  return path.resolve(url.slice("file:".length));
}

/**
 * WAL durability. NORMAL (the default here) syncs at checkpoints, not at every commit: a commit
 * survives the server process crashing or being killed, and only an OS crash or power loss can
 * roll back the last moments. FULL fsyncs every commit, which costs ~4 ms of blocked event loop
 * per write on these machines (better-sqlite3 is synchronous) and caps a server at a few hundred
 * saves a second. Operators who need power-loss durability set SQLITE_SYNCHRONOUS=FULL.
 */
function synchronousMode(): "NORMAL" | "FULL" {
  return process.env.SQLITE_SYNCHRONOUS?.toUpperCase() === "FULL" ? "FULL" : "NORMAL";
}

/**
 * Hands the adapter's better-sqlite3 connection to lib/db/direct.ts (the hot writes), with its own
 * prepare: applied inside withStatementCache, this runs before that wraps `prepare`.
 */
function exposingConnection(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const db = (adapter as unknown as { client?: Database.Database }).client;
    if (db) setDriverHandle({ provider: "sqlite", db, prepare: db.prepare.bind(db) });
    return adapter;
  };
  return factory;
}

function createSqliteClient(url: string): PrismaClient {
  // `timeout` is SQLite's busy timeout: a writer waits up to 5 s for another process's lock
  // (a CLI script, a second server) instead of failing with SQLITE_BUSY.
  const adapter = withStatementCache(exposingConnection(new PrismaBetterSqlite3({ url: sqliteFile(url), timeout: 5000 })));
  const client = new PrismaClient({ adapter });
  registerDriver(() => client.$connect());
  // The adapter keeps one connection, so a connection-level PRAGMA applies to every query;
  // issued first, it runs before any request's query.
  void client.$executeRawUnsafe(`PRAGMA synchronous = ${synchronousMode()}`).catch((error: unknown) => {
    console.error("[db] could not set PRAGMA synchronous:", error);
  });
  return client;
}

/**
 * PostgreSQL through node-postgres. The client generated from prisma/postgres/schema.prisma has
 * the same models and so the same API as the SQLite one (the schema is written once and only the
 * provider differs), which is why it is typed as the SQLite client. PG_POOL_MAX connections per
 * process (10): with several app instances and workers, keep their sum under max_connections.
 */
function createPostgresClient(url: string): PrismaClient {
  const max = Number(process.env.PG_POOL_MAX || 10);
  if (!Number.isInteger(max) || max < 1) throw new Error(`PG_POOL_MAX must be a whole number of at least 1, got "${process.env.PG_POOL_MAX}"`);
  // A restarted server drops every pooled connection: the pool notices on the next use
  // (the query fails once) and opens new ones; an idle connection's error is only logged.
  // The pool is made here so that the hot writes (lib/db/direct.ts) share it with Prisma.
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  pool.on("error", (error) => console.error("[db] idle PostgreSQL connection failed:", error.message));
  const adapter = new PrismaPg(pool);
  setDriverHandle({ provider: "postgres", pool });
  return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
}

function createClient(): PrismaClient {
  const url = databaseUrl();
  return providerOf(url) === "postgres" ? createPostgresClient(url) : createSqliteClient(url);
}

// One client per server process; Next's dev server reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { gradbookPrisma?: PrismaClient };
export const prisma: PrismaClient = globalForPrisma.gradbookPrisma ?? createClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.gradbookPrisma = prisma;
