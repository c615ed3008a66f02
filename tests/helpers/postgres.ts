/**
 * A throwaway PostgreSQL 15 cluster for a test file (scripts/db/pg-cluster.mjs: initdb in a temp
 * directory as an unprivileged user, pg_ctl on a free port, removed afterwards).
 *
 *   const pg = await freshPostgresDatabase();   // before importing anything from lib/db
 *
 * points DATABASE_URL at a fresh database with every PostgreSQL migration applied, through the
 * same script `npm run db:deploy` uses, and stops the cluster after the file's tests.
 */
import { execFileSync } from "node:child_process";
import { afterAll } from "vitest";
import { postgresAvailable, startPostgres } from "../../scripts/db/pg-cluster.mjs";

export interface PostgresCluster {
  url: string;
  port: number;
  dir: string;
  /** Stops the server ("fast", or "immediate" like a crash) and starts it again. */
  restart(mode?: "fast" | "immediate"): void;
  /** Runs a PostgreSQL client binary (psql, pg_dump, ...) as the cluster's owner. */
  run(bin: string, args: string[]): Buffer;
  stop(): void;
}

export const hasPostgres: boolean = postgresAvailable();

export async function startCluster(): Promise<PostgresCluster> {
  return startPostgres();
}

export function migrate(url: string): void {
  execFileSync(process.execPath, ["scripts/db/migrate.mjs", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

export async function freshPostgresDatabase(): Promise<PostgresCluster> {
  const cluster = await startCluster();
  afterAll(() => cluster.stop());
  process.env.DATABASE_URL = cluster.url;
  process.env.BETTER_AUTH_SECRET ??= "gradbook-unit-test-secret-0123456789abcdef";
  migrate(cluster.url);
  return cluster;
}
