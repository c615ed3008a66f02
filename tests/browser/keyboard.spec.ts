import { expect, test, type Page } from "@playwright/test";
import { SHORTCUTS } from "../../app/_components/notebook/command-mode";
import { cell, openLesson, runCell, TENSORS_LESSON } from "./notebook";

/** What has the focus: a cell itself ("cell:<id>"), an editor inside one ("editor:<id>"), or something else. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    if (!active) return "none";
    if (active.matches("section.cell")) return `cell:${active.dataset.ownCell ? `own-${active.dataset.ownCell}` : active.dataset.cellId}`;
    const section = active.closest<HTMLElement>("section.cell");
    if (section && active.closest(".monaco-editor, textarea")) return `editor:${section.dataset.ownCell ? `own-${section.dataset.ownCell}` : section.dataset.cellId}`;
    if (active.closest("dialog")) return `dialog:${active.textContent ?? ""}`;
    return `${active.tagName.toLowerCase()}:${active.getAttribute("aria-label") ?? active.textContent ?? ""}`;
  });
}

async function cellOrder(page: Page): Promise<string[]> {
  return page.locator("section.cell").evaluateAll((sections) => sections.map((s) => ((s as HTMLElement).dataset.ownCell ? `own-${(s as HTMLElement).dataset.ownCell}` : ((s as HTMLElement).dataset.cellId ?? "?"))));
}

test("Esc leaves the editor for command mode; arrows, J/K and Enter move between cells and back into editors; Tab is no longer trapped", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await cell(page, "make").locator(".monaco-editor").click();
  await expect.poll(() => focused(page)).toBe("editor:make");
  await page.keyboard.press("Escape");
  await expect.poll(() => focused(page)).toBe("cell:make");
  // Tab now moves on to the cell's buttons, out of the editor.
  await page.keyboard.press("Tab");
  await expect.poll(() => focused(page)).toBe("button:Run cell");
  await page.keyboard.press("Shift+Tab");
  await expect.poll(() => focused(page)).toBe("cell:make");

  await page.keyboard.press("j");
  await expect.poll(() => focused(page)).toBe("cell:shape");
  await page.keyboard.press("ArrowDown");
  await expect.poll(() => focused(page)).toBe("cell:broadcast");
  await page.keyboard.press("k");
  await expect.poll(() => focused(page)).toBe("cell:shape");
  await page.keyboard.press("ArrowUp");
  await expect.poll(() => focused(page)).toBe("cell:make");
  await page.keyboard.press("Enter");
  await expect.poll(() => focused(page)).toBe("editor:make");
  // Typing lands in the editor, not in command mode (J types a "j").
  await page.keyboard.press("End");
  await page.keyboard.type(" // jk");
  await expect(cell(page, "make").locator(".view-lines")).toContainText("jk");
  await page.keyboard.press("Escape");
  await expect.poll(() => focused(page)).toBe("cell:make");

  // Shift+Enter in command mode runs the cell and selects the next one.
  await page.keyboard.press("Shift+Enter");
  await expect(cell(page, "make").getByTestId("execution-count")).toHaveText(/\[\d+\]/);
  await expect.poll(() => focused(page)).toBe("cell:shape");
});

test("A/B insert own cells, M makes a note, Enter/Esc edit it, D D deletes (Z and Undo restore); lesson cells cannot be deleted", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await cell(page, "shape").locator(".monaco-editor").click();
  await page.keyboard.press("Escape");
  await expect.poll(() => focused(page)).toBe("cell:shape");

  await page.keyboard.press("b");
  await expect.poll(() => cellOrder(page)).toEqual(["make", "shape", "own-code", "broadcast", "grad"]);
  await expect.poll(() => focused(page)).toBe("cell:own-code");
  await page.keyboard.press("m");
  await expect.poll(() => cellOrder(page)).toEqual(["make", "shape", "own-note", "broadcast", "grad"]);
  await expect.poll(() => focused(page)).toBe("cell:own-note");
  await page.keyboard.press("Enter");
  await expect.poll(() => focused(page)).toBe("editor:own-note");
  await page.keyboard.type("Hello *world*");
  await page.keyboard.press("Escape");
  await expect(page.locator('section.cell[data-own-cell="note"] em')).toHaveText("world");
  await expect.poll(() => focused(page)).toBe("cell:own-note");

  // A on a lesson cell inserts above it.
  await page.keyboard.press("k");
  await expect.poll(() => focused(page)).toBe("cell:shape");
  await page.keyboard.press("a");
  await expect.poll(() => cellOrder(page)).toEqual(["make", "own-code", "shape", "own-note", "broadcast", "grad"]);
  await expect.poll(() => focused(page)).toBe("cell:own-code");
  await expect(page.locator('section.cell[data-own-cell="code"] .monaco-editor')).toBeVisible();
  await page.keyboard.press("Enter");
  await expect.poll(() => focused(page), { timeout: 20_000 }).toBe("editor:own-code");
  await page.keyboard.type("const typedByKeyboard = 3");
  await page.keyboard.press("Escape");

  // Two D's too far apart delete nothing; D D deletes the own cell; Z brings it back.
  await expect.poll(() => focused(page)).toBe("cell:own-code");
  await page.keyboard.press("d");
  await page.waitForTimeout(900);
  await page.keyboard.press("d");
  expect(await cellOrder(page)).toEqual(["make", "own-code", "shape", "own-note", "broadcast", "grad"]);
  await page.waitForTimeout(900);
  // Two presses within 600 ms of each other, as a learner's D D is. A loaded machine can hold a key
  // event long enough to part them; the learner then presses D D again, and so does this.
  await expect(async () => {
    await page.keyboard.press("d");
    await page.keyboard.press("d");
    // Given time to render, so a pair that did delete is not pressed again.
    await expect.poll(() => cellOrder(page), { timeout: 3_000 }).toEqual(["make", "shape", "own-note", "broadcast", "grad"]);
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId("learner-cell-toast")).toContainText("deleted");
  await page.keyboard.press("z");
  await expect.poll(() => cellOrder(page)).toEqual(["make", "own-code", "shape", "own-note", "broadcast", "grad"]);
  await expect(page.locator('section.cell[data-own-cell="code"] .view-lines')).toContainText("typedByKeyboard");

  // D D on a lesson cell deletes nothing and says why.
  await cell(page, "make").focus();
  await page.keyboard.press("d");
  await page.keyboard.press("d");
  await expect(page.getByTestId("learner-cell-toast")).toContainText("only your own cells can be deleted");
  expect(await cellOrder(page)).toEqual(["make", "own-code", "shape", "own-note", "broadcast", "grad"]);
});

test("? opens an accessible shortcuts dialog listing every shortcut: focus stays inside, Esc closes and returns focus", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await cell(page, "make").focus();
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeVisible();
  await expect(dialog.locator("tbody tr")).toHaveCount(SHORTCUTS.length);
  for (const shortcut of SHORTCUTS) await expect(dialog.getByText(shortcut.action, { exact: true }).first()).toBeVisible();
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press(i % 2 ? "Shift+Tab" : "Tab");
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest("dialog")))).toBe(true);
  }
  // Command keys do nothing while the dialog is open.
  await page.keyboard.press("b");
  expect(await page.locator("section.cell[data-own-cell]").count()).toBe(0);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect.poll(() => focused(page)).toBe("cell:make");
  // Also from the toolbar, by keyboard.
  await page.getByRole("button", { name: "Shortcuts" }).focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
});

test("Restart kernel asks for confirmation only once cells have run", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.getByRole("button", { name: "Restart kernel" }).click();
  await expect(page.getByTestId("kernel-status")).toHaveText("idle", { timeout: 30_000 });
  expect(dialogs).toEqual([]);

  await runCell(page, "make");
  await page.getByRole("button", { name: "Restart kernel" }).click();
  await expect.poll(() => dialogs.length).toBe(1);
  expect(dialogs[0]).toMatch(/Restart the kernel\?/);
  // Dismissed: the kernel kept its names (x from make).
  const output = await runCell(page, "shape");
  await expect(output).toContainText("shape:");
  await expect(output.locator(".output-error")).toHaveCount(0);
});
