import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { readCourseOutline } from "@/lib/lessons/files";
import { validateLessonFile, type LessonReport } from "@/scripts/lessons-check/index";

const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string) => path.join(FIXTURES, name);

/** The 1-based line of the first line of `file` that contains `text`. */
function lineOf(name: string, text: string): number {
  const index = readFileSync(fixture(name), "utf8").split("\n").findIndex((line) => line.includes(text));
  if (index === -1) throw new Error(`${name} has no line containing ${text}`);
  return index + 1;
}

const reports = new Map<string, LessonReport>();
async function validate(name: string): Promise<LessonReport> {
  let report = reports.get(name);
  if (!report) {
    report = await validateLessonFile(fixture(name), { outline: readCourseOutline() });
    reports.set(name, report);
  }
  return report;
}

describe("lessons:check validator", () => {
  it("accepts a valid lesson: cells run, the solution passes, the starter fails", async () => {
    const report = await validate("valid.mdx");
    expect(report.problems).toEqual([]);
    expect(report.cells).toBe(2);
    expect(report.exercises).toBe(1);
    expect(report.checks).toBe(2);
    expect(report.cellDurations.map((c) => c.id)).toEqual(["define", "use"]);
  });

  it("reports a failing cell at the file line of the statement that threw", async () => {
    const report = await validate("broken-cell.mdx");
    expect(report.problems).toHaveLength(1);
    const [problem] = report.problems;
    expect(problem.line).toBe(lineOf("broken-cell.mdx", "const c = a.matmul(b);"));
    expect(problem.message).toMatch(/cell "fails" failed: .*Error/);
    expect(problem.message).toMatch(/\[2, 3\]|2x3|shapes/i);
    // Cells after the failure still run, as "Run all" would not stop the validator either.
    expect(report.cellDurations.map((c) => c.id)).toContain("after-the-failure");
  });

  it("reports duplicate ids among cells and exercises, pointing at the second use", async () => {
    const report = await validate("duplicate-id.mdx");
    const duplicates = report.problems.filter((p) => p.message.includes('duplicate id "setup"'));
    const secondCell = readFileSync(fixture("duplicate-id.mdx"), "utf8").split("\n").findIndex((line, i, lines) => line === "```ts cell id=setup" && lines.slice(0, i).includes("```ts cell id=setup")) + 1;
    expect(duplicates.map((p) => p.line)).toEqual([secondCell, lineOf("duplicate-id.mdx", '<Exercise id="setup"')]);
    expect(duplicates[1].message).toContain("(exercise)");
  });

  it("reports invalid frontmatter and an unknown module at their lines", async () => {
    const report = await validate("bad-frontmatter.mdx");
    const messages = report.problems.map((p) => `${p.line}: ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^${lineOf("bad-frontmatter.mdx", "order:")}: frontmatter order`)));
    expect(messages).toContainEqual(expect.stringMatching(/^1: frontmatter summary/));
    // An invalid frontmatter is reported once; the module is checked when the rest is valid.
    expect(report.cells).toBe(1);
  });

  it("reports a module that is not in the course outline", async () => {
    const { readAndCheckLesson } = await import("@/scripts/lessons-check/index");
    const raw = readFileSync(fixture("valid.mdx"), "utf8").replace("module: activation-functions", "module: quantum-basket-weaving");
    const parsed = await readAndCheckLesson("inline.mdx", raw, readCourseOutline());
    expect(parsed.problems).toEqual([{ file: "inline.mdx", line: 3, message: expect.stringContaining('"quantum-basket-weaving" is not a module of lessons/course.json') }]);
  });

  it("reports a starter that already passes every check", async () => {
    const report = await validate("starter-passes.mdx");
    expect(report.problems).toEqual([
      { file: fixture("starter-passes.mdx"), line: lineOf("starter-passes.mdx", "<Exercise"), message: expect.stringContaining("starter code already passes every check") },
    ]);
  });

  it("reports a check the reference solution fails, at the check's line", async () => {
    const report = await validate("solution-fails.mdx");
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0].line).toBe(lineOf("solution-fails.mdx", '```ts hidden name="negative slope of 0.1"'));
    expect(report.problems[0].message).toMatch(/reference solution fails the hidden check "negative slope of 0.1" \(failed\)/);
  });

  it("reports a cell that runs past its time budget", async () => {
    const report = await validate("slow-cell.mdx");
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0].message).toMatch(/cell "slow" (failed: KeyboardInterrupt: Time budget exceeded|took .* over its)/);
    expect(report.problems[0].line).toBeGreaterThanOrEqual(lineOf("slow-cell.mdx", "```ts cell id=slow"));
  });

  it("reports a malformed exercise with its line, without running anything", async () => {
    const report = await validate("malformed.mdx");
    const checkLine = lineOf("malformed.mdx", "```ts check");
    expect(report.problems).toEqual([{ file: fixture("malformed.mdx"), line: lineOf("malformed.mdx", "<Exercise"), message: expect.stringMatching(new RegExp(`check block at line ${checkLine} needs a name=`)) }]);
  });

  it("reports MDX that does not compile", async () => {
    const report = await validate("unclosed.mdx");
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0].message).toBe("MDX does not compile: Expected a closing tag for `<ExperimentCompare>`");
    expect(report.problems[0].line).toBe(lineOf("unclosed.mdx", "<ExperimentCompare"));
  });
});

describe("npm run lessons:check (the script)", () => {
  const run = promisify(execFile);
  // As package.json's lessons:check runs it: isolated-vm (its grading) needs --no-node-snapshot.
  const script = (...files: string[]) =>
    run("npx", ["tsx", "--no-node-snapshot", "--conditions=import", "scripts/lessons-check.ts", ...files], { cwd: process.cwd(), timeout: 120_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  let broken: Awaited<ReturnType<typeof script>>;
  beforeAll(async () => {
    broken = await script(fixture("broken-cell.mdx"));
  });

  it("prints file:line problems and exits non-zero", () => {
    expect(broken.code).toBe(1);
    const line = lineOf("broken-cell.mdx", "const c = a.matmul(b);");
    expect(broken.stderr).toContain(`tests/unit/lessons/fixtures/broken-cell.mdx:${line}: cell "fails" failed`);
    expect(broken.stdout).toMatch(/lessons:check failed: 1 problem\(s\) in 1 of 1 lesson\(s\)/);
  });

  it("exits 0 with a summary when the lesson is valid", async () => {
    const ok = await script(fixture("valid.mdx"));
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid\.mdx: 2 cells, 1 exercises \(2 checks\).* — ok/);
    expect(ok.stdout).toContain("lessons:check passed: 1 lesson(s), no problems.");
  });
});
