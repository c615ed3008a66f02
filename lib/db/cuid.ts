/**
 * Row ids for rows written without Prisma (lib/db/direct.ts) in the shape Prisma's `@default(cuid())`
 * gives them (cuid v1: "c", the time, a counter, a process fingerprint, randomness; 25 characters
 * of [0-9a-z]), so that a table's ids look alike whichever path wrote the row. Prisma's own
 * generator is internal to its runtime; the format is small enough to write here.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";

const BASE = 36;
const BLOCK = 4;
const DISCRETE = BASE ** BLOCK;

const pad = (text: string, size: number) => text.padStart(size, "0").slice(-size);

function fingerprintOf(pid: number, hostname: string): string {
  let sum = hostname.length + BASE;
  for (const char of hostname) sum += char.charCodeAt(0);
  return pad(pid.toString(BASE), 2) + pad(sum.toString(BASE), 2);
}

const fingerprint = fingerprintOf(process.pid, os.hostname());
let counter = 0;

// Random bytes drawn 4 KB at a time: a metric batch takes several ids, and one randomBytes call
// per id was a measurable share of the batch's CPU.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let taken = 0;

function randomBlock(): string {
  if (taken + 4 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    taken = 0;
  }
  const value = pool.readUInt32BE(taken);
  taken += 4;
  return pad((value % DISCRETE).toString(BASE), BLOCK);
}

export function cuid(now = Date.now()): string {
  counter = counter < DISCRETE - 1 ? counter + 1 : 0;
  return `c${now.toString(BASE)}${pad(counter.toString(BASE), BLOCK)}${fingerprint}${randomBlock()}${randomBlock()}`;
}
