import { expect, test, type Page } from "@playwright/test";
import { openLesson, TENSORS_LESSON } from "./notebook";

/** What has the keyboard focus, as a learner would name it. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active || active === document.body) return "nothing";
    if (active.matches("section.cell")) return `cell:${active.dataset.cellId}`;
    if (active.closest(".monaco-editor")) return `editor:${active.closest<HTMLElement>("section.cell")?.dataset.cellId}`;
    if (active.id) return `#${active.id}`;
    return `${active.tagName.toLowerCase()}:${active.textContent?.trim()}`;
  });
}

/** Whether any part of the element is inside the window: a skip link is out of sight until focused. */
async function onScreen(page: Page, text: string): Promise<boolean> {
  const box = await page.getByRole("link", { name: text }).boundingBox();
  return box !== null && box.y + box.height > 0 && box.x + box.width > 0;
}

test("every page starts with a Skip to content link, shown when the keyboard reaches it; Enter moves on to the content", async ({ page }) => {
  for (const where of ["/", "/signin", "/experiments", TENSORS_LESSON]) {
    await page.goto(where);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await onScreen(page, "Skip to content"), where).toBe(false);
    await page.keyboard.press("Tab");
    await expect.poll(() => focused(page), { message: where }).toBe("a:Skip to content");
    expect(await onScreen(page, "Skip to content"), where).toBe(true);
    await page.keyboard.press("Enter");
    await expect.poll(() => focused(page), { message: where }).toBe("#content");
    // The next Tab goes on inside the content, past the header's links.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest("main")))).toBe(true);
  }
});

test("on a lesson, Tab Tab Enter reaches the first cell in command mode, and Enter edits it: keyboard only", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect.poll(() => focused(page)).toBe("a:Skip to the first cell");
  expect(await onScreen(page, "Skip to the first cell")).toBe(true);
  await page.keyboard.press("Enter");
  await expect.poll(() => focused(page)).toBe("cell:make");
  await expect(page.locator('section.cell[data-cell-id="make"]')).toBeInViewport();
  // Command mode: Enter edits the cell, and what is typed goes into it.
  await page.keyboard.press("Enter");
  await expect.poll(() => focused(page)).toBe("editor:make");
  await page.keyboard.press("End");
  await page.keyboard.type(" // reached by keyboard");
  await expect(page.locator('section.cell[data-cell-id="make"] .view-lines')).toContainText("reached by keyboard");
  // Only lessons have cells to skip to.
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Skip to the first cell" })).toHaveCount(0);
});
