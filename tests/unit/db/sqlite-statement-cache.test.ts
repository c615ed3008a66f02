/** Prepared statements reused across queries (lib/db/sqlite-statement-cache.ts), as the Prisma adapter calls them. */
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { cacheStatements } from "@/lib/db/sqlite-statement-cache";

function database() {
  const db = new Database(":memory:");
  db.defaultSafeIntegers(true); // as @prisma/adapter-better-sqlite3 opens it
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
  return db;
}

/** The adapter's calls (performIO/executeIO): prepare(sql).bind(args), then run or columns + raw().all(). */
type Adapted = { reader: boolean; run(): Database.RunResult; bind(args: unknown[]): Adapted; columns(): Database.ColumnDefinition[]; raw(): { all(): unknown[][] } };
const prepare = (db: Database.Database, sql: string) => (db.prepare as unknown as (sql: string) => Adapted)(sql);

describe("the SQLite statement cache", () => {
  it("compiles each SQL text once and binds each call's own arguments", () => {
    const db = database();
    const size = cacheStatements(db);
    for (let i = 1; i <= 50; i++) expect(prepare(db, "INSERT INTO t (id, name) VALUES (?, ?)").bind([i, `n${i}`]).run().changes).toBe(1);
    const select = "SELECT id, name FROM t WHERE id >= ? ORDER BY id";
    expect(prepare(db, select).bind([48]).raw().all()).toEqual([[48n, "n48"], [49n, "n49"], [50n, "n50"]]);
    expect(prepare(db, select).bind([50]).raw().all()).toEqual([[50n, "n50"]]);
    expect(prepare(db, select).bind([1]).columns().map((column) => column.name)).toEqual(["id", "name"]);
    expect(size()).toBe(2);
  });

  it("runs unbound statements (BEGIN/COMMIT) and keeps a transaction's writes", () => {
    const db = database();
    cacheStatements(db);
    for (const [sql, keep] of [["COMMIT", true], ["ROLLBACK", false]] as const) {
      prepare(db, "BEGIN").run();
      prepare(db, "INSERT INTO t (name) VALUES (?)").bind([sql]).run();
      prepare(db, sql).run();
      expect(prepare(db, "SELECT count(*) FROM t WHERE name = ?").bind([sql]).raw().all()).toEqual([[keep ? 1n : 0n]]);
    }
  });

  it("keeps at most `max` texts, dropping the least recently used; a bad text throws and is not kept", () => {
    const db = database();
    const size = cacheStatements(db, 3);
    for (let i = 0; i < 10; i++) prepare(db, `SELECT ${i}`).bind([]).raw().all();
    expect(size()).toBe(3);
    expect(() => prepare(db, "SELEKT nonsense")).toThrow();
    expect(size()).toBe(3);
  });
});
