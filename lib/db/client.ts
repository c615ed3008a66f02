import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";

function sqliteFile(url: string): string {
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be a SQLite file: URL, got "${url}"`);
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

function createClient(): PrismaClient {
  const file = sqliteFile(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  // `timeout` is SQLite's busy timeout: a writer waits up to 5 s for another process's lock
  // (a CLI script, a second server) instead of failing with SQLITE_BUSY.
  const adapter = new PrismaBetterSqlite3({ url: file, timeout: 5000 });
  const client = new PrismaClient({ adapter });
  // The adapter keeps one connection, so a connection-level PRAGMA applies to every query;
  // issued first, it runs before any request's query.
  void client.$executeRawUnsafe(`PRAGMA synchronous = ${synchronousMode()}`).catch((error: unknown) => {
    console.error("[db] could not set PRAGMA synchronous:", error);
  });
  return client;
}

// One client per server process; Next's dev server reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { gradbookPrisma?: PrismaClient };
export const prisma: PrismaClient = globalForPrisma.gradbookPrisma ?? createClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.gradbookPrisma = prisma;
