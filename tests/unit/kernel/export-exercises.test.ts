import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { toNotebook, type ExportPart } from "@/lib/kernel/nbformat";
import { notebookParts } from "@/lib/lessons/notebook-parts";
import { readLesson } from "@/lib/lessons/files";
import { exportExercise } from "@/app/_components/notebook/exercise-export";
import type { GradeResult } from "@/lib/grading/types";
import { nbformatSchema } from "../../nbformat-v4.5-schema";

// strict: false: the official schema has an "item" keyword (a typo of "items") Ajv would refuse.
const validate = new Ajv({ allErrors: true, strict: false }).compile(nbformatSchema);

const grade: GradeResult = {
  status: "graded",
  score: 1,
  maxScore: 2,
  passed: false,
  setupError: null,
  durationMs: 5,
  checks: [
    { name: "values match F.leaky_relu", hidden: false, status: "passed", message: "", durationMs: 1 },
    { name: "gradient by hand", hidden: true, status: "failed", message: "expected 0.01 at x = -1, got 0", durationMs: 1 },
  ],
};

/** The activation lesson exported the way the page does, with one exercise answered and graded. */
function exportLesson(): { notebook: ReturnType<typeof toNotebook>; answer: string } {
  const lesson = readLesson("activation-functions");
  const answer = "function leaky_relu(x: Tensor, slope = 0.01): Tensor { return learnerAnswer(x, slope); }";
  const parts = notebookParts(lesson.body).flatMap((part): ExportPart[] => {
    if (part.kind === "markdown") return [part];
    if (part.kind === "exercise") return exportExercise(part, part.exerciseId === "leaky-relu" ? { code: answer, grade } : undefined);
    return [{ kind: "code", cellId: part.cellId, source: part.source, outputs: [], executionCount: null }];
  });
  return { notebook: toNotebook(lesson.frontmatter.title, parts), answer };
}

describe("exported exercises", () => {
  it("instructions as Markdown, the learner's answer as code, the grade as its output; valid nbformat 4.5", () => {
    const { notebook, answer } = exportLesson();
    expect(validate(notebook), JSON.stringify(validate.errors)).toBe(true);
    const cells = notebook.cells.filter((cell) => (cell.metadata as { gradbook?: { exercise?: string } }).gradbook?.exercise === "leaky-relu");
    expect(cells.map((cell) => cell.cell_type)).toEqual(["markdown", "code"]);
    expect(cells[0].source).toMatch(/^### Exercise: Implement Leaky ReLU and its gradient\n\nWrite `leaky_relu\(x, slope\)`/);
    const code = cells[1];
    expect(code.source).toBe(answer);
    expect(code.cell_type === "code" && code.outputs).toEqual([
      {
        output_type: "display_data",
        metadata: {},
        data: {
          "text/plain": "Graded on the server: 1 / 2\n✓ values match F.leaky_relu\n✗ gradient by hand (hidden): expected 0.01 at x = -1, got 0",
          "text/markdown": "**Graded on the server: 1 / 2**\n\n- ✓ values match F.leaky\\_relu\n- ✗ gradient by hand _(hidden)_: expected 0.01 at x = \\-1, got 0",
        },
      },
    ]);
  });

  it("an exercise not answered on the page exports its starter, not submitted yet", () => {
    const { notebook } = exportLesson();
    const heads = notebook.cells.filter((cell) => (cell.metadata as { gradbook?: { exercise?: string } }).gradbook?.exercise === "output-heads");
    expect(heads[1].cell_type === "code" && heads[1].outputs[0]).toMatchObject({ data: { "text/plain": "Not submitted yet." } });
  });

  it("nothing the exercise keeps from the learner is exported: solutions, hidden checks, hints", () => {
    const { notebook } = exportLesson();
    const text = JSON.stringify(notebook);
    for (const marker of ["```ts solution", "```ts hidden", "```ts check", "<Hint"]) expect(text).not.toContain(marker);
  });

  const nbconvert = spawnSync("jupyter", ["nbconvert", "--version"], { encoding: "utf8" });
  const missing = nbconvert.status === 0 ? null : "jupyter nbconvert is not installed (Debian: apt-get install jupyter-nbconvert)";
  it.skipIf(missing !== null)(`a real reader opens the export: jupyter nbconvert converts it to Markdown${missing ? ` [skipped: ${missing}]` : ""}`, () => {
    const { notebook, answer } = exportLesson();
    const dir = mkdtempSync(path.join(os.tmpdir(), "gradbook-nbconvert-"));
    const file = path.join(dir, "activation-functions.ipynb");
    writeFileSync(file, JSON.stringify(notebook, null, 1));
    execFileSync("jupyter", ["nbconvert", "--to", "markdown", file], { stdio: "pipe" });
    const markdown = readFileSync(path.join(dir, "activation-functions.md"), "utf8");
    expect(markdown).toContain("### Exercise: Implement Leaky ReLU and its gradient");
    expect(markdown).toContain(answer);
    expect(markdown).toContain("**Graded on the server: 1 / 2**");
  });
});
