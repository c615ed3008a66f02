/**
 * The database driver under Prisma, for the two writes every open notebook sends all the time
 * (autosave: lib/db/cells.ts saveCell; metric batches: lib/db/experiments.ts addPoints). Prisma's
 * query compiler and interpreter cost about 0.3-2 ms of CPU per query, several times what the
 * driver and the database spend on these one-row statements, so these two send their SQL straight
 * to the connection Prisma's adapter already uses (better-sqlite3 or a pg.Pool). Everything else
 * goes through Prisma. The SQL is written against the tables Prisma's migrations create and runs
 * on both providers in the tests (scripts/db/test-on-postgres.mjs).
 *
 * SQLite: the adapter keeps ONE connection, and an interactive Prisma transaction leaves BEGIN
 * open on it across awaits; a statement run meanwhile would join (and could be rolled back with)
 * that transaction. A direct write therefore waits until no transaction is open, then runs
 * synchronously (better-sqlite3 is synchronous), so nothing can interleave with it.
 */
import type Database from "better-sqlite3";
import type pg from "pg";

type Statement = Database.Statement<[Record<string, unknown>]>;

export interface SqliteHandle {
  provider: "sqlite";
  db: Database.Database;
  /** The connection's own prepare (before lib/db/sqlite-statement-cache.ts wraps it). */
  prepare: (sql: string) => Database.Statement<unknown[]>;
}

export interface PostgresHandle {
  provider: "postgres";
  pool: pg.Pool;
}

export type DriverHandle = SqliteHandle | PostgresHandle;

// Next's dev server reloads modules while lib/db/client.ts keeps its client on globalThis: the
// handle lives there too, next to the client it belongs to.
const holder = globalThis as unknown as { gradbookDriver?: DriverHandle; gradbookDriverConnect?: () => Promise<void> };

/** Called by lib/db/client.ts when it creates the client: `connect` opens the adapter's connection. */
export function registerDriver(connect: () => Promise<void>): void {
  holder.gradbookDriverConnect = connect;
}

/** Called when the adapter has its connection (SQLite) or pool (PostgreSQL). */
export function setDriverHandle(handle: DriverHandle): void {
  holder.gradbookDriver = handle;
}

/** The driver under the Prisma client, connecting it first if no query has yet. */
export async function driver(): Promise<DriverHandle> {
  if (!holder.gradbookDriver) await holder.gradbookDriverConnect?.();
  if (!holder.gradbookDriver) throw new Error("The database driver is not available (lib/db/client.ts did not register it)");
  return holder.gradbookDriver;
}

const statements = new WeakMap<Database.Database, Map<string, Statement>>();
const STATEMENTS_KEPT = 128;

/**
 * The prepared statement for `sql` on this connection, compiled once. The SQL is written once for
 * both providers with PostgreSQL's `$1` parameters; better-sqlite3 binds numbered parameters only
 * by name, so `$1` becomes `@p1` (bound from namedParams).
 */
function statementOf(handle: SqliteHandle, sql: string): Statement {
  let cache = statements.get(handle.db);
  if (!cache) statements.set(handle.db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = handle.prepare(sql.replace(/\$(\d+)/g, "@p$1")) as unknown as Statement;
    // Batch inserts have one text per batch size: keep the most recent texts only.
    if (cache.size >= STATEMENTS_KEPT) cache.delete(cache.keys().next().value!);
    cache.set(sql, statement);
  }
  return statement;
}

function namedParams(params: unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (let i = 0; i < params.length; i++) named[`p${i + 1}`] = params[i];
  return named;
}

/** What a synchronous SQLite write may do: run statements (cached) on the connection. */
export interface SqliteWriter {
  run(sql: string, params: unknown[]): number;
  get<T>(sql: string, params: unknown[]): T | undefined;
}

const IDLE_POLL_MS = 1;

/** The connection's writer and its transaction wrapper, made once (better-sqlite3 builds a wrapper per transaction() call). */
const writers = new WeakMap<Database.Database, { writer: SqliteWriter; inTransaction: (work: (writer: SqliteWriter) => unknown) => unknown }>();

function writerOf(handle: SqliteHandle) {
  let made = writers.get(handle.db);
  if (!made) {
    const writer: SqliteWriter = {
      run: (sql, params) => statementOf(handle, sql).run(namedParams(params)).changes,
      get: <R>(sql: string, params: unknown[]) => statementOf(handle, sql).get(namedParams(params)) as R | undefined,
    };
    writers.set(handle.db, (made = { writer, inTransaction: handle.db.transaction((work: (writer: SqliteWriter) => unknown) => work(writer)) }));
  }
  return made;
}

/**
 * Runs `work` on the SQLite connection once no Prisma transaction is open on it. `work` is
 * synchronous, so nothing else runs on the connection until it returns. `atomic`: in one
 * transaction (several writes that stand or fall together); otherwise each statement commits on
 * its own, which is cheaper for a single write.
 */
export async function sqliteWrite<T>(handle: SqliteHandle, work: (writer: SqliteWriter) => T, { atomic = true } = {}): Promise<T> {
  // Prisma's interactive transactions are rare (grading, sign-in merges) and short.
  while (handle.db.inTransaction) await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
  const { writer, inTransaction } = writerOf(handle);
  return (atomic ? inTransaction(work) : work(writer)) as T;
}

const preparedNames = new Map<string, string>();

/**
 * A query on the pool as a named prepared statement: each connection parses and plans `text`
 * once, not on every call (PostgreSQL's share of an autosave's CPU, on the same machine as the
 * app in a small deployment). For the hot path's few fixed texts only: every distinct text keeps
 * a statement on every connection.
 */
export function pgQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  let name = preparedNames.get(text);
  if (!name) preparedNames.set(text, (name = `gradbook_hot_${preparedNames.size + 1}`));
  return pool.query<R>({ name, text, values });
}

/** A timestamp as Prisma stores it: SQLite TEXT "…+00:00" (the adapter's iso8601), PostgreSQL TIMESTAMP(3) in UTC. */
export function storedTime(handle: DriverHandle, date: Date): string {
  // TIMESTAMP WITHOUT TIME ZONE ignores the "Z", so this is the UTC wall time Prisma writes.
  return handle.provider === "sqlite" ? date.toISOString().replace("Z", "+00:00") : date.toISOString();
}
