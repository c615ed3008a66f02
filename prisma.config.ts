import path from "node:path";
import { defineConfig } from "prisma/config";

// The native schema engine cannot be downloaded here; `prisma generate` only needs the
// variable to name an existing file. Migrations go through scripts/db (WebAssembly engine).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("package.json");
process.env.CHECKPOINT_DISABLE ??= "1";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "file:./prisma/dev.db" },
});
