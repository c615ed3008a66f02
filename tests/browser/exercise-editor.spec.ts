import { expect, test, type Page } from "@playwright/test";
import { openLesson, TENSORS_LESSON } from "./notebook";

type Model = { uri: { toString(): string; path: string }; getValue(): string; setValue(value: string): void; getPositionAt(offset: number): { lineNumber: number; column: number } };
type MonacoWindow = {
  monaco: {
    editor: {
      getModelMarkers(filter: object): { message: string; severity: number; resource: { path: string } }[];
      getModels(): Model[];
      getEditors(): { getModel(): Model | null; getDomNode(): HTMLElement | null; revealPosition(position: object): void; getScrolledVisiblePosition(position: object): { left: number; top: number; height: number } | null }[];
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

/**
 * Moves the mouse onto the first `word` (after `after`) in the editor of model `modelPath`, as a
 * learner would to hover it, and returns the hover's text once Monaco shows it.
 */
async function hoverText(page: Page, modelPath: string, word: string, after = ""): Promise<string> {
  await page.mouse.move(0, 0);
  const point = await page.evaluate(
    ({ modelPath, word, after }) => {
      const editor = (window as unknown as MonacoWindow).monaco.editor.getEditors().find((e) => e.getModel()?.uri.path === modelPath);
      const model = editor?.getModel();
      if (!editor || !model) return null;
      const offset = model.getValue().indexOf(word, model.getValue().indexOf(after) + after.length);
      const start = model.getPositionAt(offset);
      editor.getDomNode()?.scrollIntoView({ block: "center" });
      editor.revealPosition(start);
      const at = editor.getScrolledVisiblePosition({ lineNumber: start.lineNumber, column: start.column + Math.floor(word.length / 2) });
      const box = editor.getDomNode()?.getBoundingClientRect();
      return at && box ? { x: box.left + at.left + 2, y: box.top + at.top + at.height / 2 } : null;
    },
    { modelPath, word, after },
  );
  expect(point, `${word} in ${modelPath}`).not.toBeNull();
  const hover = page.locator(".monaco-hover:not(.hidden)").filter({ hasText: word }).first();
  // The first hover waits for the TypeScript worker to read the engine's declarations (~940 KB).
  // The page fetches them while Monaco loads and starts the worker with them, warmed up
  // (monaco-setup.ts); under CI's parallel browsers the wait can still be several seconds, and a
  // learner who sees nothing moves away and back, and so does this.
  await expect(async () => {
    await page.mouse.move(0, 0);
    await page.mouse.move(point!.x, point!.y, { steps: 4 });
    await expect(hover).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 30_000 });
  await expect(hover).not.toContainText("Loading");
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
  const starter = await page.evaluate(() => (window as unknown as MonacoWindow).monaco.editor.getModels().find((m) => m.uri.path === "/exercises/row-means.ts")?.getValue() ?? "");
  expect(starter).toContain("function row_means(t: Tensor): Tensor");
  const editor = exercise.locator(".monaco-editor");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("\nconst wrong: number = notDefinedAnywhere + x.sum();");
  await expect.poll(() => errorMarkers(page, "/exercises/"), { timeout: 30_000 }).toEqual(["/exercises/row-means.ts: Cannot find name 'notDefinedAnywhere'."]);
  // Back to the starter exactly: no marker at all.
  await page.evaluate((text) => (window as unknown as MonacoWindow).monaco.editor.getModels().find((m) => m.uri.path === "/exercises/row-means.ts")?.setValue(text), starter);
  await expect.poll(() => errorMarkers(page, "/exercises/"), { timeout: 30_000 }).toEqual([]);
  await expect(exercise.locator(".squiggly-error")).toHaveCount(0);
  await expect(exercise.locator(".view-lines")).toContainText("function row_means(t: Tensor): Tensor");
});

test("hovering an engine name shows its documentation, never an internal file:/// path", async ({ page }) => {
  test.setTimeout(90_000); // the first hover may wait up to 30 s for the TypeScript worker (hoverText)
  await openLesson(page, TENSORS_LESSON);
  await expect(page.getByTestId("exercise-row-means").locator(".monaco-editor")).toBeVisible();

  const tensorType = await hoverText(page, "/exercises/row-means.ts", "Tensor");
  expect(tensorType).toContain("Tensor");
  const factory = await hoverText(page, "/cells/make.ts", "tensor", "torch.");
  // torch.tensor's signature and its doc comment from lib/tensor reach the hover.
  expect(factory).toMatch(/tensor\(/);
  expect(factory.length).toBeGreaterThan(60);
  const engine = await hoverText(page, "/cells/make.ts", "torch");
  expect(engine).toContain("torch");
  for (const text of [tensorType, factory, engine]) {
    expect(text).not.toContain("file:///");
    expect(text).not.toContain("gradbook/lib");
  }
});
