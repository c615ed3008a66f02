import Ajv from "ajv";
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { cell, openLesson, runCell, TENSORS_LESSON, typeIntoCell } from "./notebook";
import { nbformatSchema } from "../nbformat-v4.5-schema";

test("the page is cross-origin isolated, so interrupts keep the kernel", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
});

test("Interrupt stops a runaway loop and keeps names defined earlier", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const keep = 7");
  await runCell(page, "make");
  await typeIntoCell(page, "shape", "while (true) {}");
  await cell(page, "shape").getByRole("button", { name: "Run cell" }).click();
  await expect(cell(page, "shape").getByTestId("cell-state")).toHaveText("running");
  await page.getByRole("button", { name: "Interrupt" }).click();
  await expect(cell(page, "shape").locator(".output-error")).toContainText("KeyboardInterrupt");
  await typeIntoCell(page, "broadcast", "keep * 6");
  const output = await runCell(page, "broadcast");
  await expect(output.locator(".output-result")).toHaveText("42");
});

test("I, I outside the editor interrupts too", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "while (true) {}");
  await cell(page, "make").getByRole("button", { name: "Run cell" }).click();
  await expect(cell(page, "make").getByTestId("cell-state")).toHaveText("running");
  await page.locator("h1").click();
  await page.keyboard.press("i");
  await page.keyboard.press("i");
  await expect(cell(page, "make").locator(".output-error")).toContainText("KeyboardInterrupt");
});

test("a print appears while its cell is still running", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  // Three steps of 3 s each: the print of the first is shown with 6 s of the run still to go, time
  // enough for a loaded machine's page to render it (and the state) before the cell ends.
  await typeIntoCell(page, "make", "for (let i = 0; i < 3; i++) { console.log('step ' + i); const t = Date.now(); while (Date.now() - t < 3000) {} }");
  await cell(page, "make").getByRole("button", { name: "Run cell" }).click();
  await expect(cell(page, "make").getByTestId("cell-output")).toContainText("step 0");
  await expect(cell(page, "make").getByTestId("cell-state")).toHaveText("running");
  await expect(cell(page, "make").getByTestId("cell-state")).toHaveText("done", { timeout: 30_000 });
  await expect(cell(page, "make").getByTestId("cell-output")).toContainText("step 2");
});

test("Run all runs every cell in order", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await page.getByRole("button", { name: "Run all", exact: true }).click();
  const cells = page.locator("section.cell");
  const total = await cells.count();
  await expect(cells.last().getByTestId("execution-count")).toHaveText(`[${total}]`, { timeout: 30_000 });
  for (let i = 0; i < total; i++) await expect(cells.nth(i).getByTestId("execution-count")).toHaveText(`[${i + 1}]`);
  await expect(page.locator(".output-error")).toHaveCount(0);
  await expect(cell(page, "grad").locator(".output-result")).toContainText("tensor([ 2., -4.,  6.])");
});

test("Restart kernel forgets names and says so", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const gone = 1");
  await runCell(page, "make");
  // A cell ran, so Restart asks first (keyboard.spec.ts tests the question itself).
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Restart kernel" }).click();
  await expect(page.getByTestId("kernel-notice")).toContainText("Kernel restarted");
  await expect(page.getByTestId("kernel-status")).toHaveText("idle");
  await typeIntoCell(page, "shape", "gone");
  const output = await runCell(page, "shape");
  await expect(output.locator(".output-error")).toContainText("ReferenceError: gone is not defined");
  await expect(cell(page, "shape").getByTestId("execution-count")).toHaveText("[1]");
});

