import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { collectCells } from "./cells";
import { collectExercises } from "./exercises";
import { LESSONS_DIR, parseLesson, readLesson, type LessonSource } from "./files";
import { parseLessonTree } from "./parse";

/**
 * Versions of a lesson. The lesson file is the current version (`version` in its frontmatter,
 * 1 when absent); each earlier published version is kept whole in
 * lessons/archive/<slug>/v<n>.mdx (written by `npm run lessons:revise`), so a learner can read
 * it and the server can tell which exercises changed since a learner submitted.
 */
export const ARCHIVE_DIR = path.join(LESSONS_DIR, "archive");

export interface LessonVersion {
  version: number;
  /** The day it was published and what changed, from the current file's changelog. */
  date: string | null;
  summary: string | null;
  current: boolean;
}


/** The archived (earlier) versions of a lesson, oldest first. */
export function archivedVersions(slug: string): number[] {
  // Paths spelled out from process.cwd() so the bundler's file tracing stays inside lessons/archive.
  if (!/^[a-z0-9-]+$/.test(slug) || !existsSync(path.join(process.cwd(), "lessons", "archive", slug))) return [];
  return readdirSync(path.join(process.cwd(), "lessons", "archive", slug))
    .map((name) => /^v(\d+)\.mdx$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

/** Every version of a lesson, newest (current) first, with its changelog line when it has one. */
export function lessonVersions(slug: string): LessonVersion[] {
  const { frontmatter } = readLesson(slug);
  const entry = (version: number) => frontmatter.changelog.find((e) => e.version === version);
  const versions = [frontmatter.version, ...archivedVersions(slug).filter((v) => v < frontmatter.version).reverse()];
  return versions.map((version) => ({ version, date: entry(version)?.date ?? null, summary: entry(version)?.summary ?? null, current: version === frontmatter.version }));
}

/** A lesson as it was at `version` (the current file for the current version), or null if that version is not kept. */
export function readLessonVersion(slug: string, version: number): LessonSource | null {
  const current = readLesson(slug);
  if (version === current.frontmatter.version) return current;
  if (!archivedVersions(slug).includes(version)) return null;
  const file = path.join(process.cwd(), "lessons", "archive", slug, `v${version}.mdx`);
  return parseLesson(slug, file, readFileSync(path.join(process.cwd(), "lessons", "archive", slug, `v${version}.mdx`), "utf8"));
}

/**
 * A fingerprint of what decides each exercise's grade in a lesson version: points, the code of
 * the cells it depends on, starter, checks and solution. Rewording the instructions is not a
 * change to the exercise a learner submitted.
 */
function exerciseFingerprints(source: LessonSource): Map<string, string> {
  const tree = parseLessonTree(source.body);
  const cellCode = new Map(collectCells(tree).map((cell) => [cell.id, cell.code]));
  const fingerprints = new Map<string, string>();
  for (const exercise of collectExercises(tree)) {
    const graded = {
      points: exercise.points,
      dependencies: exercise.dependsOn.map((id) => cellCode.get(id) ?? null),
      starter: exercise.starter,
      checks: exercise.checks.map(({ name, code, hidden, free }) => ({ name, code, hidden, free: free ?? false })),
      solution: exercise.solution,
    };
    fingerprints.set(exercise.id, createHash("sha256").update(JSON.stringify(graded)).digest("hex"));
  }
  return fingerprints;
}

const fingerprintCache = new Map<string, Map<string, string> | null>();

function fingerprintsOf(slug: string, version: number): Map<string, string> | null {
  const key = `${slug}@${version}`;
  if (!fingerprintCache.has(key)) {
    const source = readLessonVersion(slug, version);
    fingerprintCache.set(key, source ? exerciseFingerprints(source) : null);
  }
  return fingerprintCache.get(key)!;
}

/**
 * Whether an exercise graded on `version` of its lesson is graded differently now. An exercise
 * that version did not have, or a version that is not kept, counts as changed: nothing shows
 * the grade was earned on the exercise as it is.
 */
export function exerciseChangedSince(slug: string, exerciseId: string, version: number): boolean {
  const current = readLesson(slug).frontmatter.version;
  if (version === current) return false;
  const then = fingerprintsOf(slug, version)?.get(exerciseId);
  const now = fingerprintsOf(slug, current)?.get(exerciseId);
  return then === undefined || now === undefined || then !== now;
}
