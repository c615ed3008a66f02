import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The lesson modules read lessons/ under the working directory: give them a course of our own.
const repo = process.cwd();
const root = mkdtempSync(path.join(os.tmpdir(), "gradbook-versions-"));
process.chdir(root);
afterAll(() => {
  process.chdir(repo);
  rmSync(root, { recursive: true, force: true });
});

const exercise = (check: string, id = "double", instructions = "Return twice the input.") => `
<Exercise id="${id}" points={1} title="Double it">
${instructions}

\`\`\`ts starter
function double(x: number): number {
  return 0;
}
\`\`\`

\`\`\`ts check name="doubles 2"
expect(double(2)).toBe(4);
\`\`\`

\`\`\`ts hidden name="doubles -3"
${check}
\`\`\`

\`\`\`ts solution
function double(x: number): number {
  return 2 * x;
}
\`\`\`
</Exercise>
`;

const cellBlock = (id: string, code: string, meta = "") => `\n\`\`\`ts cell id=${id}${meta}\n${code}\n\`\`\`\n`;
const front = (extra = "") => `---\ntitle: Demo\nmodule: basics\norder: 1\nsummary: A lesson that is revised.\n${extra}---\n`;

const v1 = front() + "\n## One\n" + cellBlock("a", "const a = 1;") + cellBlock("b", "const b = 2;") + cellBlock("c", "const c = 3;") + exercise("expect(double(-3)).toBe(-6);") + exercise("expect(double(1)).toBe(2);", "reworded");
const v2Front = front("version: 2\nchangelog:\n  - version: 2\n    date: 2026-12-02\n    summary: Cell b is now b2 and moved below c; cell a is gone.\n  - version: 1\n    summary: First published version.\n");
const v2 = v2Front + "\n## One\n" + cellBlock("c", "const c = 3;") + cellBlock("b2", "const b = 2;", " was=b") + cellBlock("d", "const d = 4;") +
  exercise("expect(double(-3)).toBe(-6); expect(double(0.5)).toBe(1);") +
  exercise("expect(double(1)).toBe(2);", "reworded", "Multiply the input by two and return it.");

mkdirSync("lessons/archive/demo", { recursive: true });
writeFileSync("lessons/course.json", JSON.stringify({ title: "T", summary: "S", modules: [{ id: "basics", title: "Basics", summary: "B" }] }));
writeFileSync("lessons/demo.mdx", v2);
writeFileSync("lessons/archive/demo/v1.mdx", v1);

const { lessonVersions, readLessonVersion, exerciseChangedSince } = await import("@/lib/lessons/versions");
const { attachSavedWork } = await import("@/lib/lessons/lesson-parts");
const { checkVersions } = await import("@/scripts/lessons-check/version-checks");
const { reviseLesson } = await import("@/scripts/lessons-revise");
const { parseLesson } = await import("@/lib/lessons/files");
const { collectCells } = await import("@/lib/lessons/cells");
const { parseLessonTree } = await import("@/lib/lessons/parse");

