#!/usr/bin/env node
// `npm start`: install what is missing, prepare the database, build when the sources
// changed, then serve. Each step is skipped when it is already done.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hashInputs, readStamp, root, run, step } from "./lib.mjs";

const installStamp = "node_modules/.gradbook-lock-hash";
const lockHash = hashInputs(["package-lock.json"]);
if (!existsSync(path.join(root, "node_modules")) || readStamp(installStamp) !== lockHash) {
  step("Installing dependencies (npm ci; better-sqlite3 compiles from source, a few minutes the first time)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
  writeFileSync(path.join(root, installStamp), lockHash);
}

run("node", ["scripts/prepare.mjs"]);

run("node", ["scripts/build-if-needed.mjs"]);

const port = process.env.PORT || "3000";
step(`Serving Gradbook at http://localhost:${port}`);
// --no-node-snapshot: isolated-vm (the grader) requires it on Node 20+ (its README; without it V8 can
// crash creating an isolate on some platforms, laverdet/isolated-vm issues 424 and 472).
run("node", ["--no-node-snapshot", "scripts/serve.mjs", "-p", port]);
