import { describe, expect, it } from "vitest";
import { boundBundle, boundCellOutputs, jsonSize, MAX_DISPLAYS_PER_CELL, MAX_OUTPUT_CHARS } from "@/lib/kernel/display/bounds";
import { histFigure } from "@/lib/kernel/display/plot";
import { binGroups } from "@/lib/kernel/display/histogram";
import { PLOTLY_MIME } from "@/lib/kernel/display/mime";
import type { CellOutput } from "@/lib/kernel/protocol";
import { createTestKernel } from "./run-cells";

describe("histograms keep their bins, not their samples", () => {
  it("bins like numpy.histogram: equal widths, the last bin closed", () => {
    // numpy.histogram([0, 1, 2, 3, 4], bins=2) -> counts [2, 3], edges [0, 2, 4]
    expect(binGroups([["v", [0, 1, 2, 3, 4]]], 2)).toEqual({ edges: [0, 2, 4], groups: [{ name: "v", counts: [2, 3], skipped: 0, total: 5 }] });
    // numpy.histogram([5, 5, 5], bins=2) -> counts [0, 3], edges [4.5, 5, 5.5]
    expect(binGroups([["v", [5, 5, 5]]], 2).groups[0].counts).toEqual([0, 3]);
  });

  it("overlaid groups share edges; NaN and infinities are counted as left out", () => {
    const { edges, groups } = binGroups([["a", [0, 1]], ["b", [3, Number.NaN, Infinity]]], 3);
    expect(edges).toEqual([0, 1, 2, 3]);
    expect(groups.map((g) => g.counts)).toEqual([[1, 1, 0], [0, 0, 1]]);
    expect(groups[1].skipped).toBe(2);
    expect(() => binGroups([["a", [1]]], 0)).toThrow(/bins must be an integer/);
  });

  it("16 layers of 131,072 activations make a figure of kilobytes", () => {
    const layers = Object.fromEntries(Array.from({ length: 16 }, (_, layer) => [`layer ${layer}`, Float64Array.from({ length: 131_072 }, (_, i) => Math.sin(i * (layer + 1)))]));
    const figure = histFigure(layers, { bins: 50 });
    expect(jsonSize(figure)).toBeLessThan(60_000);
    for (const trace of figure.data) expect((trace.y as number[]).reduce((a, b) => a + b, 0)).toBe(131_072);
  });
});

describe("one output over the limit is summarised, saying what was cut", () => {
  const big = { "text/plain": "chart", [PLOTLY_MIME]: { data: [{ y: Array.from({ length: 250_000 }, (_, i) => i) }] } };

  it("drops the rich part that does not fit and keeps the text with a note", () => {
    const bounded = boundBundle(big);
    expect(bounded[PLOTLY_MIME]).toBeUndefined();
    expect(bounded["text/plain"]).toMatch(/^chart\n\[output cut: the chart data \(1\.\d MB\) over the 1\.0 MB limit for one output\]$/);
    expect(jsonSize(bounded)).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
  });

  it("leaves an output within the limit as it is", () => {
    const small = { "text/plain": "x", [PLOTLY_MIME]: { data: [] } };
    expect(boundBundle(small)).toBe(small);
  });

  it("cuts text over the limit", () => {
    const bounded = boundBundle({ "text/plain": "y".repeat(1_500_000) });
    expect(bounded["text/plain"]).toMatch(/\[output cut: 1000000 characters of text over the 1\.0 MB limit for one output\]$/);
    expect(jsonSize(bounded)).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
  });

  it("the kernel bounds what a cell displays and returns", async () => {
    const kernel = createTestKernel();
    const shown = await kernel.run("plot.figure({ data: [{ type: 'scatter', y: Array.from({ length: 250000 }, (_, i) => i) }] })");
    const display = shown.messages.find((m) => m.type === "display_data");
    expect(display?.type === "display_data" && display.data["text/plain"]).toMatch(/output cut: the chart data/);
    const returned = await kernel.run("'z'.repeat(1500000)");
    const result = returned.outputs.find((o) => o.output_type === "execute_result");
    expect(result?.output_type === "execute_result" && jsonSize(result.data)).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
  });

  it("a cell that displays in a loop stops adding displays past the budget, with one note", async () => {
    const kernel = createTestKernel();
    const run = await kernel.run(`for (let i = 0; i < ${MAX_DISPLAYS_PER_CELL + 100}; i++) display(i)`);
    const displays = run.outputs.filter((o) => o.output_type === "display_data");
    expect(displays).toHaveLength(MAX_DISPLAYS_PER_CELL + 1);
    expect(displays.at(-1)?.output_type === "display_data" && displays.at(-1)?.data["text/plain"]).toMatch(/further displays of this cell not shown/);
    // The next run starts with a fresh budget.
    expect((await kernel.run("display(1)")).outputs.filter((o) => o.output_type === "display_data")).toHaveLength(1);
  });
});

describe("a cell's stored outputs are bounded", () => {
  it("keeps outputs in order while they fit, then one note for the rest", () => {
    const outputs: CellOutput[] = Array.from({ length: 10 }, (_, i) => ({ output_type: "stream", name: "stdout", text: `${i}`.repeat(30_000) }));
    const kept = boundCellOutputs(outputs, 100_000);
    expect(kept).toHaveLength(4);
    expect(kept.slice(0, 3)).toEqual(outputs.slice(0, 3));
    expect(kept[3]).toMatchObject({ output_type: "stream", name: "stderr" });
    expect(kept[3].output_type === "stream" && kept[3].text).toMatch(/^\[7 more outputs \(211 KB\) not kept: a cell keeps at most 100 KB of outputs\]\n$/);
    expect(jsonSize(kept)).toBeLessThanOrEqual(100_000 + 200);
    expect(boundCellOutputs(outputs.slice(0, 2), 100_000)).toEqual(outputs.slice(0, 2));
  });
});
