import { describe, expect, it } from "vitest";
import { runTitle, varyingParams } from "@/lib/kernel/worker/run-title";
import { PLOTLY_MIME, type PlotlyFigure } from "@/lib/kernel/display/mime";
import { createTestKernel } from "./run-cells";

describe("live chart titles of experiment runs", () => {
  it("names what varies between runs of the same name, or every param before a second run", () => {
    const sweep = [{ activation: "sigmoid", lr: 0.1 }, { activation: "tanh", lr: 0.1 }, { activation: "relu", lr: 0.1 }];
    expect(varyingParams(sweep)).toEqual(["activation"]);
    expect(runTitle("activation-sweep", sweep[2], sweep)).toBe("activation-sweep: activation=relu");
    expect(runTitle("activation-sweep", sweep[0], sweep.slice(0, 1))).toBe("activation-sweep: activation=sigmoid, lr=0.1");
    expect(runTitle("s", { width: 8 }, [{ width: 8, momentum: 0.9 }, { width: 8 }])).toBe("s: momentum=–");
    expect(runTitle("plain", {}, [{}])).toBe("plain");
  });

  it("titles each live chart of a sweep by its activation, retitling the first chart once the second run starts", async () => {
    const kernel = createTestKernel();
    const run = await kernel.run(`
      for (const activation of ["sigmoid", "tanh", "relu"]) {
        const run = experiments.start("activation-sweep", { activation, lr: 0.1 }, { seed: 0 });
        for (let step = 0; step < 3; step++) run.log({ loss: 1 / (step + 1) });
        run.finish();
      }`);
    expect(run.reply.status).toBe("ok");
    const titles = run.outputs.flatMap((output) => {
      if (output.output_type !== "display_data") return [];
      const figure = output.data[PLOTLY_MIME] as PlotlyFigure | undefined;
      const title = (figure?.layout as { title?: { text?: string } | string } | undefined)?.title;
      return [typeof title === "string" ? title : title?.text];
    });
    expect(titles).toEqual(["activation-sweep: activation=sigmoid", "activation-sweep: activation=tanh", "activation-sweep: activation=relu"]);
  });
});
