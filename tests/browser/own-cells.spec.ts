import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { cell, openLesson, TENSORS_LESSON } from "./notebook";
import { uniqueName } from "./unique";

const SLUG = "first-look-at-tensors";

function insertBar(page: Page, after: string): Locator {
  return page.locator(`[data-insert-after="${after}"]`);
}

/** The learner's own cells, in page order. */
function ownCells(page: Page): Locator {
  return page.locator("section.cell[data-own-cell]");
}

/** The ids of every cell on the page, lesson and own, in page order ("own" for each own cell). */
async function cellOrder(page: Page): Promise<string[]> {
  return page.locator("section.cell").evaluateAll((sections) => sections.map((s) => ((s as HTMLElement).dataset.ownCell ? `own-${(s as HTMLElement).dataset.ownCell}` : ((s as HTMLElement).dataset.cellId ?? "?"))));
}

async function typeInto(page: Page, target: Locator, text: string): Promise<void> {
  await target.locator(".monaco-editor").click();
  await page.keyboard.type(text);
  await expect.poll(async () => (await target.locator(".view-lines").innerText()).replace(/\u00a0/g, " ")).toContain(text.split("\n")[0]);
}

/** Whether the keyboard focus is in the editor of `target` (Monaco's EditContext or textarea). */
function editorFocused(target: Locator): Promise<boolean> {
  return target.evaluate((section) => Boolean(document.activeElement?.closest(".monaco-editor") && section.contains(document.activeElement)));
}

async function saved(page: Page): Promise<void> {
  await expect(page.getByTestId("save-state")).toHaveText("Saved", { timeout: 15_000 });
}

test("a learner adds code and note cells, runs them with the lesson's, moves, deletes with Undo, keeps them after reload and exports them in place", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await insertBar(page, "make").getByRole("button", { name: "Insert code cell below" }).click();
  const mine = ownCells(page).first();
  await expect(mine).toHaveAttribute("data-own-cell", "code");
  await expect(mine.getByTestId("own-cell-badge")).toHaveText("Your cell");
  // The new cell's editor has the focus: typing goes straight in.
  await expect.poll(() => editorFocused(mine), { timeout: 20_000 }).toBe(true);
  await page.keyboard.type("const mine = x.sum().item() * 2; mine");
  await expect(mine.locator(".view-lines")).toContainText("mine");

  // Run all runs the own cell in its place: after make (x defined), before shape.
  await page.getByRole("button", { name: "Run all", exact: true }).click();
  await expect(cell(page, "grad").getByTestId("execution-count")).toHaveText(/\[\d+\]/, { timeout: 30_000 });
  const count = async (target: Locator) => Number((await target.getByTestId("execution-count").innerText()).replace(/\D/g, ""));
  expect(await count(mine)).toBe((await count(cell(page, "make"))) + 1);
  expect(await count(cell(page, "shape"))).toBe((await count(mine)) + 1);
  await expect(mine.getByTestId("cell-output")).toContainText("42");

  // A note below it: Markdown rendered safely (no raw HTML) once the learner leaves the editor.
  await insertBar(page, await mine.getAttribute("data-cell-id").then(String)).getByRole("button", { name: "Insert note cell below" }).click();
  const note = page.locator('section.cell[data-own-cell="note"]');
  const noteText = note.getByRole("textbox");
  await expect(noteText).toBeFocused();
  await noteText.fill('## My notes\n\n**sum** doubled <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [link](javascript:alert(1))');
  await page.keyboard.press("Escape");
  const rendered = note.getByTestId("note-rendered");
  await expect(rendered.locator("h2")).toHaveText("My notes");
  await expect(rendered.locator("strong")).toHaveText("sum");
  await expect(rendered.locator("img, script, [onerror]")).toHaveCount(0);
  expect(await rendered.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""))).not.toContainEqual(expect.stringMatching(/^javascript:/));
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(note).toBeFocused();

  expect(await cellOrder(page)).toEqual(["make", "own-code", "own-note", "shape", "broadcast", "grad"]);
  await saved(page);

  // Reload: both are back in place (server copy), the code cell with its code.
  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => cellOrder(page), { timeout: 20_000 }).toEqual(["make", "own-code", "own-note", "shape", "broadcast", "grad"]);
  await expect(ownCells(page).first().locator(".view-lines")).toContainText("x.sum().item()");
  await expect(page.locator('section.cell[data-own-cell="note"] h2')).toHaveText("My notes");

  // Move the code cell down twice: past the note, then past the lesson's shape cell.
  const code = page.locator('section.cell[data-own-cell="code"]');
  await code.getByRole("button", { name: "Move your cell down" }).click();
  expect(await cellOrder(page)).toEqual(["make", "own-note", "own-code", "shape", "broadcast", "grad"]);
  await code.getByRole("button", { name: "Move your cell down" }).click();
  expect(await cellOrder(page)).toEqual(["make", "own-note", "shape", "own-code", "broadcast", "grad"]);
  await page.locator('section.cell[data-own-cell="note"]').getByRole("button", { name: "Move your note up" }).click();
  expect(await cellOrder(page)).toEqual(["own-note", "make", "shape", "own-code", "broadcast", "grad"]);

  // Delete, then Undo from the toast.
  await code.getByRole("button", { name: "Delete your cell" }).click();
  expect(await cellOrder(page)).toEqual(["own-note", "make", "shape", "broadcast", "grad"]);
  await page.getByTestId("learner-cell-toast").getByRole("button", { name: "Undo" }).click();
  expect(await cellOrder(page)).toEqual(["own-note", "make", "shape", "own-code", "broadcast", "grad"]);
  await saved(page);

  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => cellOrder(page), { timeout: 20_000 }).toEqual(["own-note", "make", "shape", "own-code", "broadcast", "grad"]);

  // Export: the own cells in their places, marked as the learner's.
  await page.getByRole("button", { name: "Run all", exact: true }).click();
  await expect(cell(page, "grad").getByTestId("execution-count")).toHaveText(/\[\d+\]/, { timeout: 30_000 });
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export notebook" }).click();
  const notebook = JSON.parse(await readFile(String(await (await download).path()), "utf8")) as { cells: { id: string; cell_type: string; source: string; metadata: Record<string, unknown>; outputs?: unknown[] }[] };
  const lessonCells = ["make", "shape", "broadcast", "grad"];
  // Exercises carry gradbook metadata too; the learner's own cells are marked learner_cell.
  const isOwn = (c: { metadata: Record<string, unknown> }) => (c.metadata.gradbook as { learner_cell?: boolean } | undefined)?.learner_cell === true;
  const ids = notebook.cells.filter((c) => lessonCells.includes(c.id) || isOwn(c)).map((c) => (isOwn(c) ? `own-${c.cell_type}` : c.id));
  expect(ids).toEqual(["own-markdown", "make", "shape", "own-code", "broadcast", "grad"]);
  const ownCode = notebook.cells.find((c) => c.cell_type === "code" && isOwn(c));
  expect(ownCode?.source).toContain("const mine = x.sum().item() * 2; mine");
  expect(JSON.stringify(ownCode?.outputs)).toContain("42");
  expect(notebook.cells.find((c) => c.cell_type === "markdown" && isOwn(c))?.source).toContain("## My notes");
});

