#!/usr/bin/env node
// Bundles the tensor engine, the assertion library and the sandbox runner into one plain
// script (lib/grading/sandbox/isolate-entry.ts -> lib/generated/grader/engine.js) that the
// server loads into each grading isolate. Rebuilt only when its sources change.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "lib/grading/sandbox/isolate-entry.ts");
const outDir = path.join(root, "lib/generated/grader");
const outFile = path.join(outDir, "engine.js");
const stampFile = path.join(outDir, ".sources-hash");

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

const inputs = ["lib/tensor", "lib/grading", "lib/kernel/worker/engine.ts"].flatMap((p) => {
  const full = path.join(root, p);
  return statSync(full).isDirectory() ? sourceFiles(full) : [full];
});
const hash = createHash("sha256");
for (const file of inputs.sort()) hash.update(file).update(readFileSync(file));
hash.update("strict-banner-v1");
const digest = hash.digest("hex");

if (!process.argv.includes("--force") && existsSync(outFile) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest) {
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
const started = Date.now();
await build({
  entryPoints: [entry],
  outfile: outFile,
  bundle: true,
  format: "iife",
  platform: "neutral",
  target: "es2022",
  minify: false,
  legalComments: "none",
  // Strict mode for the whole bundle: a learner function called by engine code reads
  // `caller` as null, and no engine function exposes its `arguments` to learner code.
  banner: { js: '"use strict";' },
  logLevel: "warning",
});
writeFileSync(stampFile, digest);
console.log(`Built the grader engine bundle (${(statSync(outFile).size / 1024).toFixed(0)} KB) in ${Date.now() - started} ms`);
