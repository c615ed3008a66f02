import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { toNotebook } from "@/lib/kernel/nbformat";
import { notebookParts } from "@/lib/lessons/notebook-parts";
import { PLOTLY_MIME } from "@/lib/kernel/display/mime";
import { nbformatSchema } from "../../nbformat-v4.5-schema";

// strict: false: the official schema has an "item" keyword (a typo of "items") Ajv would refuse.
const validate = new Ajv({ allErrors: true, strict: false }).compile(nbformatSchema);

describe("notebook export", () => {
  it("writes a valid nbformat 4.5 notebook with code, outputs and prose", () => {
    const notebook = toNotebook("Tensors", [
      { kind: "markdown", source: "# Tensors\n\nSome $x^2$ math." },
      {
        kind: "code",
        cellId: "make",
        source: "const x = 1\nx",
        executionCount: 3,
        outputs: [
          { output_type: "stream", name: "stdout", text: "hi\n" },
          { output_type: "display_data", data: { "text/plain": "chart", [PLOTLY_MIME]: { data: [] } }, display_id: "d1" },
          { output_type: "execute_result", execution_count: 3, data: { "text/plain": "1" } },
          { output_type: "error", ename: "Error", evalue: "bad", traceback: ["Error: bad"], line: 2 },
        ],
      },
      { kind: "code", cellId: "make", source: "", executionCount: null, outputs: [] },
    ]);
    expect(validate(notebook), JSON.stringify(validate.errors)).toBe(true);
    expect(notebook.metadata.language_info).toMatchObject({ name: "typescript" });
    const ids = notebook.cells.map((cell) => cell.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("the schema rejects what nbformat rejects", () => {
    const notebook = toNotebook("T", [{ kind: "markdown", source: "x" }]) as unknown as { cells: { id?: string }[] };
    delete notebook.cells[0].id;
    expect(validate(notebook)).toBe(false);
  });

  it("splits a lesson into prose, cells and exercises; of an exercise only instructions and starter", () => {
    const body = [
      "# Title",
      "",
      "Prose with $a = b$.",
      "",
      "```ts cell id=first",
      "const a = 1",
      "```",
      "",
      '<Exercise id="e1" points={1} title="Double it">',
      "",
      "Write `double(x)`.",
      "",
      "```ts starter",
      "function double(x: number) { return x; }",
      "```",
      "",
      '```ts check name="visible"',
      "visibleCheckCode()",
      "```",
      "",
      '```ts hidden name="secret"',
      "secretHiddenCheck()",
      "```",
      "",
      "```ts solution",
      "function double(x: number) { return secretSolution(x); }",
      "```",
      "",
      "<Hint>A hint opened on request</Hint>",
      "",
      "</Exercise>",
      "",
      "```python",
      "print('shown, not run')",
      "```",
    ].join("\n");
    const parts = notebookParts(body);
    expect(parts.map((p) => p.kind)).toEqual(["markdown", "code", "exercise", "markdown"]);
    expect(parts[1]).toEqual({ kind: "code", cellId: "first", source: "const a = 1" });
    expect(parts[2]).toEqual({ kind: "exercise", exerciseId: "e1", title: "Double it", instructions: "Write `double(x)`.", starter: "function double(x: number) { return x; }" });
    const text = JSON.stringify(parts);
    for (const secret of ["secretHiddenCheck", "secretSolution", "visibleCheckCode", "opened on request"]) expect(text).not.toContain(secret);
    expect(parts[3]).toMatchObject({ kind: "markdown", source: expect.stringContaining("print('shown, not run')") });
  });
});
