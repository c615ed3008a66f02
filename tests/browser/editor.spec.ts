import { expect, test } from "@playwright/test";
import { cell, openLesson, TENSORS_LESSON, typeIntoCell } from "./notebook";

test("the editor knows the engine's types and the names other cells define", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const fromFirst = torch.zeros(2, 3)");
  await typeIntoCell(page, "shape", "fromFirst.sum(); notDefinedAnywhere");

  // A real mistake is flagged, which shows diagnostics are running...
  const shapeEditor = cell(page, "shape").locator(".monaco-editor");
  await expect(shapeEditor.locator(".squiggly-error")).toHaveCount(1, { timeout: 30_000 });
  // ...and the name from the first cell is not: the only error is the undefined name.
  const markers = () =>
    page.evaluate(() => {
      const monaco = (window as unknown as { monaco: { editor: { getModelMarkers(filter: object): { message: string; resource: { path: string } }[] } } }).monaco;
      return monaco.editor.getModelMarkers({}).filter((m) => m.resource.path === "/cells/shape.ts").map((m) => m.message);
    });
  await expect.poll(markers, { timeout: 20_000 }).toEqual(["Cannot find name 'notDefinedAnywhere'."]);

  // Completion offers the engine's API.
  await typeIntoCell(page, "broadcast", "torch.zeros_l");
  await page.keyboard.press("Control+Space");
  await expect(page.locator(".suggest-widget .monaco-list-row").first()).toContainText("zeros_like", { timeout: 15_000 });
});

test("Monaco is first requested only after the kernel is ready (the page is usable without it)", async ({ page }) => {
  // When the kernel status first read "idle", on the page's clock (performance.now()).
  await page.addInitScript(() => {
    const watch = new MutationObserver(() => {
      if (document.querySelector('[data-testid="kernel-status"]')?.textContent !== "idle") return;
      (window as unknown as { kernelIdleAt: number }).kernelIdleAt = performance.now();
      watch.disconnect();
    });
    watch.observe(document, { subtree: true, childList: true, characterData: true });
  });
  await openLesson(page, TENSORS_LESSON);
  const { idleAt, monacoRequestedAt } = await page.evaluate(() => ({
    idleAt: (window as unknown as { kernelIdleAt?: number }).kernelIdleAt ?? NaN,
    monacoRequestedAt: Math.min(
      ...performance
        .getEntriesByType("resource")
        .filter((entry) => new URL(entry.name).pathname.startsWith("/vendor/monaco/"))
        .map((entry) => entry.startTime),
    ),
  }));
  expect(Number.isFinite(idleAt), "the kernel status was seen turning idle").toBe(true);
  expect(Number.isFinite(monacoRequestedAt), "Monaco was requested").toBe(true);
  expect(monacoRequestedAt).toBeGreaterThan(idleAt);
});

test("before the kernel is ready, each editor shows its code in a labelled text area; Enter on a cell loads Monaco at once, which keeps what was typed and the caret", async ({ page }) => {
  // Hold the kernel at "starting": its worker's script (Turbopack's worker bootstrap) waits until released.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/chunks/turbopack-worker-*", async (route) => {
    await held;
    await route.continue();
  });
  const monacoRequests: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/vendor/monaco/")) monacoRequests.push(request.url());
  });
  await page.goto(TENSORS_LESSON, { waitUntil: "load" });
  const shape = cell(page, "shape");
  const standIn = shape.getByRole("textbox", { name: "Code of cell shape" });
  await expect(standIn).toHaveValue('console.log("shape:", x.shape);\nx.T');
  // Hydrated (Run is enabled once the page has its kernel client), with the kernel still starting.
  await expect(shape.getByRole("button", { name: "Run cell" })).toBeEnabled();
  await expect(page.getByTestId("kernel-status")).toHaveText("starting");
  expect(monacoRequests, "Monaco is not requested while the kernel starts and no editor was used").toEqual([]);

  // Command mode's Enter edits the cell: its stand-in takes the keys until Monaco has loaded.
  await shape.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.type("// typed early");
  await expect(shape.locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  expect(monacoRequests.length).toBeGreaterThan(0);
  await expect.poll(() => shape.evaluate((section) => Boolean(document.activeElement?.closest(".monaco-editor") && section.contains(document.activeElement)))).toBe(true);
  await page.keyboard.type("!");
  await expect(shape.locator(".view-lines")).toContainText("// typed early!console.log");
  // Every editor got Monaco, and none waited for the kernel, which is still starting.
  await expect(cell(page, "make").locator(".monaco-editor")).toBeVisible();
  await expect(page.locator(".cell-editor-fallback")).toHaveCount(0);
  await expect(page.getByTestId("kernel-status")).toHaveText("starting");
  release();
  await expect(page.getByTestId("kernel-status")).toHaveText("idle", { timeout: 30_000 });
  await expect(shape.locator(".view-lines")).toContainText("// typed early!console.log");
});