test("a kernel whose script cannot load is retried after growing waits, says so, and starts on Restart once it loads", async ({ page }) => {
  // The kernel worker's scripts are refused, as with a dropped connection or a deploy that replaced them.
  let refused = 0;
  let refusing = true;
  await page.route("**/*worker*", (route) => {
    if (!refusing) return route.continue();
    refused++;
    return route.abort();
  });
  await page.goto(TENSORS_LESSON);
  await expect(page.getByTestId("kernel-notice")).toContainText(/could not start\. Trying again in \d+ s/);
  await expect(page.getByTestId("kernel-status")).toHaveText("dead");
  // Waits of 1 and 2 s: a few attempts in 4 s, where restarting at once made a hundred a second.
  await expect.poll(() => refused, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  const soFar = refused;
  await page.waitForTimeout(1_000);
  expect(refused).toBeLessThanOrEqual(soFar + 1);
  refusing = false;
  await page.getByRole("button", { name: "Restart kernel" }).click();
  await expect(page.getByTestId("kernel-status")).toHaveText("idle", { timeout: 60_000 });
});

test("a chart renders with Plotly from our own origin", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "plot.line({ y: [1, 3, 2], name: 'loss' }, { title: 'demo' })");
  await runCell(page, "make");
  await expect(cell(page, "make").locator(".plotly-chart .main-svg").first()).toBeVisible();
  await expect(cell(page, "make").locator(".plotly-chart")).toContainText("demo");
});

test("a progress bar updates in place", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const bar = progress(5, { label: 'epochs' }); for (let i = 1; i <= 5; i++) { bar.update(i); await sleep(200) } bar.close()");
  await cell(page, "make").getByRole("button", { name: "Run cell" }).click();
  const bars = cell(page, "make").getByTestId("progress-output");
  await expect(bars).toHaveCount(1);
  await expect(bars).toContainText("100%");
  await expect(cell(page, "make").getByTestId("cell-state")).toHaveText("done");
  await expect(bars).toHaveCount(1);
});

test("Export notebook downloads a valid nbformat 4.5 notebook with the learner's code and outputs", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "console.log('exported'); 41 + 1");
  await runCell(page, "make");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export notebook" }).click();
  const file = await (await download).path();
  const notebook = JSON.parse(await readFile(file, "utf8"));
  // strict: false: the official schema has an "item" keyword (a typo of "items") Ajv would refuse.
  const validate = new Ajv({ allErrors: true, strict: false }).compile(nbformatSchema);
  expect(validate(notebook), JSON.stringify(validate.errors)).toBe(true);
  const make = notebook.cells.find((c: { id: string }) => c.id === "make");
  expect(make.source).toContain("41 + 1");
  expect(make.outputs.map((o: { output_type: string }) => o.output_type)).toEqual(["stream", "execute_result"]);
  expect(notebook.cells[0].cell_type).toBe("markdown");
});

test("a cell that exhausts memory gets a clear MemoryError and the kernel keeps working", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const kept = 5");
  await runCell(page, "make");
  await typeIntoCell(page, "shape", "let hog = []; while (true) hog.push(new Float64Array(50_000_000))");
  const output = await runCell(page, "shape");
  await expect(output.locator(".output-error")).toContainText("MemoryError", { timeout: 60_000 });
  await expect(output.locator(".output-error")).toContainText("out of memory");
  await typeIntoCell(page, "broadcast", "hog = null; kept * 2");
  await expect((await runCell(page, "broadcast")).locator(".output-result")).toHaveText("10");
});

test("torchvision in a cell: a transform pipeline over the MNIST test digits, batched by a DataLoader", async ({ page }) => {
  test.setTimeout(120_000);
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(
    page,
    "make",
    [
      "const tf = new transforms.Compose([new transforms.ToTensor(), new transforms.Normalize([0.1307], [0.3081])]);",
      'const test_set = await torchvision.datasets.MNIST("data", { train: false, transform: tf });',
      "const [img, label] = test_set.get(0);",
      "console.log(`n=${test_set.length} img=${img.shape.join('x')} label=${label} min=${img.min().item().toFixed(4)}`);",
      "for (const [xb, yb] of new torch.utils.data.DataLoader(test_set, { batch_size: 64 })) { console.log(`batch=${xb.shape.join('x')} int64=${yb.dtype === torch.int64}`); break; }",
    ].join(" "),
  );
  const output = await runCell(page, "make");
  // The first official MNIST test digit is a 7; a background pixel normalised is (0 - 0.1307) / 0.3081.
  await expect(output).toContainText("n=10000 img=1x28x28 label=7 min=-0.4242", { timeout: 60_000 });
  await expect(output).toContainText("batch=64x1x28x28 int64=true");
});
