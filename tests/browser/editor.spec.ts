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
