import { expect, test, type APIRequestContext } from "@playwright/test";

/**
 * Four Run alls of the activation sweep leave twelve runs of three configurations. The lesson's
 * comparison draws one line per configuration (the latest), each in its own colour, labelled
 * and titled by what varies, with the legend under the plot; older repeats on request; "Clear
 * old runs" deletes the repeats on the server. The runs are recorded through the API (what
 * the page's tracker sends) so the test does not wait for twelve trainings.
 */

const LESSON = "activation-functions";
const ACTIVATIONS = ["sigmoid", "tanh", "relu"];
const CODE_HASH = "a".repeat(64);

async function recordRun(request: APIRequestContext, activation: string, round: number, startedAt: number): Promise<void> {
  const id = crypto.randomUUID();
  const body = { id, lessonSlug: LESSON, cellId: "experiment-activations", name: "activation-sweep", params: { activation, lr: 0.1, hidden: 64, batch: 64, steps: 200 }, seed: 0, codeHash: CODE_HASH, engineVersion: "gradbook-0.1.0", startedAt };
  expect((await request.post("/api/experiments/runs", { data: body })).status()).toBe(201);
  const scale = 1 + ACTIVATIONS.indexOf(activation);
  const points = Array.from({ length: 20 }, (_, step) => ({ step, values: { loss: scale / (step + 1) + round * 0.01, accuracy: 1 - 1 / (scale * (step + 2)) } }));
  expect((await request.post(`/api/experiments/runs/${id}/points`, { data: { points } })).status()).toBe(200);
  expect((await request.patch(`/api/experiments/runs/${id}`, { data: { status: "finished", reason: null } })).status()).toBe(200);
}

test("twelve runs of three configurations read as three labelled lines; repeats on request; Clear old runs keeps the latest of each", async ({ page }) => {
  test.setTimeout(120_000);
  expect((await page.request.post("/api/learner")).status()).toBe(201);
  const start = Date.now() - 60 * 60_000;
  for (let round = 0; round < 4; round++) for (const [i, activation] of ACTIVATIONS.entries()) await recordRun(page.request, activation, round, start + (round * 3 + i) * 60_000);

  await page.goto(`/lessons/${LESSON}#experiment-activations`);
  const compare = page.getByTestId("experiment-compare").filter({ hasText: "— loss" }).filter({ hasText: "activation-sweep" });
  await compare.scrollIntoViewIfNeeded();
  const count = compare.getByTestId("compare-run-count");
  await expect(count).toHaveAttribute("data-configurations", "3");
  await expect(count).toHaveAttribute("data-runs", "12");
  await expect(count).toContainText("9 older repeats hidden");

  const chart = compare.getByTestId("run-chart");
  await expect(chart).toHaveAttribute("data-curves", "3");
  await expect(chart.locator(".scatterlayer .trace")).toHaveCount(3, { timeout: 30_000 });
  // Titled by what varies; each line labelled by its activation, in a colour of its own.
  await expect(chart.locator(".gtitle")).toHaveText("loss by activation");
  const legend = chart.getByTestId("run-legend").locator("li");
  await expect(legend).toHaveText(["activation=sigmoid", "activation=tanh", "activation=relu"]);
  const colours = await legend.evaluateAll((items) => items.map((item) => item.getAttribute("data-color")));
  expect(new Set(colours).size).toBe(3);
  const strokes = await chart.locator(".scatterlayer .trace path.js-line").evaluateAll((paths) => paths.map((path) => getComputedStyle(path).stroke));
  expect(new Set(strokes).size).toBe(3);

  // The legend sits below the plot, and the plot keeps the figure's full width.
  const plot = (await chart.getByTestId("plotly-chart").boundingBox())!;
  const figure = (await chart.boundingBox())!;
  const legendBox = (await chart.getByTestId("run-legend").boundingBox())!;
  expect(legendBox.y).toBeGreaterThanOrEqual(plot.y + plot.height - 1);
  expect(plot.width).toBeGreaterThanOrEqual(figure.width - 2);
  const plotArea = (await chart.locator(".nsewdrag").first().boundingBox())!;
  expect(plotArea.width).toBeGreaterThan(plot.width * 0.75);

  // Older repeats on request: twelve lines, the older ones dotted, three legend entries.
  await compare.getByLabel("Show older repeats").check();
  await expect(chart).toHaveAttribute("data-curves", "12");
  await expect(chart.locator(".scatterlayer .trace")).toHaveCount(12, { timeout: 30_000 });
  await expect(legend).toHaveCount(3);
  await expect(legend.first()).toContainText("+3 older");

  // Clear old runs: the server keeps the latest run of each configuration; every chart reloads.
  page.once("dialog", (dialog) => void dialog.accept());
  await compare.getByRole("button", { name: "Clear old runs" }).click();
  await expect(count).toHaveAttribute("data-runs", "3");
  await expect(compare.getByRole("button", { name: "Clear old runs" })).toHaveCount(0);
  const accuracy = page.getByTestId("experiment-compare").filter({ hasText: "— accuracy" }).filter({ hasText: "activation-sweep" });
  await expect(accuracy.getByTestId("compare-run-count")).toHaveAttribute("data-runs", "3");
  const left = (await (await page.request.get(`/api/experiments/runs?lesson=${LESSON}&name=activation-sweep`)).json()).runs as { startedAt: string }[];
  expect(left).toHaveLength(3);
  // The three kept are the last round's.
  expect(Math.min(...left.map((run) => Date.parse(run.startedAt)))).toBe(start + 9 * 60_000);
});
