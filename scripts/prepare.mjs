#!/usr/bin/env node
// Everything the app needs besides node_modules and a build: the Prisma client, an
// up-to-date database, Monaco served from our origin, and the MNIST binary.
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hashInputs, readStamp, root, run, step } from "./lib.mjs";

const generated = path.join(root, "lib/generated/prisma");
const clientStamp = "lib/generated/prisma/.schema-hash";
const schemaHash = hashInputs(["prisma/schema.prisma", "package-lock.json"]);
if (!existsSync(path.join(generated, "client.ts")) || readStamp(clientStamp) !== schemaHash) {
  step("Generating the Prisma client");
  run("npx", ["prisma", "generate"]);
  writeFileSync(path.join(root, clientStamp), schemaHash);
}
// The PostgreSQL client (DATABASE_URL=postgresql://...): the same models, prisma/postgres/schema.prisma.
const pgClientStamp = "lib/generated/prisma-pg/.schema-hash";
if (!existsSync(path.join(root, "lib/generated/prisma-pg/client.ts")) || readStamp(pgClientStamp) !== schemaHash) {
  step("Generating the PostgreSQL Prisma client");
  run("node", ["scripts/db/postgres-schema.mjs"]);
  run("npx", ["prisma", "generate", "--schema", "prisma/postgres/schema.prisma"]);
  writeFileSync(path.join(root, pgClientStamp), schemaHash);
}

step(`Applying database migrations (${process.env.DATABASE_URL || "file:./prisma/dev.db"})`);
run("node", ["scripts/db/migrate.mjs", "deploy"]);

const monacoTarget = path.join(root, "public/vendor/monaco/vs");
const monacoStamp = "public/vendor/monaco/.version";
const monacoVersion = JSON.parse((await import("node:fs")).readFileSync(path.join(root, "node_modules/monaco-editor/package.json"), "utf8")).version;
if (readStamp(monacoStamp) !== monacoVersion) {
  step(`Copying Monaco ${monacoVersion} to public/vendor (served from our own origin)`);
  mkdirSync(path.dirname(monacoTarget), { recursive: true });
  cpSync(path.join(root, "node_modules/monaco-editor/min/vs"), monacoTarget, { recursive: true });
  writeFileSync(path.join(root, monacoStamp), monacoVersion);
}

run("node", ["scripts/gen-engine-types.mjs"]);

// The engine + check runner bundle loaded into each grading isolate (rebuilt when sources change).
run("node", ["scripts/build-grader-engine.mjs"]);

if (existsSync(path.join(root, "scripts/build-mnist.mjs"))) {
  run("node", ["scripts/build-mnist.mjs"]);
}
