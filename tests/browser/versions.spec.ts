import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { cell, editorText, openLesson } from "./notebook";

const LESSON = "activation-functions";
const LESSON_PATH = `/lessons/${LESSON}`;

test.describe.configure({ timeout: 120_000 });

/** The anonymous learner id of the page's browser context (the signed gb_learner cookie is `<id>.<signature>`). */
async function learnerId(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === "gb_learner");
  if (!cookie) throw new Error("no learner cookie yet");
  return cookie.value.split(".")[0];
}

/**
 * Makes the database look as if this learner had saved `code` for cell `oldId` while the
 * lesson was at version 1: the row is written through the API under a cell of today's lesson,
 * then given the old id (a revision renamed or removed that cell since).
 */
async function savedUnderEarlierId(page: Page, carrierId: string, oldId: string, code: string): Promise<void> {
  const response = await page.request.put(`/api/lessons/${LESSON}/cells/${carrierId}`, { data: { code, version: Date.now() } });
  expect(response.status(), await response.text()).toBe(200);
  const file = process.env.DATABASE_URL!.replace(/^file:/, "");
  const db = new Database(file);
  try {
    const moved = db.prepare(`UPDATE "CellState" SET "cellId" = ? WHERE "userId" = ? AND "lessonSlug" = ? AND "cellId" = ?`).run(oldId, await learnerId(page), LESSON, carrierId);
    expect(moved.changes).toBe(1);
  } finally {
    db.close();
  }
}

test("the lesson says which version it is and what changed; an earlier version opens read-only", async ({ page }) => {
  await page.goto(LESSON_PATH);
  const versions = page.getByTestId("lesson-version");
  await expect(versions.locator("summary")).toContainText("Version 2");
  await expect(versions.locator("summary")).toContainText("Watch & Learn video");
  await versions.locator("summary").click();
  await versions.getByRole("link", { name: "Read version 1" }).click();

  await page.waitForURL(`**${LESSON_PATH}/versions/1`);
  await expect(page.getByTestId("read-only-version")).toContainText("You are reading version 1 of this lesson. It is read-only");
  // Version 1's cells as they were (the identity cell was still called "linear"), as code: no editor, no Run.
  await expect(page.locator('[data-testid="archived-cell"][data-cell-id="linear"]')).toContainText('plotActivation("identity"');
  expect(await page.getByTestId("archived-cell").count()).toBeGreaterThan(30);
  await expect(page.locator(".monaco-editor")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Run cell" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Submit/ })).toHaveCount(0);
  await expect(page.getByTestId("archived-exercise").first()).toBeVisible();
  // Version 1 had no video.
  await expect(page.getByTestId("lesson-video")).toHaveCount(0);
  await page.getByRole("link", { name: "Open the current version (2)" }).click();
  await page.waitForURL(`**${LESSON_PATH}`);

  expect((await page.request.get(`${LESSON_PATH}/versions/7`)).status()).toBe(404);
});

test("a learner's code survives a revision that renames a cell and removes another", async ({ page }) => {
  await openLesson(page, LESSON_PATH);
  // Saved while the lesson was version 1: code for the identity cell (then "linear") and for a cell the revision removed.
  await savedUnderEarlierId(page, "identity-activation", "linear", "// my notes on the identity\nplotActivation(\"mine\", (z) => z);");
  await savedUnderEarlierId(page, "tanh", "softplus-draft", "const softplus = (z) => z.exp().log1p();");

  await openLesson(page, LESSON_PATH);
  // The renamed cell carries the code saved under its old id.
  await expect.poll(() => editorText(page, "identity-activation")).toContain("// my notes on the identity");
  // The removed cell's code is kept, read-only, at the end of the lesson.
  const earlier = page.getByTestId("earlier-work");
  await expect(earlier.getByRole("heading", { name: "From an earlier version" })).toBeVisible();
  await expect(earlier.locator('[data-cell-id="softplus-draft"]')).toContainText("const softplus = (z) => z.exp().log1p();");
  await expect(earlier.locator('[data-cell-id="linear"]')).toHaveCount(0);
  // The tanh cell, whose row we moved away, is back to the lesson's code.
  await expect.poll(() => editorText(page, "tanh")).not.toContain("softplus");
  await expect(cell(page, "identity-activation")).toBeVisible();
});
