import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_DATABASE_URL } from "../db/client";

/**
 * The key better-auth signs session cookies with. An operator sets BETTER_AUTH_SECRET (and
 * must, with several instances); a single-machine install gets a random key generated once and
 * kept next to the SQLite file, so sessions survive restarts without any setup.
 */
export function authSecret(): string {
  const fromEnv = process.env.BETTER_AUTH_SECRET;
  if (fromEnv) return fromEnv;
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const dir = url.startsWith("file:") ? path.dirname(path.resolve(url.slice("file:".length))) : path.resolve("prisma");
  const file = path.join(dir, ".auth-secret");
  // Every anonymous request verifies its learner cookie with this key: read the file once.
  const known = fromFile.get(file);
  if (known) return known;
  const secret = readOrCreate(dir, file);
  // An empty key would make every signature guessable: refuse it rather than sign with it.
  if (!secret) throw new Error(`${file} is empty: delete it (a new key is made) or set BETTER_AUTH_SECRET`);
  fromFile.set(file, secret);
  return secret;
}

const fromFile = new Map<string, string>();

function readOrCreate(dir: string, file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dir, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    // "wx": if a concurrent process wrote it first, read theirs instead of overwriting.
    try {
      writeFileSync(file, secret, { flag: "wx", mode: 0o600 });
      return secret;
    } catch {
      return readFileSync(file, "utf8").trim();
    }
  }
}
