/**
 * PostgreSQL restarting under the app: the pooled connections die with it. Queries may fail while
 * it is down and on the first use of each dead connection, then every query must work again
 * (lib/db/client.ts closes connections that broke inside a transaction instead of reusing them).
 */
import { describe, expect, it } from "vitest";
import { freshPostgresDatabase, hasPostgres } from "../../helpers/postgres";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasPostgres)("the app's PostgreSQL client across a server restart", async () => {
  if (!hasPostgres) return;
  process.env.PG_POOL_MAX = "4";
  const cluster = await freshPostgresDatabase();
  const { prisma } = await import("@/lib/db/client");

  it("recovers: transactions cut by the restart fail, and every query after it works (no dead connection is reused)", async () => {
    await prisma.user.create({ data: { id: "before-restart" } });
    // Every pooled connection is inside a transaction when the server goes down.
    const cut = Array.from({ length: 4 }, () => prisma.$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(3)`, { timeout: 20_000 }).then(() => "committed", () => "failed"));
    await sleep(500);
    cluster.restart("fast");
    expect(await Promise.all(cut)).toEqual(["failed", "failed", "failed", "failed"]);
    let failures = 0;
    for (let i = 0; i < 40; i++) {
      try {
        await Promise.all([prisma.$transaction([prisma.user.count(), prisma.user.findMany({ take: 1 })]), prisma.user.findUnique({ where: { id: "before-restart" } })]);
      } catch {
        failures++;
      }
    }
    expect(failures).toBe(0);
    expect(await prisma.user.findUnique({ where: { id: "before-restart" } })).not.toBeNull();
    await prisma.$disconnect();
  });
});
