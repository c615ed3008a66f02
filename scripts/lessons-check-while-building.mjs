#!/usr/bin/env node
// `npm test`'s step between the unit and the browser tests: `npm run lessons:check` and the
// production build the browser tests serve (scripts/build-if-needed.mjs), at the same time.
// lessons:check runs the lessons' cells on one core, so the build fills the other instead of
// waiting its turn (a few minutes of every CI run). The build's lines are prefixed "[build]";
// the step fails if either fails, and says which.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { root } from "./lib.mjs";

function start(label, command, args, prefix) {
  const child = spawn(command, args, { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    createInterface({ input: stream }).on("line", (line) => out.write(`${prefix}${line}\n`));
  }
  return new Promise((resolve) => {
    child.on("error", (error) => resolve({ label, code: 1, error }));
    child.on("close", (code, signal) => resolve({ label, code: code ?? 1, signal }));
  });
}

const results = await Promise.all([
  start("npm run lessons:check", "npm", ["run", "--silent", "lessons:check"], ""),
  start("the production build (scripts/build-if-needed.mjs)", process.execPath, ["scripts/build-if-needed.mjs"], "[build] "),
]);
const failed = results.filter((result) => result.code !== 0);
for (const result of failed) console.error(`\n✖ ${result.label} failed (${result.signal ?? `exit ${result.code}`})${result.error ? `: ${result.error.message}` : ""}.`);
process.exit(failed.length === 0 ? 0 : 1);
