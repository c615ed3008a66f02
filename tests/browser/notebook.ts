import { expect, type Locator, type Page } from "@playwright/test";

export const TENSORS_LESSON = "/lessons/first-look-at-tensors";

export function cell(page: Page, id: string): Locator {
  return page.locator(`section.cell[data-cell-id="${id}"]`);
}

/**
 * Waits until Monaco has replaced the static fallback and the kernel has started. Each wait allows
 * a minute: CI runs the browsers beside other work on two cores, where a kernel start took 20 s+.
 */
export async function openLesson(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId("kernel-status")).toHaveText("idle", { timeout: 60_000 });
  await expect(page.locator(".monaco-editor").first()).toBeVisible({ timeout: 60_000 });
}

/** Replaces a cell's code by typing into Monaco, as a learner would. */
export async function typeIntoCell(page: Page, id: string, code: string): Promise<void> {
  const editor = cell(page, id).locator(".monaco-editor");
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(code);
  await expect.poll(() => editorText(page, id)).toContain(code.split("\n")[0]);
}

/** The text Monaco shows for a cell (Monaco renders spaces as no-break spaces). */
export async function editorText(page: Page, id: string): Promise<string> {
  const text = await cell(page, id).locator(".view-lines").innerText();
  return text.replace(/\u00a0/g, " ");
}

export async function runCell(page: Page, id: string): Promise<Locator> {
  const target = cell(page, id);
  await target.getByRole("button", { name: "Run cell" }).click();
  await expect(target.getByTestId("execution-count")).toHaveText(/\[\d+\]/);
  return target.getByTestId("cell-output");
}
