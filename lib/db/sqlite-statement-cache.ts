/**
 * Prepared statements kept across queries on the SQLite connection. @prisma/adapter-better-sqlite3
 * (7.x) prepares every query afresh (`db.prepare(sql).bind(args)`), and compiling the SQL was
 * about a tenth of an autosave's server CPU. Prisma sends the same few SQL texts again and again,
 * so each text is compiled once and reused (most recently used first, up to `max` texts).
 *
 * The adapter binds parameters with `bind(args)`, which in better-sqlite3 binds a statement for
 * good; what `prepare` answers here is therefore a view of the cached statement that passes the
 * arguments to each call instead. Every call runs to completion synchronously (`run`, `all`), so
 * two queries never share a statement mid-use.
 */
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type Database from "better-sqlite3";

type Statement = Database.Statement<unknown[]>;

/** What the adapter uses of a bound statement (see its performIO/executeIO). */
// A statement's result columns never change: asked for at every read, computed once.
const columnsOf = new WeakMap<Statement, Database.ColumnDefinition[]>();

function boundView(statement: Statement, args: unknown[]) {
  return {
    reader: statement.reader,
    run: () => statement.run(args),
    columns: () => {
      let columns = columnsOf.get(statement);
      if (!columns) columnsOf.set(statement, (columns = statement.columns()));
      return columns;
    },
    raw: (toggle?: boolean) => {
      statement.raw(toggle ?? true);
      return { all: () => statement.all(args), get: () => statement.get(args), iterate: () => statement.iterate(args) };
    },
    all: () => statement.all(args),
    get: () => statement.get(args),
  };
}

/** Makes `db.prepare` answer cached statements; answers how many SQL texts are cached. */
export function cacheStatements(db: Database.Database, max = 256): () => number {
  const prepare = db.prepare.bind(db) as (sql: string) => Statement;
  const cache = new Map<string, Statement>();
  const cached = (sql: string): Statement => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql); // re-inserted below: Map order is the recency order
    } else {
      statement = prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, statement);
    return statement;
  };
  (db as unknown as { prepare: (sql: string) => unknown }).prepare = (sql: string) => {
    const statement = cached(sql);
    // Used unbound too (the adapter's `prepare("BEGIN").run()`).
    return { ...boundView(statement, []), bind: (args: unknown[]) => boundView(statement, args) };
  };
  return () => cache.size;
}

/** The adapter factory, changed so that every connection it opens caches its statements. */
export function withStatementCache<F extends SqlDriverAdapterFactory>(factory: F): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    // The adapter keeps its better-sqlite3 connection as `client`; without one nothing is cached.
    const db = (adapter as unknown as { client?: Database.Database }).client;
    if (db && typeof db.prepare === "function") cacheStatements(db);
    return adapter;
  };
  return factory;
}
