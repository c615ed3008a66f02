#!/usr/bin/env node
// Runs `next build` only when the sources changed since the last build.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { hashInputs, readStamp, root, run, step } from "./lib.mjs";

const distDir = process.env.NEXT_DIST_DIR || ".next";
const buildStamp = `${distDir}/gradbook-source-hash`;
const ignore = (relative) => /(^|\/)(node_modules|\.next[^/]*|generated)(\/|$)|\.db(-journal|-wal|-shm)?$/.test(relative);
const sourceHash = hashInputs(
  ["app", "lib", "lessons", "public", "proxy.ts", "instrumentation.ts", "next.config.js", "package-lock.json", "tsconfig.json", "scripts/gen-engine-types.mjs"],
  (relative) => ignore(relative) || relative.startsWith("public/vendor") || relative.startsWith("public/data"),
);
if (!existsSync(path.join(root, distDir, "BUILD_ID")) || readStamp(buildStamp) !== sourceHash) {
  step("Building the course (next build)");
  run("npx", ["next", "build"]);
  writeFileSync(path.join(root, buildStamp), sourceHash);
} else {
  step("Build is up to date");
}

