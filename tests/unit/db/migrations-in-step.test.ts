import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasPostgres, startCluster, type PostgresCluster } from "../../helpers/postgres";
import { postgresSchemaFrom } from "../../../scripts/db/postgres-schema.mjs";

const drift = (...args: string[]) => JSON.parse(execFileSync(process.execPath, ["scripts/db/drift.mjs", ...args], { stdio: ["ignore", "pipe", "pipe"] }).toString()).drift as string;
const migrationNames = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();

describe("the SQLite and PostgreSQL migration histories stay in step with the models", () => {
  it("prisma/postgres/schema.prisma is prisma/schema.prisma with the PostgreSQL provider (run node scripts/db/postgres-schema.mjs)", () => {
    expect(readFileSync("prisma/postgres/schema.prisma", "utf8")).toBe(postgresSchemaFrom(readFileSync("prisma/schema.prisma", "utf8")));
  });

  it("the newest PostgreSQL migration was made from the current models (npm run db:migrate -- <name> makes both)", () => {
    expect(readFileSync("prisma/postgres/migrated-schema.prisma", "utf8")).toBe(readFileSync("prisma/postgres/schema.prisma", "utf8"));
  });

  it("every migration since the PostgreSQL baseline exists for both providers under the same name", () => {
    const [baseline, ...postgres] = migrationNames("prisma/postgres/migrations");
    expect(baseline).toMatch(/_init$/);
    const sqliteSinceBaseline = migrationNames("prisma/migrations").filter((name) => name > baseline);
    expect(postgres).toEqual(sqliteSinceBaseline);
  });

  it("replaying prisma/migrations on SQLite gives exactly the models", () => {
    expect(drift("sqlite")).toBe("");
  });

  describe.skipIf(!hasPostgres)("PostgreSQL", () => {
    let cluster: PostgresCluster;
    beforeAll(async () => {
      cluster = await startCluster();
    });
    afterAll(() => cluster?.stop());

    it("replaying prisma/postgres/migrations gives the same columns, indexes and constraints as the models' own script", () => {
      expect(drift("postgres", cluster.url)).toBe("");
    });
  });
});
