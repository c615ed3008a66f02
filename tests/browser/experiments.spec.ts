import { expect, test, type Page } from "@playwright/test";
import { cell, openLesson, runCell, TENSORS_LESSON, typeIntoCell } from "./notebook";

interface Run {
  id: string;
  name: string;
  status: string;
  seed: number | null;
  codeHash: string | null;
  engineVersion: string | null;
  params: Record<string, unknown>;
  finalMetrics: Record<string, number>;
  points?: { step: number; values: Record<string, number> }[];
}

async function runs(page: Page, name: string): Promise<Run[]> {
  return (await (await page.request.get(`/api/experiments/runs?name=${name}&points=1`)).json()).runs;
}

const sweepCell = (activation: string, lr: number) =>
  `const run = experiments.start("activation-sweep", { activation: "${activation}", lr: ${lr} }, { seed: 7 }); for (let step = 0; step < 20; step++) run.log({ loss: ${lr} * 10 / (step + 1) }); run.finish();`;

test("logged runs persist with seed, code hash and engine version, and the compare chart overlays two runs", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", sweepCell("relu", 0.1));
  await runCell(page, "make");
  await expect(cell(page, "make").getByTestId("cell-output")).toContainText("activation-sweep");
  await typeIntoCell(page, "make", sweepCell("tanh", 0.05));
  await runCell(page, "make");

  await expect.poll(async () => (await runs(page, "activation-sweep")).filter((r) => r.status === "finished").length, { timeout: 15_000 }).toBe(2);
  const [relu, tanh] = await runs(page, "activation-sweep");
  expect(relu).toMatchObject({ params: { activation: "relu", lr: 0.1 }, seed: 7, engineVersion: expect.stringMatching(/^gradbook-/) });
  expect(relu.codeHash).toMatch(/^[0-9a-f]{64}$/);
  expect(relu.codeHash).not.toBe(tanh.codeHash);
  expect(relu.points?.map((p) => p.step)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  expect(tanh.finalMetrics.loss).toBeCloseTo(0.025, 6);

  // The runs survive a reload and show on /experiments, where two of them overlay.
  await page.goto("/experiments?name=activation-sweep");
  const table = page.getByTestId("runs-table");
  await expect(table.locator("tbody tr")).toHaveCount(2);
  await expect(table).toContainText("relu");
  await expect(table).toContainText("finished");
  for (const box of await table.getByRole("checkbox").all()) await box.check();
  const chart = page.getByTestId("run-chart");
  await expect(chart).toHaveAttribute("data-curves", "2");
  await expect(chart.locator(".scatterlayer .trace")).toHaveCount(2, { timeout: 20_000 });

  // Export carries both runs.
  const csv = await (await page.request.get("/api/experiments/export?format=csv&name=activation-sweep")).text();
  expect(csv.trim().split("\r\n")).toHaveLength(1 + 40);

  // Delete one.
  page.once("dialog", (dialog) => void dialog.accept());
  await table.getByRole("button", { name: /Delete activation-sweep \(activation=relu/ }).click();
  await expect(table.locator("tbody tr")).toHaveCount(1);
  expect(await runs(page, "activation-sweep")).toHaveLength(1);
});

test("a run cut short by an error is marked interrupted, and one cut short by a restart too", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "shape", `const broken = experiments.start("cut-short", { lr: 1 }); broken.log({ loss: 3 }); throw new Error("diverged");`);
  await runCell(page, "shape");
  await expect.poll(async () => (await runs(page, "cut-short"))[0]?.status, { timeout: 15_000 }).toBe("interrupted");
  const [run] = await runs(page, "cut-short");
  expect(run.points).toEqual([{ step: 0, values: { loss: 3 } }]);

  await typeIntoCell(page, "broadcast", `const open = experiments.start("left-open", {}); open.log({ loss: 1 });`);
  await runCell(page, "broadcast");
  await expect.poll(async () => (await runs(page, "left-open"))[0]?.status, { timeout: 15_000 }).toBe("running");
  // Cells ran, so Restart asks for confirmation first.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: /Restart/ }).click();
  await expect.poll(async () => (await runs(page, "left-open"))[0]?.status, { timeout: 15_000 }).toBe("interrupted");
});

test("<ExperimentCompare> in a lesson overlays the learner's runs and refreshes when a run ends", async ({ page }) => {
  await openLesson(page, "/lessons/activation-functions");
  const compare = page.getByTestId("experiment-compare").filter({ hasText: "activation-sweep" }).filter({ hasText: "loss" }).first();
  await compare.scrollIntoViewIfNeeded();
  await expect(compare).toContainText("No runs yet");
  await typeIntoCell(
    page,
    "experiment-activations",
    `for (const activation of ["relu", "tanh"]) { const run = experiments.start("activation-sweep", { activation }); for (let step = 0; step < 10; step++) run.log({ loss: 1 / (step + 1), accuracy: step / 10 }); run.finish(); }`,
  );
  await runCell(page, "experiment-activations");
  // No reload: the chart picks up the two runs as they end.
  await expect(compare.getByTestId("run-chart")).toHaveAttribute("data-curves", "2", { timeout: 15_000 });
  await expect(compare.locator(".scatterlayer .trace")).toHaveCount(2, { timeout: 20_000 });
  await expect(compare.getByTestId("compare-run-count")).toHaveText("2 configurations · 2 runs");
});
