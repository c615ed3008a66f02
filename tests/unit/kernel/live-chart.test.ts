import { describe, expect, it } from "vitest";
import { LiveChart, type DisplaySink } from "@/lib/kernel/display/live";
import { PLOTLY_MIME, type PlotlyFigure } from "@/lib/kernel/display/mime";
import type { MimeBundle } from "@/lib/kernel/protocol";
import { torch } from "@/lib/tensor";

function recordingSink() {
  const frames: MimeBundle[] = [];
  const sink: DisplaySink = { show: (b) => frames.push(b), update: (b) => frames.push(b) };
  const series = () => (frames.at(-1)![PLOTLY_MIME] as PlotlyFigure).data.map((t) => ({ name: t.name, x: t.x, y: t.y }));
  return { sink, frames, series };
}

describe("live_chart.push", () => {
  it("draws a one-element tensor metric as its value, as chart.push(step, { loss }) in a training loop", () => {
    const { sink, series } = recordingSink();
    const chart = new LiveChart(sink, { title: "Loss" });
    const w = torch.tensor([2.0], { requires_grad: true });
    const loss = w.mul(w).sum(); // 0-dim, requires grad
    chart.push(0, { loss });
    chart.push(1, { loss: torch.tensor([[0.25]]), acc: 0.5 }); // any shape with one element
    chart.push(2, { loss: 0.125 });
    chart.close();
    expect(series()).toEqual([
      { name: "loss", x: [0, 1, 2], y: [4, 0.25, 0.125] },
      { name: "acc", x: [1], y: [0.5] },
    ]);
  });

  it("takes a one-element tensor as the step", () => {
    const { sink, series } = recordingSink();
    const chart = new LiveChart(sink);
    chart.push(torch.tensor(3), { loss: 1 });
    chart.close();
    expect(series()).toEqual([{ name: "loss", x: [3], y: [1] }]);
  });

  it("refuses a metric that is not one number, naming it, and adds none of the call's points", () => {
    const { sink, series } = recordingSink();
    const chart = new LiveChart(sink);
    chart.push(0, { loss: 1 });
    expect(() => chart.push(1, { loss: 0.5, batch_losses: torch.tensor([0.5, 0.25]) })).toThrow(
      /metric "batch_losses" is a tensor of shape \[2\]; a chart point needs one number/,
    );
    expect(() => chart.push(1, { acc: "0.9" } as never)).toThrow(TypeError);
    expect(() => chart.push(1, { acc: "0.9" } as never)).toThrow(/metric "acc" must be a number or a one-element tensor, got string 0.9/);
    expect(() => chart.push(1, { acc: undefined } as never)).toThrow(/metric "acc" .* got undefined/);
    expect(() => chart.push(1, { acc: [0.9] } as never)).toThrow(/metric "acc" .* got an array/);
    expect(() => chart.push(1, torch.tensor(0.5) as never)).toThrow(/metrics must be an object like \{ loss \}, got a tensor of shape \[\]/);
    expect(() => chart.push("one" as never, { loss: 1 })).toThrow(/step must be a number, got string one/);
    chart.close();
    expect(series()).toEqual([{ name: "loss", x: [0], y: [1] }]);
  });

  it("works through the notebook's live_chart builtin with the loss tensor", async () => {
    const { createTestKernel } = await import("./run-cells");
    const { engineGlobals } = await import("@/lib/kernel/worker/engine");
    const k = createTestKernel(engineGlobals());
    const run = await k.run(`
      const chart = live_chart({ title: "Loss" });
      const x = torch.tensor([1.0, 2.0]);
      for (let step = 0; step < 3; step++) { const loss = x.mul(step).pow(2).mean(); chart.push(step, { loss }); }
      chart.close();
    `);
    const figures = run.outputs.flatMap((o) => (o.output_type === "display_data" ? [o.data[PLOTLY_MIME] as PlotlyFigure] : []));
    expect(figures.at(-1)!.data[0]).toMatchObject({ name: "loss", x: [0, 1, 2], y: [0, 2.5, 10] });
    const bad = await k.run("live_chart().push(0, { loss: torch.ones(3) })");
    expect(bad.outputs.at(-1)).toMatchObject({ output_type: "error", ename: "TypeError" });
  });

  describe("in a notebook cell", () => {
    async function kernel() {
      const { createTestKernel } = await import("./run-cells");
      const { engineGlobals } = await import("@/lib/kernel/worker/engine");
      return createTestKernel(engineGlobals());
    }
    const figuresOf = (outputs: { output_type: string; data?: Record<string, unknown> }[]) =>
      outputs.flatMap((o) => (o.output_type === "display_data" ? [o.data![PLOTLY_MIME] as PlotlyFigure | undefined] : [])).filter((f) => f !== undefined);

    it("draws the points a fast loop pushed after the last throttled frame when the cell ends without close()", async () => {
      const k = await kernel();
      const run = await k.run(`
        const chart = live_chart();
        for (let step = 0; step < 200; step++) chart.push(step, { loss: 1 / (step + 1) });
      `);
      const last = figuresOf(run.outputs).at(-1)!;
      expect(last.data[0].x).toHaveLength(200);
      expect((last.data[0].y as number[]).at(-1)).toBeCloseTo(1 / 200);
    });

    it("goes on drawing a chart made in an earlier cell, through the end of the cell that pushed", async () => {
      const k = await kernel();
      await k.run("const chart = live_chart(); chart.push(0, { loss: 1 });");
      const run = await k.run("for (let step = 1; step < 100; step++) chart.push(step, { loss: 1 / (step + 1) });");
      const updates = run.messages.flatMap((m) => (m.type === "update_display_data" ? [m.data[PLOTLY_MIME] as PlotlyFigure] : []));
      expect(updates.at(-1)!.data[0].x).toHaveLength(100);
    });

    it("leaves no empty chart above the error when the first push fails", async () => {
      const k = await kernel();
      const run = await k.run("const c = live_chart({ title: 'Loss' }); c.push(0, { loss: torch.ones(3) });");
      expect(figuresOf(run.outputs)).toEqual([]);
      expect(run.outputs.at(-1)).toMatchObject({ output_type: "error", ename: "TypeError" });
    });

    it("keeps the points drawn before a later push fails", async () => {
      const k = await kernel();
      const run = await k.run("const c = live_chart(); c.push(0, { loss: 2 }); c.push(1, { loss: 1 }); c.push(2, { loss: 'x' });");
      expect(figuresOf(run.outputs).at(-1)!.data[0]).toMatchObject({ x: [0, 1], y: [2, 1] });
      expect(run.outputs.at(-1)).toMatchObject({ output_type: "error" });
    });

    it("shows an empty chart when a cell made one, pushed nothing and succeeded", async () => {
      const k = await kernel();
      const run = await k.run("live_chart({ title: 'Loss' });");
      const figures = figuresOf(run.outputs);
      expect(figures).toHaveLength(1);
      expect(figures[0].data[0].x).toEqual([]);
    });

    it("shows a progress bar's last value when the cell ends without close()", async () => {
      const k = await kernel();
      const run = await k.run("const bar = progress(1000); for (let i = 1; i < 1000; i++) bar.update(i);");
      const texts = run.outputs.flatMap((o) => ("data" in o && o.data ? [String(o.data["text/plain"])] : []));
      expect(texts.at(-1)).toMatch(/ 999\/1000 /);
    });
  });
});