test("a cell whose lesson cell is gone is kept at the end; another learner sees none of them", async ({ page, browser }) => {
  await openLesson(page, TENSORS_LESSON);
  // As saved by an earlier version of the lesson, whose cell "old-cell" this one followed.
  const put = await page.request.put(`/api/lessons/${SLUG}/learner-cells/own-earlier-version-1`, {
    data: { code: "const fromBefore = 7", version: Date.now(), kind: "code", anchor: "old-cell", position: 0, deleted: false },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(put.status()).toBe(200);
  await openLesson(page, TENSORS_LESSON);
  const orphans = page.getByTestId("orphan-cells");
  await expect(orphans.getByRole("heading")).toHaveText(/from an earlier version/);
  await expect(orphans.locator("section.cell[data-own-cell]")).toHaveCount(1);
  await expect(orphans.locator(".view-lines")).toContainText("fromBefore");
  expect((await cellOrder(page)).at(-1)).toBe("own-code");

  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  await openLesson(other, TENSORS_LESSON);
  await expect(other.getByTestId("kernel-status")).toHaveText("idle");
  await expect(other.locator("section.cell[data-own-cell]")).toHaveCount(0);
  await expect(other.getByTestId("orphan-cells")).toHaveCount(0);
  const theirs = (await (await other.request.get(`/api/lessons/${SLUG}/learner-cells`)).json()) as { cells: unknown[] };
  expect(theirs.cells).toEqual([]);
  await stranger.close();
});

test("a guest's own cells carry over when they sign up", async ({ page }) => {
  await openLesson(page, TENSORS_LESSON);
  await insertBar(page, "shape").getByRole("button", { name: "Insert code cell below" }).click();
  const mine = ownCells(page).first();
  await expect.poll(() => editorFocused(mine), { timeout: 20_000 }).toBe(true);
  await typeInto(page, mine, "const guestCell = 1");
  await saved(page);

  await page.goto("/signup");
  await page.getByLabel("Username").fill(uniqueName("owner"));
  await page.getByLabel("Password").fill("a long password");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByTestId("account-username")).toBeVisible();

  await openLesson(page, TENSORS_LESSON);
  await expect.poll(() => cellOrder(page), { timeout: 20_000 }).toEqual(["make", "shape", "own-code", "broadcast", "grad"]);
  await expect(ownCells(page).first().locator(".view-lines")).toContainText("guestCell");
});
