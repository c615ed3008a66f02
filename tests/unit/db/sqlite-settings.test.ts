import { describe, expect, it } from "vitest";
import { createFreshDatabase } from "../api/test-database";

createFreshDatabase();
const { prisma } = await import("@/lib/db/client");

async function pragma(name: string): Promise<unknown> {
  const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
  return Object.values(rows[0])[0];
}

describe("SQLite connection settings", () => {
  it("runs in WAL mode with a busy timeout and WAL's NORMAL sync", async () => {
    expect(await pragma("journal_mode")).toBe("wal");
    expect(Number(await pragma("busy_timeout"))).toBe(5000);
    expect(Number(await pragma("synchronous"))).toBe(1); // 1 = NORMAL, 2 = FULL
  });
});
