import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { collectCells, type LessonCell } from "../../lib/lessons/cells";
import type { LessonFrontmatter } from "../../lib/lessons/frontmatter";
import { parseLesson } from "../../lib/lessons/files";
import { parseLessonTree } from "../../lib/lessons/parse";
import type { LessonProblem } from "./problems";

/**
 * A lesson's versions hang together: every earlier version is kept in
 * archive/<slug>/v<n>.mdx beside the lesson (what `npm run lessons:revise` writes) and parses,
 * none is newer than the lesson, and each `was=old-id` names a cell id an earlier version
 * really had (a typo would silently strand learners' code as "from an earlier version").
 */
export function checkVersions(file: string, offset: number, frontmatter: LessonFrontmatter, cells: readonly LessonCell[]): LessonProblem[] {
  const problems: LessonProblem[] = [];
  const slug = path.basename(file, ".mdx");
  const dir = path.join(path.dirname(file), "archive", slug);
  const kept = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".mdx")) : [];
  const formerIds = new Set<string>();
  for (const name of kept) {
    const version = /^v(\d+)\.mdx$/.exec(name)?.[1];
    const archived = path.join(dir, name);
    if (!version) {
      problems.push({ file: archived, line: 1, message: `archived versions are named v<number>.mdx, not ${name}` });
      continue;
    }
    if (Number(version) >= frontmatter.version) {
      problems.push({ file: archived, line: 1, message: `version ${version} is archived but the lesson itself is only version ${frontmatter.version}` });
    }
    try {
      const source = parseLesson(slug, archived, readFileSync(archived, "utf8"));
      collectCells(parseLessonTree(source.body)).forEach((cell) => formerIds.add(cell.id));
    } catch (error) {
      problems.push({ file: archived, line: 1, message: `this earlier version no longer reads: ${(error as Error).message}` });
    }
  }
  for (let version = 1; version < frontmatter.version; version++) {
    if (!kept.includes(`v${version}.mdx`)) {
      problems.push({ file, line: 1, message: `version ${version} is not kept: learners cannot read it (expected ${path.relative(process.cwd(), path.join(dir, `v${version}.mdx`))}; npm run lessons:revise writes it)` });
    }
  }
  const current = new Set(cells.map((cell) => cell.id));
  for (const cell of cells) {
    for (const old of cell.was) {
      if (current.has(old)) problems.push({ file, line: offset + cell.line, message: `cell "${cell.id}": was=${old} is still the id of a cell in this version` });
      else if (!formerIds.has(old)) problems.push({ file, line: offset + cell.line, message: `cell "${cell.id}": was=${old} is not a cell id of any earlier version of this lesson` });
    }
  }
  return problems;
}
