import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousViolations } from "./axe";
import { cell, openLesson } from "./notebook";
import { uniqueName } from "./unique";

/**
 * Issue 13, deployment: a learner trains the Deployment lesson's MNIST model with its own cells
 * (only those up to the trained model: the lesson's full Run all is covered elsewhere), is told to
 * sign in when publishing as a guest, publishes once signed in, draws a "1" on the model's page
 * with the mouse and gets 1, then unpublishes it and the page is gone.
 */
const LESSON = "/lessons/deployment";

/** Runs a cell and waits for its execution count to become `count` (training takes a while). */
async function runCellTo(page: Page, id: string, count: number, timeout = 30_000): Promise<string> {
  const target = cell(page, id);
  await target.getByRole("button", { name: "Run cell" }).click();
  await expect(target.getByTestId("execution-count")).toHaveText(`[${count}]`, { timeout });
  return target.getByTestId("cell-output").innerText();
}

test("publish the lesson's trained model, classify a drawn 1 on its page, unpublish it", async ({ page, context }) => {
  test.setTimeout(240_000);
  await openLesson(page, LESSON);
  await runCellTo(page, "load-data", 1);
  await runCellTo(page, "make-model", 2);
  expect(await runCellTo(page, "train", 3, 150_000)).toMatch(/test accuracy 0\.(8|9)\d+/);

  // As a guest: a clear refusal, printed by the cell.
  expect(await runCellTo(page, "publish", 4)).toContain("Sign in to publish a model");

  // Sign up in another tab of the same browser (same cookies), so this page's kernel keeps the trained net.
  const username = uniqueName("publisher");
  const signup = await context.newPage();
  await signup.goto("/signup");
  await signup.getByLabel("Username").fill(username);
  await signup.getByLabel("Password").fill("a long password");
  await signup.getByRole("button", { name: "Sign up" }).click();
  await expect(signup.getByTestId("account-username")).toHaveText(username);
  await signup.close();

  const output = await runCellTo(page, "publish", 5);
  expect(output).toMatch(/Published "My MNIST digits" \(5 layers, \d+ KB of weights\)/);
  const id = /\/models\/([a-z0-9]+)/.exec(output)?.[1];
  expect(id, output).toBeTruthy();
  // The output links to the model's page on this site, opening beside the notebook.
  const link = cell(page, "publish").getByTestId("link-output").getByRole("link", { name: 'Open "My MNIST digits" and draw a digit' });
  await expect(link).toHaveAttribute("href", `/models/${id}`);
  await expect(link).toHaveAttribute("target", "_blank");

  await page.goto(`/models/${id}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My MNIST digits");
  await expect(page.getByTestId("model-owner")).toHaveText(username);
  await expect(page.getByTestId("model-layers").locator("li")).toHaveText(["Linear(784 → 128)", "BatchNorm1d(128, eval: running statistics)", "ReLU", "Dropout (identity when predicting)", "Linear(128 → 10)"]);

  // A "1": one vertical stroke down the middle of the pad, drawn with mouse moves.
  const pad = page.getByTestId("drawing-pad");
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let step = 1; step <= 20; step++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + (0.7 * step) / 20));
  await page.mouse.up();
  await expect(page.getByTestId("prediction")).toContainText("Prediction: 1 (");
  console.log(`deployment: drawn 1 -> ${await page.getByTestId("prediction").innerText()}`);

  await expectNoSeriousViolations(page, "published model page with a prediction");

  // Clear empties the pad and the prediction.
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByTestId("prediction")).toHaveText("Draw a digit to see what the model thinks it is.");

  // The keyboard draws too: arrow keys move the pen from its position, drawing a stroke.
  await pad.focus();
  for (let step = 0; step < 15; step++) await page.keyboard.press("ArrowDown");
  await expect(page.getByTestId("prediction")).toContainText("Prediction: ");
  await page.keyboard.press("Delete");
  await expect(page.getByTestId("prediction")).toHaveText("Draw a digit to see what the model thinks it is.");

  // The learner's list, reached from the account menu; unpublish after confirming.
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "My models" }).click();
  await expect(page).toHaveURL(/\/models$/);
  const row = page.getByTestId("published-model").filter({ hasText: "My MNIST digits" });
  await expect(row).toHaveCount(1);
  await expectNoSeriousViolations(page, "my published models");
  page.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Unpublish My MNIST digits" }).click();
  await expect(page.getByTestId("no-models")).toBeVisible();

  const gone = await page.goto(`/models/${id}`);
  expect(gone?.status()).toBe(404);
  expect((await page.request.get(`/api/models/${id}`)).status()).toBe(404);
});
