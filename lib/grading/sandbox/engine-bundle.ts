import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** Where scripts/build-grader-engine.mjs writes the engine + runner bundle. */
export const ENGINE_BUNDLE_PATH = path.join(process.cwd(), "lib/generated/grader/engine.js");

let cached: string | null = null;

/**
 * The grader's engine bundle, read once per server process. Before the first read the build
 * script runs: it returns at once when the bundle matches its sources (a content hash), and
 * rebuilds it (about 0.3 s) when they changed, so a stale bundle is never graded with.
 */
export function engineBundleSource(): string {
  if (cached !== null) return cached;
  execFileSync(process.execPath, [path.join(process.cwd(), "scripts/build-grader-engine.mjs")], { stdio: ["ignore", "ignore", "inherit"] });
  if (!existsSync(ENGINE_BUNDLE_PATH)) throw new Error(`The grader's engine bundle is missing (${ENGINE_BUNDLE_PATH}); run node scripts/build-grader-engine.mjs`);
  cached = readFileSync(ENGINE_BUNDLE_PATH, "utf8");
  return cached;
}