describe("versions of a lesson", () => {
  it("lists the current version first with each changelog line, and reads an earlier one whole", () => {
    expect(lessonVersions("demo")).toEqual([
      { version: 2, date: "2026-12-02", summary: "Cell b is now b2 and moved below c; cell a is gone.", current: true },
      { version: 1, date: null, summary: "First published version.", current: false },
    ]);
    expect(readLessonVersion("demo", 1)?.body).toContain("```ts cell id=a");
    expect(readLessonVersion("demo", 2)?.body).toContain("cell id=b2 was=b");
    expect(readLessonVersion("demo", 3)).toBeNull();
  });

  it("a learner's code follows a moved and renamed cell; code of a removed cell is kept as earlier work", () => {
    const rows = [
      { cellId: "a", code: "my a" },
      { cellId: "b", code: "my b" },
      { cellId: "c", code: "my c" },
      { cellId: "exercise-double", code: "my answer" },
    ];
    const { cells, earlier } = attachSavedWork("demo", rows);
    expect(Object.fromEntries(cells.map((row) => [row.cellId, row.code]))).toEqual({ c: "my c", b2: "my b", "exercise-double": "my answer" });
    expect(attachSavedWork("demo", [{ cellId: "exercise-gone", code: "x" }]).earlier).toEqual([{ cellId: "exercise-gone", code: "x" }]);
    expect(earlier).toEqual([{ cellId: "a", code: "my a" }]);
  });

  it("once the renamed cell has code of its own, the old row is neither shown twice nor offered as earlier work", () => {
    const { cells, earlier } = attachSavedWork("demo", [{ cellId: "b", code: "old" }, { cellId: "b2", code: "new" }]);
    expect(cells).toEqual([{ cellId: "b2", code: "new" }]);
    expect(earlier).toEqual([]);
  });

  it("knows whether an exercise is graded differently than on the version a learner submitted to", () => {
    // A hidden check was added: grades earned on version 1 were for a different exercise.
    expect(exerciseChangedSince("demo", "double", 1)).toBe(true);
    expect(exerciseChangedSince("demo", "double", 2)).toBe(false);
    // Reworded instructions do not change what is graded.
    expect(exerciseChangedSince("demo", "reworded", 1)).toBe(false);
    // An exercise the earlier version did not have, or a version that is not kept.
    expect(exerciseChangedSince("demo", "no-such-exercise", 1)).toBe(true);
  });

  it("lessons:check: a was= that names no earlier cell, and a missing earlier version, are problems", () => {
    const file = path.join("lessons", "demo.mdx");
    const source = parseLesson("demo", file, readFileSync(file, "utf8"));
    const cells = collectCells(parseLessonTree(source.body));
    expect(checkVersions(file, 0, source.frontmatter, cells)).toEqual([]);
    const typo = cells.map((cell) => (cell.id === "b2" ? { ...cell, was: ["bb"] } : cell));
    expect(checkVersions(file, 0, source.frontmatter, typo).map((p) => p.message)).toEqual(['cell "b2": was=bb is not a cell id of any earlier version of this lesson']);
    expect(checkVersions(file, 0, { ...source.frontmatter, version: 3 }, cells).map((p) => p.message)).toEqual([expect.stringMatching(/version 2 is not kept/)]);
  });
});

describe("npm run lessons:revise", () => {
  it("keeps the published file whole and moves the lesson to the next version with a dated changelog line", () => {
    writeFileSync("lessons/fresh.mdx", front() + cellBlock("x", "1"));
    const before = readFileSync("lessons/fresh.mdx", "utf8");
    expect(reviseLesson("fresh", "Explain x better", "2026-12-03").version).toBe(2);
    expect(readFileSync("lessons/archive/fresh/v1.mdx", "utf8")).toBe(before);
    const revised = parseLesson("fresh", "lessons/fresh.mdx", readFileSync("lessons/fresh.mdx", "utf8")).frontmatter;
    expect(revised.version).toBe(2);
    expect(revised.changelog).toEqual([
      { version: 2, date: "2026-12-03", summary: "Explain x better" },
      { version: 1, summary: "First published version." },
    ]);
    expect(reviseLesson("fresh", "Add y", "2026-12-04").version).toBe(3);
    const third = parseLesson("fresh", "lessons/fresh.mdx", readFileSync("lessons/fresh.mdx", "utf8")).frontmatter;
    expect(third.changelog.map((entry) => entry.version)).toEqual([3, 2, 1]);
  });

  it("refuses a missing lesson, an empty summary, and overwriting a kept version", () => {
    expect(() => reviseLesson("nope", "x")).toThrow(/there is no lesson/);
    expect(() => reviseLesson("demo", "  ")).toThrow(/say in one line/);
    writeFileSync("lessons/archive/demo/v2.mdx", v2);
    expect(() => reviseLesson("demo", "again")).toThrow(/already exists/);
    rmSync("lessons/archive/demo/v2.mdx");
  });
});
