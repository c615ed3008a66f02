import { describe, expect, it } from "vitest";
import { createTestKernel } from "./run-cells";
import { engineGlobals } from "@/lib/kernel/worker/engine";
import { IMAGE_MIME, PLOTLY_MIME, PROGRESS_MIME, TABLE_MIME, type PlotlyFigure, type TableData } from "@/lib/kernel/display/mime";
import type { CellOutput } from "@/lib/kernel/protocol";

const displays = (outputs: CellOutput[]) => outputs.flatMap((o) => (o.output_type === "display_data" ? [o.data] : []));

describe("notebook builtins", () => {
  it("display() of rows renders a table; of a tensor, its PyTorch repr", async () => {
    const k = createTestKernel(engineGlobals());
    const run = await k.run("display([{ layer: 'fc1', dead: 0.5 }, { layer: 'fc2', dead: 0 }]); display(torch.tensor([1, 2]))");
    const [table, tensor] = displays(run.outputs);
    expect(table[TABLE_MIME]).toEqual({ columns: ["layer", "dead"], rows: [["fc1", 0.5], ["fc2", 0]] });
    expect(tensor["text/plain"]).toBe("tensor([1., 2.])");
  });

  it("plot.line builds a Plotly figure from tensors, and rejects mismatched series", async () => {
    const k = createTestKernel(engineGlobals());
    const run = await k.run("plot.line([{ x: torch.tensor([0, 1, 2]), y: torch.tensor([1, 4, 9]), name: 'sq' }], { title: 'squares', ylog: true })");
    const figure = displays(run.outputs)[0][PLOTLY_MIME] as PlotlyFigure;
    expect(figure.data[0]).toMatchObject({ type: "scatter", x: [0, 1, 2], y: [1, 4, 9], name: "sq" });
    expect(figure.layout).toMatchObject({ title: { text: "squares" }, yaxis: { type: "log" } });
    const bad = await k.run("plot.line({ x: [1, 2], y: [1, 2, 3] })");
    expect(bad.outputs.at(-1)).toMatchObject({ output_type: "error", ename: "RangeError" });
  });

  it("plot.scatter colours by class and plot.heatmap takes a 2-D tensor", async () => {
    const k = createTestKernel(engineGlobals());
    const run = await k.run("plot.scatter([0, 1, 2], [3, 4, 5], { color: [0, 1, 0] }); plot.heatmap(torch.eye(2))");
    const [scatter, heatmap] = displays(run.outputs).map((d) => d[PLOTLY_MIME] as PlotlyFigure);
    expect(scatter.data.map((t) => [t.name, t.x])).toEqual([["class 0", [0, 2]], ["class 1", [1]]]);
    expect(heatmap.data[0]).toMatchObject({ type: "heatmap", z: [[1, 0], [0, 1]] });
  });

  it("plot.images tiles digits into one grayscale picture", async () => {
    const k = createTestKernel(engineGlobals());
    const run = await k.run("plot.images(torch.rand([3, 784]), { cols: 2, labels: [7, 1, 3] })");
    const image = displays(run.outputs)[0][IMAGE_MIME] as { width: number; height: number; pixels: string; caption: string };
    expect([image.width, image.height]).toEqual([2 * 28 + 2, 2 * 28 + 2]);
    expect(Buffer.from(image.pixels, "base64")).toHaveLength(image.width * image.height);
    expect(image.caption).toBe("labels: 7 1 3");
  });

  it("a progress bar is one display updated in place, ending at 100%", async () => {
    const k = createTestKernel(engineGlobals());
    const run = await k.run("const bar = progress(50, { label: 'train' }); for (let i = 1; i <= 50; i++) bar.update(i); bar.close()");
    const shown = run.messages.filter((m) => m.type === "display_data");
    const updates = run.messages.filter((m) => m.type === "update_display_data");
    expect(shown).toHaveLength(1);
    // Throttled: far fewer updates than steps, but the final state always arrives.
    expect(updates.length).toBeLessThan(10);
    const final = displays(run.outputs)[0][PROGRESS_MIME] as { value: number; total: number; done: boolean };
    expect(final).toMatchObject({ value: 50, total: 50, done: true });
  });

  it("inspect.dead_relus counts units that never fire on a batch", async () => {
    const k = createTestKernel(engineGlobals());
    const run = await k.run(`
      const net = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU());
      torch.no_grad(() => { net.get(0).weight.fill_(0); net.get(0).bias.copy_(torch.tensor([1, -1, 2, -3])) });
      inspect.dead_relus(net, torch.randn([8, 3]))`);
    const result = run.outputs.find((o) => o.output_type === "execute_result");
    expect(result?.output_type === "execute_result" && result.data["text/plain"]).toContain("dead_fraction: 0.5");
    expect((displays(run.outputs)[0][TABLE_MIME] as TableData).rows[0]).toEqual(["1 (ReLU)", 0.5, 2, 4]);
  });

  it("inspect.gradients asks for backward first, then reports per-layer norms", async () => {
    const k = createTestKernel(engineGlobals());
    const before = await k.run("const m = new nn.Linear(2, 1); inspect.gradients(m)");
    expect(before.outputs.at(-1)).toMatchObject({ output_type: "error", evalue: expect.stringContaining("backward") });
    const after = await k.run("m(torch.ones(1, 2)).sum().backward(); inspect.gradients(m)[0].grad_norm");
    const value = after.outputs.find((o) => o.output_type === "execute_result");
    expect(value?.output_type === "execute_result" && Number(value.data["text/plain"])).toBeCloseTo(Math.SQRT2, 5);
  });
});
