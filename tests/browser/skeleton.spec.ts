import { expect, test } from "@playwright/test";
import { cell, editorText, openLesson, runCell, TENSORS_LESSON, typeIntoCell } from "./notebook";

test("the home page lists the modules and the tensors lesson", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Deep Learning Foundations");
  await expect(page.getByRole("link", { name: "A first look at tensors" })).toHaveAttribute("href", TENSORS_LESSON);
  await expect(page.getByText("Neural-network basics")).toBeVisible();
});

test("a lesson renders its math with KaTeX", async ({ page }) => {
  await page.goto(TENSORS_LESSON);
  await expect(page.locator(".katex").first()).toBeVisible();
  // KaTeX's fonts come from our origin: the glyphs must have loaded, not fallen back.
  const fontsOk = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].some((font) => font.family.includes("KaTeX") && font.status === "loaded");
  });
  expect(fontsOk).toBe(true);
});

test("typing into a cell and running it shows its output; the next cell sees its names", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "const x = 2");
  const first = await runCell(page, "make");
  await expect(cell(page, "make").getByTestId("execution-count")).toHaveText("[1]");
  await expect(first).toHaveCount(0);

  await typeIntoCell(page, "shape", "console.log('twice'); x * 3");
  const second = await runCell(page, "shape");
  await expect(second).toContainText("twice");
  await expect(second.locator(".output-result")).toHaveText("6");
});

test("Shift+Enter runs the cell", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "make", "40 + 2");
  await page.keyboard.press("Shift+Enter");
  await expect(cell(page, "make").locator(".output-result")).toHaveText("42");
});

test("an error shows its name, message and the line in the cell", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await typeIntoCell(page, "broadcast", "const fine = 1\nnope.call()");
  const output = await runCell(page, "broadcast");
  await expect(output.locator(".output-error")).toContainText("ReferenceError: nope is not defined");
  await expect(output.locator(".output-error-line")).toHaveText("Line 2 of this cell");
});

test("an edited cell comes back after a reload", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  const marker = `const remembered = ${Date.now()}`;
  const saved = page.waitForResponse((r) => r.url().includes("/cells/grad") && r.request().method() === "PUT" && r.ok());
  await typeIntoCell(page, "grad", marker);
  await saved;
  await page.reload();
  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => editorText(page, "grad")).toContain(marker);
});

test("no request from the page or its workers leaves the origin", async ({ page, context, baseURL }) => {
  const foreign: string[] = [];
  const origin = new URL(baseURL!).origin;
  context.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) foreign.push(url);
  });
  await openLesson(page, TENSORS_LESSON);
  await runCell(page, "make");
  await page.goto("/");
  expect(foreign).toEqual([]);
});
