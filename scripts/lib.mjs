// Small helpers shared by the set-up scripts. Node built-ins only: these run before
// dependencies are installed.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: process.env, ...options });
  if (result.status !== 0) {
    console.error(`\n✖ ${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

export function step(message) {
  console.log(`\n▸ ${message}`);
}

/** A content hash of files and folders, so a step can be skipped when its inputs are unchanged. */
export function hashInputs(entries, ignore = () => false) {
  const hash = createHash("sha256");
  const visit = (relative) => {
    const full = path.join(root, relative);
    if (!existsSync(full) || ignore(relative)) return;
    const stat = statSync(full);
    if (stat.isDirectory()) {
      for (const name of readdirSync(full).sort()) visit(path.join(relative, name));
    } else {
      hash.update(relative);
      hash.update(readFileSync(full));
    }
  };
  for (const entry of entries) visit(entry);
  return hash.digest("hex");
}

export function readStamp(file) {
  try {
    return readFileSync(path.join(root, file), "utf8").trim();
  } catch {
    return null;
  }
}

/**
 * Runs commands at the same time, each line of their output prefixed with its task's prefix, and
 * exits the process with 1 (after naming each failed task) unless all succeed. For steps that each
 * keep one core busy, on CI's two cores.
 */
export async function runSideBySide(tasks) {
  const results = await Promise.all(
    tasks.map(({ label, command, args, prefix = "" }) => {
      const child = spawn(command, args, { cwd: root, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
      for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
        createInterface({ input: stream }).on("line", (line) => out.write(`${prefix}${line}\n`));
      }
      return new Promise((resolve) => {
        child.on("error", (error) => resolve({ label, code: 1, error }));
        child.on("close", (code, signal) => resolve({ label, code: code ?? 1, signal }));
      });
    }),
  );
  const failed = results.filter((result) => result.code !== 0);
  for (const result of failed) console.error(`\n✖ ${result.label} failed (${result.signal ?? `exit ${result.code}`})${result.error ? `: ${result.error.message}` : ""}.`);
  if (failed.length > 0) process.exit(1);
}
