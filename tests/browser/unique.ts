import { test } from "@playwright/test";

let made = 0;

/**
 * A tag no other test of this run, in this worker or another, makes: the worker's index, this
 * process's count and a random part (a repeat of the test, --repeat-each or a restarted worker,
 * gets a new one too). Usernames, comment texts and seeded email domains carry it, so tests
 * running at the same time on the one server and database never meet each other's rows.
 * Ten to twelve characters of [a-z0-9]: usernames allow 30.
 */
export function uniqueTag(): string {
  const random = Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, "0");
  return `${Date.now().toString(36).slice(-4)}${test.info().workerIndex.toString(36)}${(++made).toString(36)}${random}`;
}

/** A username (or other name) for this test only: `prefix` (at most 18 characters) and a unique tag. */
export function uniqueName(prefix: string): string {
  return `${prefix}${uniqueTag()}`;
}
