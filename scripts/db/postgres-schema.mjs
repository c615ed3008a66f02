// prisma/postgres/schema.prisma is prisma/schema.prisma with the PostgreSQL provider and its own
// client output: the models are written once. `node scripts/db/postgres-schema.mjs` rewrites it
// (scripts/db/migrate.mjs does so before every command); tests/unit/db/migrations-in-step.test.ts
// fails if the committed copy differs from what this derives.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SQLITE_SCHEMA = path.resolve("prisma/schema.prisma");
export const POSTGRES_SCHEMA = path.resolve("prisma/postgres/schema.prisma");

const HEADER = "// GENERATED from prisma/schema.prisma by scripts/db/postgres-schema.mjs: edit that file, not this one.\n";

export function postgresSchemaFrom(sqliteSchema) {
  const provider = /(datasource\s+db\s*\{[^}]*provider\s*=\s*)"sqlite"/;
  const output = /(generator\s+client\s*\{[^}]*output\s*=\s*)"\.\.\/lib\/generated\/prisma"/;
  if (!provider.test(sqliteSchema)) throw new Error('prisma/schema.prisma: expected `provider = "sqlite"` in datasource db');
  if (!output.test(sqliteSchema)) throw new Error('prisma/schema.prisma: expected `output = "../lib/generated/prisma"` in generator client');
  return HEADER + sqliteSchema.replace(provider, '$1"postgresql"').replace(output, '$1"../../lib/generated/prisma-pg"');
}

export function writePostgresSchema() {
  const text = postgresSchemaFrom(readFileSync(SQLITE_SCHEMA, "utf8"));
  let current = null;
  try {
    current = readFileSync(POSTGRES_SCHEMA, "utf8");
  } catch {
    current = null;
  }
  if (current !== text) writeFileSync(POSTGRES_SCHEMA, text);
  return text;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writePostgresSchema();
  console.log(`Wrote ${path.relative(process.cwd(), POSTGRES_SCHEMA)}`);
}
