#!/usr/bin/env node
// Bundles the tensor engine, the assertion library and the sandbox runner into one plain
// script (lib/grading/sandbox/isolate-entry.ts -> lib/generated/grader/engine.js) that the
// server loads into each grading isolate. Rebuilt only when its sources change.
//
// The WebAssembly modules the engine assembles while it loads are assembled here once instead of
// in every isolate (lib/tensor/kernels/wasm/prebuilt.ts): a first bundle with an empty table runs
// in a fresh isolate, as a grading isolate would, and the modules it assembled are embedded in the
// real bundle as a constant. They are a function of the sources hashed below and of this Node's V8.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import ivm from "isolated-vm";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "lib/grading/sandbox/isolate-entry.ts");
const prebuildEntry = path.join(root, "lib/grading/sandbox/prebuilt-wasm-entry.ts");
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
for (const file of [...inputs.sort(), fileURLToPath(import.meta.url)]) hash.update(file).update(readFileSync(file));
// The embedded modules also depend on what this V8 validates (Relaxed SIMD): a new Node rebuilds.
hash.update("strict-banner-v1").update("prebuilt-wasm-v1").update(process.version);
const digest = hash.digest("hex");

if (!process.argv.includes("--force") && existsSync(outFile) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest) {
  process.exit(0);
}

// The build runs an isolate (assembleInIsolate), and isolated-vm needs --no-node-snapshot on Node 20+
// (see 2004558b): callers that did not pass it (npm run prepare, engine-bundle.ts) get it here.
if (!process.execArgv.includes("--no-node-snapshot")) {
  const rerun = spawnSync(process.execPath, ["--no-node-snapshot", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(rerun.status ?? 1);
}

mkdirSync(outDir, { recursive: true });
const started = Date.now();
const options = {
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
};

/** The modules the engine assembles while loading in a fresh isolate: key -> latin1 string of the bytes. */
async function assembleInIsolate() {
  const prebuild = await build({ ...options, entryPoints: [prebuildEntry], write: false, define: { __GRADBOOK_PREBUILT_WASM__: "{}" } });
  const isolate = new ivm.Isolate({ memoryLimit: 128 });
  try {
    const context = await isolate.createContext();
    await (await isolate.compileScript(prebuild.outputFiles[0].text, { filename: "gradbook-prebuild.js" })).run(context, { timeout: 30_000 });
    const modules = JSON.parse(await context.eval("globalThis.__gradbookAssembledWasm", { timeout: 1_000 }));
    if (Object.keys(modules).length === 0) throw new Error("the engine assembled no WebAssembly module while loading: nothing to prebuild (is WebAssembly SIMD off?)");
    return modules;
  } finally {
    isolate.dispose();
  }
}

const modules = await assembleInIsolate();
await build({ ...options, entryPoints: [entry], outfile: outFile, define: { __GRADBOOK_PREBUILT_WASM__: JSON.stringify(modules) } });
writeFileSync(stampFile, digest);
const bytes = Object.values(modules).reduce((sum, text) => sum + text.length, 0);
console.log(`Built the grader engine bundle (${(statSync(outFile).size / 1024).toFixed(0)} KB, ${Object.keys(modules).length} prebuilt WebAssembly modules of ${(bytes / 1024).toFixed(0)} KB: ${Object.keys(modules).join(", ")}) in ${Date.now() - started} ms`);
