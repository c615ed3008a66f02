import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";

function sqliteFile(url: string): string {
  if (!url.startsWith("file:")) throw new Error(`DATABASE_URL must be a SQLite file: URL, got "${url}"`);
  return path.resolve(url.slice("file:".length));
}

function createClient(): PrismaClient {
  const file = sqliteFile(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const adapter = new PrismaBetterSqlite3({ url: file, timeout: 5000 });
  return new PrismaClient({ adapter });
}

// One client per server process; Next's dev server reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { gradbookPrisma?: PrismaClient };
export const prisma: PrismaClient = globalForPrisma.gradbookPrisma ?? createClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.gradbookPrisma = prisma;
