/**
 * Starts a new version of a lesson: `npm run lessons:revise -- <slug> "<what will change>"`.
 *
 * The lesson file as it is now (the version learners see) is kept whole as
 * lessons/archive/<slug>/v<n>.mdx, and the file's frontmatter moves to version n+1 with a
 * changelog line dated today. Edit the lesson afterwards; learners see the new version once it
 * is deployed, and can still read every earlier one. Give a renamed cell `was=<old-id>` so
 * learners' saved code follows it (docs/authoring.md, "Versions").
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LESSONS_DIR, parseLesson } from "../lib/lessons/files";
import { ARCHIVE_DIR } from "../lib/lessons/versions";

function fail(message: string): never {
  console.error(`lessons:revise: ${message}`);
  process.exit(1);
}

export function reviseLesson(slug: string, summary: string, today = new Date().toISOString().slice(0, 10)): { archived: string; version: number } {
  if (!/^[a-z0-9-]+$/.test(slug)) throw new Error(`"${slug}" is not a lesson slug (lowercase words joined by dashes)`);
  if (!summary.trim()) throw new Error("say in one line what the new version changes");
  const file = path.join(LESSONS_DIR, `${slug}.mdx`);
  if (!existsSync(file)) throw new Error(`there is no lesson ${path.relative(process.cwd(), file)}`);
  const raw = readFileSync(file, "utf8");
  const { frontmatter } = parseLesson(slug, file, raw);
  const archived = path.join(ARCHIVE_DIR, slug, `v${frontmatter.version}.mdx`);
  if (existsSync(archived)) throw new Error(`${path.relative(process.cwd(), archived)} already exists: version ${frontmatter.version} was archived before`);
  const next = frontmatter.version + 1;
  const entry = `  - version: ${next}\n    date: ${today}\n    summary: ${JSON.stringify(summary.trim())}\n`;
  // Edit the frontmatter's text rather than re-serialising it, so the author's formatting stays.
  const end = raw.indexOf("\n---", 3);
  let head = raw.slice(0, end + 1);
  head = /^version: \d+$/m.test(head) ? head.replace(/^version: \d+$/m, `version: ${next}`) : `${head}version: ${next}\n`;
  if (/^changelog:\s*$/m.test(head)) {
    head = head.replace(/^changelog:\s*\n/m, (line) => line + entry);
  } else {
    const first = frontmatter.version === 1 ? `  - version: 1\n    summary: "First published version."\n` : "";
    head = `${head}changelog:\n${entry}${first}`;
  }
  const revised = head + raw.slice(end + 1);
  parseLesson(slug, file, revised); // the new frontmatter must itself be valid
  mkdirSync(path.dirname(archived), { recursive: true });
  writeFileSync(archived, raw);
  writeFileSync(file, revised);
  return { archived, version: next };
}

if (process.argv[1] && /lessons-revise\.ts$/.test(process.argv[1])) {
  const [slug, ...words] = process.argv.slice(2);
  if (!slug || words.length === 0) fail('usage: npm run lessons:revise -- <slug> "<what the new version changes>"');
  try {
    const { archived, version } = reviseLesson(slug, words.join(" "));
    console.log(`Kept the published lesson as ${path.relative(process.cwd(), archived)}; lessons/${slug}.mdx is now version ${version}. Edit it, then run npm run lessons:check.`);
  } catch (error) {
    fail((error as Error).message);
  }
}
