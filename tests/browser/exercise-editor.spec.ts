import { expect, test, type Locator, type Page } from "@playwright/test";
import { cell, openLesson, TENSORS_LESSON } from "./notebook";

type MonacoWindow = {
  monaco: {
    editor: {
      getModelMarkers(filter: object): { message: string; severity: number; resource: { path: string } }[];
      getModels(): { uri: { toString(): string } }[];
    };
  };
};

/** Every error marker (severity 8) Monaco holds for the models under `pathPrefix`. */
function errorMarkers(page: Page, pathPrefix: string): Promise<string[]> {
  return page.evaluate(
    (prefix) =>
      (window as unknown as MonacoWindow).monaco.editor
        .getModelMarkers({})
        .filter((m) => m.resource.path.startsWith(prefix) && m.severity === 8)
        .map((m) => `${m.resource.path}: ${m.message}`),
    pathPrefix,
  );
}

/** Hovers the first token of an editor whose text is exactly `word` and returns the hover's text. */
async function hoverText(page: Page, editor: Locator, word: string): Promise<string> {
  const token = editor.locator(".view-line span span", { hasText: new RegExp(`^${word}$`) }).first();
  await token.hover();
  const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content").filter({ hasText: word }).first();
  await expect(hover).toBeVisible({ timeout: 20_000 });
  // The documentation part arrives with the signature; give Monaco a moment to render both.
  await expect(hover).not.toHaveText(/Loading/);
  return (await hover.innerText()).replace(/\u00a0/g, " ");
}

test("an exercise's starter code is TypeScript that sees the lesson's names: no error markers", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  const exercise = page.getByTestId("exercise-row-means");
  await expect(exercise.locator(".monaco-editor")).toBeVisible();
  // The exercise editor has its own TypeScript model beside the cells' models.
  await expect
    .poll(() => page.evaluate(() => (window as unknown as MonacoWindow).monaco.editor.getModels().map((m) => m.uri.toString())), { timeout: 20_000 })
    .toContain("file:///exercises/row-means.ts");
  // Diagnostics run (a real mistake in the same model is flagged), then the starter alone is clean.
  const editor = exercise.locator(".monaco-editor");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("\nconst wrong: number = notDefinedAnywhere + x.sum();");
  await expect.poll(() => errorMarkers(page, "/exercises/"), { timeout: 30_000 }).toEqual(["/exercises/row-means.ts: Cannot find name 'notDefinedAnywhere'."]);
  for (let i = 0; i < 2; i++) await page.keyboard.press("ControlOrMeta+Z");
  await expect.poll(() => errorMarkers(page, "/exercises/"), { timeout: 30_000 }).toEqual([]);
  await expect(exercise.locator(".squiggly-error")).toHaveCount(0);
  await expect(exercise.locator(".view-lines")).toContainText("function row_means(t: Tensor): Tensor");
});

test("hovering an engine name shows its documentation, never an internal file:/// path", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  const exerciseEditor = page.getByTestId("exercise-row-means").locator(".monaco-editor");
  const tensorHover = await hoverText(page, exerciseEditor, "Tensor");
  expect(tensorHover).toContain("Tensor");
  expect(tensorHover).not.toContain("file:///");
  expect(tensorHover).not.toContain("gradbook/lib");

  await page.mouse.move(0, 0);
  const cellEditor = cell(page, "make").locator(".monaco-editor");
  const torchHover = await hoverText(page, cellEditor, "tensor");
  // torch.tensor's doc comment in lib/tensor reaches the hover.
  expect(torchHover).toMatch(/tensor\(/);
  expect(torchHover.length).toBeGreaterThan(40);
  expect(torchHover).not.toContain("file:///");
  expect(torchHover).not.toContain("gradbook/lib");

  await page.mouse.move(0, 0);
  const moduleHover = await hoverText(page, cellEditor, "torch");
  expect(moduleHover).toContain("torch");
  expect(moduleHover).not.toContain("file:///");
  expect(moduleHover).not.toContain("gradbook/lib");
});
