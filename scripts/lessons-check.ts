/**
 * npm run lessons:check [--static] [file...]
 *
 * Validates lessons (default: every lessons/*.mdx): frontmatter, module in the outline, MDX
 * compiles, unique ids, every cell runs in order in a Node kernel with the engine within its
 * time budget, and every exercise's reference solution passes its checks while its starter
 * fails them (in the server grader's sandbox). Prints `file:line: message` per problem, a
 * summary, and exits 1 on any problem. `--static` skips running code. `--side-by-side` only
 * runs the cells and prints each one's outputs beside the prose before it (scripts/lessons-check/side-by-side.ts).
 *
 * Runs under `tsx --conditions=import` (see package.json): some ESM-only MDX dependencies
 * export only an "import" condition, which tsx's CommonJS resolver would otherwise refuse.
 */
import path from "node:path";
import { readdirSync } from "node:fs";
import { readCourseOutline } from "../lib/lessons/files";
import { sandboxesReleased } from "../lib/grading/sandbox/grader";
import { courseTimeSummary, formatProblem, lessonSummary, validateLessonFile, type LessonReport } from "./lessons-check/index";

function lessonFiles(args: string[]): string[] {
  if (args.length > 0) return args.map((file) => path.resolve(file));
  const dir = path.join(process.cwd(), "lessons");
  return readdirSync(dir).filter((name) => name.endsWith(".mdx")).sort().map((name) => path.join(dir, name));
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const staticOnly = args.includes("--static");
  const verbose = args.includes("--verbose");
  const files = lessonFiles(args.filter((arg) => !arg.startsWith("--")));
  if (args.includes("--side-by-side")) {
    const { sideBySide } = await import("./lessons-check/side-by-side");
    let failed = 0;
    for (const file of files) failed += (await sideBySide(file, { width: process.stdout.columns || 160, write: (text) => console.log(text) })).failed;
    return failed === 0 ? 0 : 1;
  }
  let outline;
  try {
    outline = readCourseOutline();
  } catch (error) {
    console.error(`lessons/course.json:1: ${(error as Error).message}`);
    return 1;
  }
  const reports: LessonReport[] = [];
  for (const file of files) {
    console.log(`checking ${path.relative(process.cwd(), file)}${staticOnly ? " (static checks only)" : ""}`);
    let report: LessonReport;
    try {
      report = await validateLessonFile(file, { outline, run: !staticOnly, onProgress: verbose ? (line) => console.log(line) : undefined });
    } catch (error) {
      report = { file, problems: [{ file, line: 1, message: `could not be validated: ${(error as Error).message}` }], cells: 0, exercises: 0, checks: 0, cellDurations: [] };
    }
    for (const problem of report.problems) console.error(formatProblem(problem));
    reports.push(report);
  }
  console.log("");
  for (const report of reports) console.log(lessonSummary(report));
  const courseTime = courseTimeSummary(reports);
  if (courseTime) console.log(courseTime);
  const problems = reports.reduce((n, r) => n + r.problems.length, 0);
  console.log(problems === 0 ? `lessons:check passed: ${reports.length} lesson(s), no problems.` : `lessons:check failed: ${problems} problem(s) in ${reports.filter((r) => r.problems.length).length} of ${reports.length} lesson(s).`);
  return problems === 0 ? 0 : 1;
}

main().then(
  async (code) => {
    await sandboxesReleased();
    process.exit(code);
  },
  async (error: unknown) => {
    console.error(error);
    await sandboxesReleased();
    process.exit(2);
  },
);
