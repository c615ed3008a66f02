import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** Where scripts/build-grader-engine.mjs writes the engine + runner bundle. */
export const ENGINE_BUNDLE_PATH = path.join(process.cwd(), "lib/generated/grader/engine.js");

let cached: string | null = null;

/**
 * The grader's engine bundle, read once per server process. `npm run build`/prepare make
 * it; if it is missing (a fresh checkout running tests), it is built here, synchronously,
 * once (about 0.3 s).
 */
export function engineBundleSource(): string {
  if (cached !== null) return cached;
  if (!existsSync(ENGINE_BUNDLE_PATH)) {
    execFileSync(process.execPath, [path.join(process.cwd(), "scripts/build-grader-engine.mjs")], { stdio: "inherit" });
  }
  cached = readFileSync(ENGINE_BUNDLE_PATH, "utf8");
  return cached;
}
