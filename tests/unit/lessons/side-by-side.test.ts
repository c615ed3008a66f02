import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeFigure, reflow, sideBySide, splitProseAndCells, wrap } from "@/scripts/lessons-check/side-by-side";

const FIXTURES = path.join(__dirname, "fixtures");

describe("lessons:check --side-by-side", () => {
  it("splits a lesson into the prose before each cell, and the prose after the last one", () => {
    const pieces = splitProseAndCells("Intro line one\nline two.\n\n```ts cell id=a\nprint(1)\n```\n\n## Heading\n\nMore.\n\n```ts cell id=b\n2\n```\n\nThe end.\n");
    expect(pieces.map((p) => p.cell?.id ?? null)).toEqual(["a", "b", null]);
    expect(pieces[0].prose).toEqual(["Intro line one\nline two."]);
    expect(pieces[1].prose).toEqual(["## Heading", "More."]);
    expect(pieces[2].prose).toEqual(["The end."]);
  });

  it("joins a paragraph's hard-wrapped lines but keeps list items, math and tables apart", () => {
    expect(reflow("one\ntwo\n\n- a\n  b\n- c\n\n$$\nx\n$$\n\n| a |\n| b |")).toBe("one two\n\n- a b\n- c\n\n$$\nx\n$$\n\n| a |\n| b |");
  });

  it("wraps prose at word boundaries and cuts aligned table rows without losing their spacing", () => {
    expect(wrap("alpha beta gamma", 11)).toEqual(["alpha beta", "gamma"]);
    expect(wrap("a    b    c    d", 8)).toEqual(["a    b  ", "  c    d"]);
  });

  it("summarises a chart as numbers per trace", () => {
    const text = describeFigure({ data: [{ type: "scatter", name: "relu", x: [1, 2, 3], y: [0.5, 1e-9, 3e6] }], layout: { title: { text: "Norms" }, yaxis: { type: "log" } } });
    expect(text).toBe("[chart] Norms (log y)\n  relu: 3 points, y from 1.00e-9 to 3.00e+6: 0.5, 1.00e-9, 3.00e+6");
  });

  it("runs every cell and prints its outputs beside the prose before it", async () => {
    const lines: string[] = [];
    const result = await sideBySide(path.join(FIXTURES, "valid.mdx"), { width: 120, proseWidth: 50, write: (line) => lines.push(line) });
    expect(result.failed).toBe(0);
    const row = lines.find((line) => line.startsWith("A cell that defines a name"))!;
    expect(row).toMatch(/│ ▼ define \(line \d+, [\d.]+ s\)$/);
    expect(lines.some((line) => /│ 6$/.test(line))).toBe(true); // print(base.sum().item())
    expect(lines.some((line) => line.includes("[exercise double-it"))).toBe(true);
  }, 60_000);
});
