import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { expectLessonAccessible } from "./axe";
import { expectSmallValidExport } from "./export";
import { cell, openLesson } from "./notebook";

const LESSON = "/lessons/activation-functions";

// The lesson's Leaky ReLU Submit is tested in grading.spec.ts, with every other test that uses the server's grader.

/** The cell ids of the lesson, read from the MDX so the test follows the lesson as it grows. */
const CELL_IDS = [...readFileSync(path.join(process.cwd(), "lessons/activation-functions.mdx"), "utf8").matchAll(/^```ts cell id=([\w-]+)/gm)].map((m) => m[1]);

test("Run all runs every cell of the lesson in order without an error, and the run lesson exports a small, valid notebook", async ({ page }) => {
  // As course-lessons.spec.ts allows each lesson's Run all: at load 23 on two cores this one took over 6 minutes.
  test.setTimeout(600_000);
  await openLesson(page, LESSON);
  const cells = page.locator("section.cell");
  await expect(cells).toHaveCount(CELL_IDS.length);
  expect(await cells.evaluateAll((sections) => sections.map((s) => s.getAttribute("data-cell-id")))).toEqual(CELL_IDS);

  await page.getByRole("toolbar", { name: "Notebook" }).getByRole("button", { name: "Run all", exact: true }).click();
  // Every cell gets an execution count, in document order: 1, 2, 3, ...
  const lastCell = cell(page, CELL_IDS[CELL_IDS.length - 1]);
  await expect(lastCell.getByTestId("execution-count")).toHaveText(`[${CELL_IDS.length}]`, { timeout: 480_000 });
  await expect(page.getByTestId("kernel-status")).toHaveText("idle");
  const counts = await page.locator('section.cell [data-testid="execution-count"]').allInnerTexts();
  expect(counts).toEqual(CELL_IDS.map((_, i) => `[${i + 1}]`));

  await expect(page.locator(".output-error")).toHaveCount(0);
  // A few outputs that show the cells did their work, not just that they ended.
  await expect(cell(page, "linear-collapse").getByTestId("cell-output")).toContainText("same function? true");
  await expect(cell(page, "softmax").getByTestId("cell-output")).toContainText("each row sums to: tensor([1., 1., 1.])");
  await expect(cell(page, "save-load").getByTestId("cell-output")).toContainText("loading before registering fails");
  await expect(cell(page, "sigmoid").getByTestId("plotly-chart")).toBeVisible({ timeout: 30_000 });
  // The learner's names, not the minifier's.
  await expect(cell(page, "pipeline-view").getByTestId("cell-output")).toContainText("steps: hidden (Linear) → activation (ReLU) → output (Linear)");
  // Issue 11: the fully run lesson has no serious or critical axe violation, and exports a small, valid notebook.
  await expectLessonAccessible(page, "activation-functions");
  await expectSmallValidExport(page);
});

test("the activation experiment records three runs and the comparison chart overlays three curves", async ({ page }) => {
  test.setTimeout(180_000);
  await openLesson(page, LESSON);
  // The experiment needs the MNIST digits (keras-example) and accuracyOn (dead-relu-helpers).
  for (const id of ["dead-relu-helpers", "keras-example", "experiment-activations"]) {
    await cell(page, id).getByRole("button", { name: "Run cell" }).click();
    await expect(cell(page, id).getByTestId("cell-state")).toHaveText("done", { timeout: 120_000 });
    await expect(cell(page, id).locator(".output-error")).toHaveCount(0);
  }
  await expect(cell(page, "experiment-activations").getByTestId("cell-output")).toContainText("Same network, three hidden activations");

  const compare = page.getByRole("region", { name: "Compare runs: activation-sweep" }).first();
  const chart = compare.getByTestId("run-chart");
  await expect(chart).toHaveAttribute("data-curves", "3", { timeout: 30_000 });
  await expect(chart.locator(".scatterlayer .trace")).toHaveCount(3, { timeout: 30_000 });
  // The chart is a figure (role=img would make Plotly's mode-bar buttons nested-interactive for axe).
  const legend = chart.locator('[role="figure"]');
  for (const activation of ["sigmoid", "tanh", "relu"]) await expect(legend).toHaveAttribute("aria-label", new RegExp(`activation[^,]*${activation}`));
});
