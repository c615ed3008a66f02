import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { hasPostgres, migrate, startCluster } from "../../helpers/postgres";

const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const backup = (url: string, file: string) => execFileSync(process.execPath, ["scripts/db/backup.mjs", file], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" }).toString();

describe("npm run db:backup", () => {
  it("copies a live SQLite database (online backup API) with what was committed, while a writer holds it open", () => {
    const url = `file:${path.join(dir, "live.db")}`;
    migrate(url);
    const live = new Database(path.join(dir, "live.db"));
    live.pragma("journal_mode = WAL");
    live.prepare(`INSERT INTO "User" (id, role, createdAt, updatedAt) VALUES ('backed-up', 'learner', 0, 0)`).run();
    const out = path.join(dir, "copy.db");
    expect(backup(url, out)).toMatch(/Backed up SQLite/);
    live.prepare(`INSERT INTO "User" (id, role, createdAt, updatedAt) VALUES ('after', 'learner', 0, 0)`).run();
    live.close();
    const copy = new Database(out, { readonly: true });
    expect(copy.prepare(`SELECT id FROM "User" ORDER BY id`).all()).toEqual([{ id: "backed-up" }]);
    expect(copy.prepare(`SELECT count(*) AS n FROM "_prisma_migrations"`).get()).toMatchObject({ n: expect.any(Number) });
    copy.close();
  });

  it("refuses a SQLite file that does not exist, writing nothing", () => {
    expect(() => backup(`file:${path.join(dir, "missing.db")}`, path.join(dir, "none.db"))).toThrow();
  });

  it.skipIf(!hasPostgres)("dumps PostgreSQL with pg_dump; pg_restore brings the rows back into an empty database", async () => {
    const cluster = await startCluster();
    try {
      migrate(cluster.url);
      const client = new pg.Client({ connectionString: cluster.url });
      await client.connect();
      await client.query(`INSERT INTO "User" (id) VALUES ('backed-up')`);
      const out = path.join(dir, "pg.dump");
      expect(backup(cluster.url, out)).toMatch(/Backed up PostgreSQL/);
      await client.query(`CREATE DATABASE restored`);
      await client.end();
      const restoredUrl = cluster.url.replace(/\/gradbook$/, "/restored");
      execFileSync("/usr/lib/postgresql/15/bin/pg_restore", ["--no-owner", "-d", restoredUrl, out], { stdio: "pipe" });
      const restored = new pg.Client({ connectionString: restoredUrl });
      await restored.connect();
      expect((await restored.query(`SELECT id FROM "User"`)).rows).toEqual([{ id: "backed-up" }]);
      expect(Number((await restored.query(`SELECT count(*) AS n FROM "_prisma_migrations"`)).rows[0].n)).toBeGreaterThan(0);
      await restored.end();
    } finally {
      cluster.stop();
    }
  });
});
